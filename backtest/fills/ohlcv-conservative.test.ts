import { describe, expect, it } from 'vitest';
import { ohlcvConservativeFills } from './ohlcv-conservative.ts';
import { ohlcvLimitFills } from './ohlcv-limit.ts';
import { OPTS, barEv, closeOf, placeI } from './ohlcv.fixtures.ts';

describe('ohlcv conservative fills', () => {
  it('is labelled conservative_estimated', () => {
    const sim = ohlcvConservativeFills(OPTS);
    expect([sim.name, sim.bias]).toEqual(['ohlcv-conservative', 'conservative_estimated']);
  });

  it('does not fill a buy the synthetic bid only touches (the limit model does); fills once it trades a tick through', () => {
    const bars = [barEv(0, '99', '100'), barEv(1, '100', '99'), barEv(2, '99', '98.9')];
    const limit = ohlcvLimitFills(OPTS);
    const cons = ohlcvConservativeFills(OPTS);
    for (const sim of [limit, cons]) {
      sim.onEvent(bars[0] ?? barEv(0, '1', '1'));
      sim.submit(closeOf(0), [placeI('b', 'buy', '98', '0.5')]);
    }
    // Bar 1 closes at 99: bid 98 = our price. Touch only.
    expect(limit.onEvent(bars[1] ?? barEv(0, '1', '1')).map((f) => f.orderId)).toEqual(['b']);
    expect(cons.onEvent(bars[1] ?? barEv(0, '1', '1'))).toEqual([]);
    // Bar 2 closes at 98.9: bid 97.9 = a tick through 98.
    const f = cons.onEvent(bars[2] ?? barEv(0, '1', '1'));
    expect(f.map((x) => [x.orderId, x.ts, x.price.toString(), x.liquidity, x.mid.toString()])).toEqual([['b', closeOf(2), '98', 'maker', '98.9']]);
  });

  it('needs the ask a tick above a resting sell', () => {
    const cons = ohlcvConservativeFills(OPTS);
    cons.onEvent(barEv(0, '99', '100'));
    cons.submit(closeOf(0), [placeI('s', 'sell', '102', '0.5')]);
    expect(cons.onEvent(barEv(1, '101', '101'))).toEqual([]); // ask 102: touch only
    expect(cons.onEvent(barEv(2, '101.1', '101')).map((x) => x.orderId)).toEqual(['s']); // ask 102.1 at the open
  });
});
