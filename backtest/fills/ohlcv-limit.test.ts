import { describe, expect, it } from 'vitest';
import type { BacktestFill, FillSimulator } from '../types.ts';
import { ohlcvLimitFills } from './ohlcv-limit.ts';
import { MIN, OPTS, T0, barEv, closeOf, d, placeI } from './ohlcv.fixtures.ts';

const brief = (f: BacktestFill): string[] => [f.orderId, String(f.ts), f.side, f.price.toString(), f.amount.toString(), f.fee.toString(), f.liquidity, f.mid.toString()];

/** A limit model after bar 0 (open 99, close 100): half spread 1, book 99 / 101. */
function afterBar0(opts = OPTS): FillSimulator {
  const sim = ohlcvLimitFills(opts);
  expect(sim.onEvent(barEv(0, '99', '100'))).toEqual([]);
  return sim;
}

describe('ohlcv limit fills', () => {
  it('is labelled optimistic_estimated', () => {
    expect([ohlcvLimitFills(OPTS).name, ohlcvLimitFills(OPTS).bias]).toEqual(['ohlcv-limit', 'optimistic_estimated']);
  });

  it('fills a resting buy in full at its price as maker when the synthetic bid at the close touches it', () => {
    const sim = afterBar0();
    expect(sim.submit(closeOf(0), [placeI('b', 'buy', '98', '0.5'), placeI('s', 'sell', '102', '0.5')])).toEqual({ fills: [], rejects: [] });
    // bar 1: open 100 → bid 99; close 99 → bid 98 = our price. The ask (101, then 100) never reaches 102.
    const fills = sim.onEvent(barEv(1, '100', '99'));
    expect(fills.map(brief)).toEqual([['b', String(closeOf(1)), 'buy', '98', '0.5', '0.0098', 'maker', '99']]);
    expect(sim.openOrders().map((o) => o.id)).toEqual(['s']);
  });

  it('fills at the open quote first (ts = the bar open, mid = open), a sell when the ask reaches it', () => {
    const sim = afterBar0();
    sim.submit(closeOf(0), [placeI('s', 'sell', '102', '0.5'), placeI('b', 'buy', '98', '0.5')]);
    // bar 1 opens at 101 (ask 102 = our sell) and closes at 99 (bid 98 = our buy).
    expect(sim.onEvent(barEv(1, '101', '99')).map(brief)).toEqual([
      ['s', String(T0 + MIN), 'sell', '102', '0.5', '0.0102', 'maker', '101'],
      ['b', String(closeOf(1)), 'buy', '98', '0.5', '0.0098', 'maker', '99'],
    ]);
  });

  it('never fills an order on the bar it was placed on', () => {
    const sim = afterBar0();
    // Placed in the middle of bar 1 (it opened at closeOf(0)); bar 1's close quote bid 98 would touch it.
    sim.submit(closeOf(0) + 30_000, [placeI('b', 'buy', '98', '0.5')]);
    expect(sim.onEvent(barEv(1, '100', '99'))).toEqual([]);
    expect(sim.onEvent(barEv(2, '99', '99')).map((f) => [f.orderId, f.ts])).toEqual([['b', T0 + 2 * MIN]]);
  });

  it('never uses the bar high or low: a low spiking through the order fills nothing when the open/close quotes do not', () => {
    const run = (low: string, atrPeriod: number): readonly BacktestFill[] => {
      const sim = ohlcvLimitFills({ ...OPTS, atrPeriod });
      sim.onEvent(barEv(0, '99', '100', '100', '99'));
      sim.submit(closeOf(0), [placeI('b', 'buy', '98', '0.5'), placeI('s', 'sell', '102', '0.5')]);
      // Open = close = 100: bid 99, ask 101 at both; the low (90) and high (110) pass both orders.
      return sim.onEvent(barEv(1, '100', '100', low === '100' ? '100' : '110', low));
    };
    for (const period of [1, 100]) {
      expect(run('90', period)).toEqual([]);
      expect(run('100', period)).toEqual([]);
    }
    // With ATR(1) the spike does widen the NEXT book (100 ± TR 20): later quotes, not this bar's fills.
    const sim = ohlcvLimitFills({ ...OPTS, atrPeriod: 1 });
    sim.onEvent(barEv(0, '99', '100', '100', '99'));
    sim.onEvent(barEv(1, '100', '100', '110', '90'));
    expect([sim.book()?.bid.toString(), sim.book()?.ask.toString()]).toEqual(['80', '120']);
  });

  it('rejects a post-only order that would cross the synthetic book, and rests one that does not', () => {
    const sim = afterBar0();
    const r = sim.submit(closeOf(0), [placeI('a', 'buy', '101', '0.5'), placeI('b', 'sell', '99', '0.5'), placeI('c', 'buy', '100.9', '0.5')]);
    expect(r.rejects).toEqual([{ id: 'a', reason: 'post_only_would_cross' }, { id: 'b', reason: 'post_only_would_cross' }]);
    expect(r.fills).toEqual([]);
    expect(sim.openOrders().map((o) => [o.id, o.price.toString(), o.remaining.toString(), o.placedAt])).toEqual([['c', '100.9', '0.5', closeOf(0)]]);
  });

  it('fills a marketable non-post-only order at once at the synthetic opposite quote, as taker', () => {
    const sim = afterBar0();
    const r = sim.submit(closeOf(0), [placeI('t1', 'buy', '101.5', '0.01', false), placeI('t2', 'sell', '98', '0.02', false), placeI('r', 'buy', '100', '0.02', false)]);
    expect(r.fills.map(brief)).toEqual([
      ['t1', String(closeOf(0)), 'buy', '101', '0.01', '0.00101', 'taker', '100'],
      ['t2', String(closeOf(0)), 'sell', '99', '0.02', '0.00198', 'taker', '100'],
    ]);
    expect(sim.openOrders().map((o) => o.id)).toEqual(['r']);
  });

  it('charges the maker pct on notional (a negative pct is a rebate)', () => {
    const sim = afterBar0({ ...OPTS, makerFeePct: d('-0.0001') });
    sim.submit(closeOf(0), [placeI('b', 'buy', '98', '0.5')]);
    expect(sim.onEvent(barEv(1, '100', '99'))[0]?.fee.toString()).toBe('-0.0049');
  });
});
