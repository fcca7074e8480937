import { describe, expect, it } from 'vitest';
import { Decimal } from '../../domain/money/decimal.ts';
import { ohlcvLimitFills } from '../fills/ohlcv-limit.ts';
import { OPTS, barEv, placeI } from '../fills/ohlcv.fixtures.ts';
import type { EquitySample } from './types.ts';
import { computeMetrics, sharpeProxy } from './metrics.ts';
import { createPortfolio } from './tracker.ts';
import { d, fill } from './portfolio.fixtures.ts';

/** 365 days / 100: the samples are 3 d 15 h 36 min apart, so barsPerYear = 100 and sqrt = 10. */
const I = 315_360_000;
const T0 = Date.UTC(2024, 0, 1);

/**
 * Hand-computed example (opening: 1000 USDT, no base; fees 0.1 per unit):
 *  t0      buy  1 @ 99   (mid 100)   fee 0.1  mark 100 → quote 900.9, pos 1, equity 1000.9   calm
 *  t0+I    sell 1 @ 102  (mid 101)   fee 0.1  realized +3; mark 101 → quote 1002.8, flat, equity 1002.8   calm
 *  t0+2I   buy  2 @ 100  (mid 100.5) fee 0.2  mark 98 → quote 802.6, pos 2, equity 998.6   shock
 *  t0+3I   sell 1 @ 98.5 (mid 98)    fee 0.1  realized −1.5; mark 97 → quote 901, pos 1 (avg 100), equity 998   shock
 * One more order was placed and never filled (5 placed, 4 filled).
 */
function example(): ReturnType<typeof computeMetrics> {
  const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(0), startQuote: d(1000), startMark: d(100) });
  const steps = [
    [fill('a', T0, 'buy', '99', '1', '0.1', '100'), '100', 'calm'],
    [fill('b', T0 + I, 'sell', '102', '1', '0.1', '101'), '101', 'calm'],
    [fill('c', T0 + 2 * I, 'buy', '100', '2', '0.2', '100.5'), '98', 'shock'],
    [fill('d', T0 + 3 * I, 'sell', '98.5', '1', '0.1', '98'), '97', 'shock'],
  ] as const;
  for (const [f, mark, regime] of steps) {
    p.applyFill(f);
    p.mark(f.ts, d(mark));
    p.recordBar(f.ts, regime);
  }
  return computeMetrics({ fills: p.fills(), samples: p.samples(), final: p.view(), ordersPlaced: 5, barIntervalMs: I });
}

describe('computeMetrics', () => {
  it('computes every metric of a hand-computed example', () => {
    const m = example();
    expect(m).toEqual({
      startEquity: '1000',
      endEquity: '998',
      netPnl: '-2',
      realized: '1.5',
      unrealized: '-3',
      grossSpreadCapture: '3.5', // 1 + 1 + 0.5·2 + 0.5
      avgCapturePerFill: '0.875',
      fees: '0.5',
      funding: '0',
      maxDrawdown: '0.004786597527', // (1002.8 − 998) / 1002.8
      maxDrawdownQuote: '4.8',
      // r = 0.0009, 1.9/1000.9, −4.2/1002.8, −0.6/998.6; mean/pop-stdev·10 (checked independently with Python's decimal).
      sharpe: '-2.155534094769',
      profitFactor: '2', // 3 / |−1.5|
      fillRate: '0.8',
      ordersPlaced: 5,
      ordersFilled: 4,
      fills: 4,
      bars: 4,
      tradedNotional: '499.5',
      turnover: '0.4995',
      perDay: [
        { day: '2024-01-01', pnl: '0.9', fees: '0.1', fills: 1, turnover: '0.099' },
        { day: '2024-01-04', pnl: '1.9', fees: '0.1', fills: 1, turnover: '0.102' },
        { day: '2024-01-08', pnl: '-4.2', fees: '0.2', fills: 1, turnover: '0.2' },
        { day: '2024-01-11', pnl: '-0.6', fees: '0.1', fills: 1, turnover: '0.0985' },
      ],
      perRegime: [
        { regime: 'calm', bars: 2, pnl: '2.8', fills: 2 },
        { regime: 'shock', bars: 2, pnl: '-4.8', fills: 2 },
      ],
    });
  });

  it('has null profit factor without losses, null fill rate without orders, and zero Sharpe on a flat curve', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(0), startQuote: d(1000), startMark: d(100) });
    p.mark(1, d(100));
    p.recordBar(1);
    p.recordBar(2);
    const m = computeMetrics({ fills: p.fills(), samples: p.samples(), final: p.view(), ordersPlaced: 0, barIntervalMs: 60_000 });
    expect([m.profitFactor, m.fillRate, m.sharpe, m.avgCapturePerFill, m.maxDrawdown]).toEqual([null, null, '0', '0', '0']);
    expect(m.perRegime).toEqual([{ regime: 'none', bars: 2, pnl: '0', fills: 0 }]);
  });

  it('Sharpe proxy: returns 0.02, 0, 0.02, 0 at 100 bars a year → 0.01 / 0.01 · 10 = 10', () => {
    const sample = (equity: string): EquitySample => ({ ts: 0, mark: d(1), base: d(0), quote: d(equity), equity: d(equity), realized: d(0), unrealized: d(0), fees: d(0), funding: d(0), drawdown: d(0), regime: null });
    expect(sharpeProxy(d(1000), ['1020', '1020', '1040.4', '1040.4'].map(sample), I).toString()).toBe('10');
  });

  it('prints plain decimals, never exponent forms', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(0), startQuote: d(1000), startMark: d(100) });
    p.applyFill(fill('a', 1, 'buy', '100', '0.00000001', '0.00000000000000000000000000000001', '100.00000001'));
    p.mark(1, d(100));
    const m = computeMetrics({ fills: p.fills(), samples: p.samples(), final: p.view(), ordersPlaced: 1, barIntervalMs: 60_000 });
    const json = JSON.stringify(m);
    expect(json).not.toMatch(/\de[+-]?\d/);
    expect(m.grossSpreadCapture).toBe('0.0000000000000001');
    expect(m.fees).toBe('0.00000000000000000000000000000001');
  });

  it('is deterministic: the same bars and intents give JSON-identical metrics', () => {
    const run = (): string => {
      const sim = ohlcvLimitFills(OPTS);
      const p = createPortfolio({ base: 'TEST', quote: 'USDT', startBase: d(0), startQuote: d(1000), startMark: d(100) });
      let placed = 0;
      for (let i = 0; i < 300; i++) {
        const close = new Decimal(100).plus(new Decimal(((i * 37) % 23) - 11).dividedBy(10));
        const ev = barEv(i, i === 0 ? '99' : '100', close.toString());
        for (const f of sim.onEvent(ev)) p.applyFill(f);
        p.mark(ev.ts, close);
        p.recordBar(ev.ts, i % 50 < 25 ? 'calm' : 'trend');
        const top = sim.book();
        if (top === null) continue;
        const intents = [{ type: 'cancel' as const, id: `b${i - 1}` }, { type: 'cancel' as const, id: `s${i - 1}` }, placeI(`b${i}`, 'buy', top.bid.toString(), '0.05'), placeI(`s${i}`, 'sell', top.ask.toString(), '0.05')];
        placed += 2;
        for (const f of sim.submit(ev.ts, i === 0 ? intents.slice(2) : intents).fills) p.applyFill(f);
      }
      return JSON.stringify(computeMetrics({ fills: p.fills(), samples: p.samples(), final: p.view(), ordersPlaced: placed, barIntervalMs: 60_000 }));
    };
    const a = run();
    expect(JSON.parse(a).fills).toBeGreaterThan(10);
    expect(run()).toBe(a);
  });
});
