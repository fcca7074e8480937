import { describe, expect, it } from 'vitest';
import { ohlcvConservativeFills } from './ohlcv-conservative.ts';
import { ohlcvLimitFills } from './ohlcv-limit.ts';
import { OPTS, T0, barEv, closeOf, d, placeI } from './ohlcv.fixtures.ts';

describe.each([['limit', ohlcvLimitFills], ['conservative', ohlcvConservativeFills]] as const)('ohlcv %s: intents', (_name, make) => {
  it('rejects every place before the first bar (no book) and has no book', () => {
    const sim = make(OPTS);
    expect(sim.book()).toBeNull();
    expect(sim.submit(T0, [placeI('a', 'buy', '98', '0.5')]).rejects).toEqual([{ id: 'a', reason: 'no_book' }]);
  });

  it('rejects off-grid orders naming the field', () => {
    const sim = make(OPTS);
    sim.onEvent(barEv(0, '99', '100'));
    const r = sim.submit(closeOf(0), [
      placeI('p', 'buy', '98.05', '0.5'),
      placeI('a', 'buy', '98', '0.0005'),
      placeI('m', 'buy', '98', '0.001'),
      placeI('n', 'buy', '0.1', '5'),
      placeI('z', 'buy', '-1', '5'),
    ]);
    expect(r.rejects.map((x) => [x.id, x.reason])).toEqual([
      ['p', 'price_off_tickSize'], ['a', 'amount_off_lotStep'], ['m', 'amount_below_minAmount'], ['n', 'notional_below_minNotional'], ['z', 'price_not_positive'],
    ]);
    expect(sim.openOrders()).toEqual([]);
  });

  it('cancels resting orders, rejects unknown cancels and duplicate ids', () => {
    const sim = make(OPTS);
    sim.onEvent(barEv(0, '99', '100'));
    const r = sim.submit(closeOf(0), [placeI('a', 'buy', '98', '0.5'), placeI('a', 'buy', '97', '0.5'), { type: 'cancel', id: 'a' }, { type: 'cancel', id: 'a' }]);
    expect(r.rejects).toEqual([{ id: 'a', reason: 'duplicate_order_id' }, { id: 'a', reason: 'unknown_order' }]);
    expect(sim.openOrders()).toEqual([]);
    expect(sim.onEvent(barEv(1, '90', '90'))).toEqual([]); // a cancelled order never fills
  });

  it('ignores book and trade events and exposes the synthetic top of the last bar', () => {
    const sim = make(OPTS);
    sim.onEvent(barEv(0, '99', '100'));
    expect(sim.onEvent({ kind: 'trade', ts: closeOf(0), trade: { ts: closeOf(0), price: d(1), amount: d(1), takerSide: 'sell' } })).toEqual([]);
    const top = sim.book();
    expect([top?.ts, top?.bid.toString(), top?.ask.toString()]).toEqual([closeOf(0), '99', '101']);
  });
});
