import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../domain/events/index.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { analysisReport } from './analysis-report.ts';
import type { StoredEvent } from './events.ts';
import { parityReport } from './parity.ts';
import { POST_TRADE_THRESHOLDS_V1 } from './post-trade.ts';
import { MIN, T0, scenario, stamper } from './synthetic.fixtures.ts';
import { parseDuration } from './window.ts';

const asStored = (es: readonly EventEnvelope[]): StoredEvent[] => es.map((e) => ({ ...e, payload: e.payload }));
const parity = (a: readonly EventEnvelope[], b: readonly EventEnvelope[], window = '10m') =>
  parityReport({ a: { source: 'a', events: asStored(a) }, b: { source: 'b', events: asStored(b) }, window: parseDuration(window), windowText: window });

describe('parity', () => {
  it('a store against itself: every delta 0, PASS', () => {
    const events = scenario({ minutes: 30 });
    const r = parity(events, events);
    expect(r.status).toBe('PASS');
    expect(r.day).toBe('2024-08-08');
    for (const w of [...(r.bots[0]?.windows ?? []), r.bots[0]?.overall]) for (const m of w?.metrics ?? []) expect(m.delta).toBe('0');
    expect(r.bots[0]?.windows).toHaveLength(3);
  });

  it('fills removed from b: FAIL naming fill_ratio', () => {
    const a = scenario({ minutes: 30 });
    const r = parity(a, a.filter((e) => e.type !== 'order.filled'));
    expect(r.status).toBe('FAIL');
    expect(r.bots[0]?.overall.metrics.find((m) => m.metric === 'fill_ratio')).toMatchObject({ status: 'FAIL', a: '0.5', b: '0', delta: '0.5' });
    expect(r.failures.some((f) => f.includes('fill_ratio'))).toBe(true);
    // Slippage is measured on a only: N/A, the fill ratio carries the verdict.
    expect(r.bots[0]?.overall.metrics.find((m) => m.metric === 'slippage_bps')?.status).toBe('N/A');
  });

  it('reject rate, slippage and realized PnL deltas fail past their thresholds', () => {
    const a = scenario({ minutes: 20 });
    const b = scenario({ minutes: 20, minute: (i) => (i === 5 ? { rejects: 3 } : {}) });
    expect(parity(a, b, 'all').failures.join()).toContain('reject_rate');
    // b's fills 5 bps worse than their limit.
    const worse = a.map((e) => (e.type === 'order.filled' ? { ...e, payload: { ...e.payload, price: new Decimal(String(e.payload['price'])).times(e.payload['side'] === 'buy' ? '1.0005' : '0.9995').toFixed() } } : e));
    expect(parity(a, worse, 'all').failures.join()).toMatch(/slippage_bps \(\|delta\| 5/);
    const pnl = a.map((e) => (e.type === 'state.snapshot' && e.ts > T0 + 10 * MIN ? { ...e, payload: { ...e.payload, realizedPnl: '-6' } } : e));
    expect(parity(a, pnl, 'all').failures.join()).toContain('realized_pnl');
  });

  it('bad input: no common bot, no overlap', () => {
    expect(parity(scenario({ minutes: 5 }), scenario({ minutes: 5, botId: 'other' })).findings[0]?.code).toBe('no_common_bots');
    const late = parity(scenario({ minutes: 5 }), scenario({ minutes: 5, t0: T0 + 60 * MIN }));
    expect(late).toMatchObject({ status: 'INVALID', findings: [{ code: 'no_overlap' }] });
  });
});

/** One bot: snapshots every minute at mid 50 000 except `midAt` overrides; a buy at 49 875 (25 bps) filled at `fillMin`. */
function fillAt(midAfterFill: string): EventEnvelope[] {
  const stamp = stamper();
  const snap = (ts: number, mid: string) => stamp('b', ts, 'state.snapshot', {
    state: 'Running', regime: 'neutral_low_vol', soft: [], hardStop: null, base: '0.01', quote: '500', equity: new Decimal(mid).times('0.01').plus(500).toFixed(),
    realizedPnl: '0', unrealizedPnl: '0', fees: '0', openOrders: 1, fills: 0, day: { dayStartMs: 0, equityOpen: '1000', equityPeak: '1000', tradedNotionalQuote: '0', fillCount: 0, feesQuote: '0', fundingQuote: '0' },
  });
  return [
    stamp('b', T0, 'bot.started', { symbol: 'BTCUSDT', variant: 'paper_only', incarnation: 0 }),
    snap(T0, '50000'),
    stamp('b', T0, 'order.created', { clientOrderId: 'o1', levelId: 'buy_0', side: 'buy', price: '49875', amount: '0.01', postOnly: true, insideBook: false }),
    snap(T0 + MIN, midAfterFill),
    stamp('b', T0 + MIN, 'order.filled', { clientOrderId: 'o1', side: 'buy', price: '49875', amount: '0.01', fee: '0.1', feeAsset: 'USDT', liquidity: 'maker', remaining: '0' }),
    snap(T0 + 2 * MIN, midAfterFill),
  ];
}
const configured = { fillFactor: new Decimal('0.4'), slippageEstPct: new Decimal('0.0001'), adverseDriftEstPct: new Decimal('0.0001'), source: 'test' };

describe('analysis: fill factor, edge report, post-trade validator', () => {
  it('a fill with the mid still at placement captured its full quote: realized 1, OK; edge adds up', () => {
    const r = analysisReport({ source: 't', events: asStored(fillAt('50000')), configured: () => configured });
    const b = r.bots[0];
    expect(b?.fillFactor).toMatchObject({ realizedFillFactor: '1', measurable: 1, configuredFillFactor: '0.4' });
    expect(b?.postTrade.severity).toBe('OK');
    // gross = (50000 − 49875)·0.01 = 1.25; fee 0.1; drift 0; net 1.15.
    expect(b?.edge.total).toMatchObject({ grossCapture: '1.25', fees: '0.1', slippage: '0', adverseDrift: '0', net: '1.15', measured: 1 });
    expect(b?.edge.perDay).toEqual([expect.objectContaining({ day: '2024-08-08', net: '1.15' })]);
  });

  it('CRITICAL when the realized fill factor is below 0.7 × configured', () => {
    // The mid fell to 49 900 by the fill: captured 25/49900 of a 125/50000 quote ≈ 0.2 < 0.28.
    const r = analysisReport({ source: 't', events: asStored(fillAt('49900')), configured: () => configured });
    const ff = r.bots[0]?.postTrade.checks.find((c) => c.check === 'fill_factor');
    expect(ff).toMatchObject({ severity: 'CRITICAL', configured: '0.4' });
    expect(Number(ff?.realized)).toBeCloseTo(0.2004, 3);
    expect(r.status).toBe('CRITICAL');
    expect(POST_TRADE_THRESHOLDS_V1.criticalFillFactorRatio.toString()).toBe('0.7');
  });

  it('adverse drift from snapshot mids 30 s after the fill; no fills is UNMEASURABLE, not OK', () => {
    const events = fillAt('50000');
    // Mid 49 800 at T0+2min: the mid 30 s after the fill (interpolated) is 49 900 → drift cost 1.
    const moved = events.map((e) => (e.type === 'state.snapshot' && e.ts === T0 + 2 * MIN ? { ...e, payload: { ...e.payload, equity: '998' } } : e));
    const r = analysisReport({ source: 't', events: asStored(moved), configured: () => configured });
    expect(r.bots[0]?.edge.total.adverseDrift).toBe('1');
    expect(r.bots[0]?.postTrade.checks.find((c) => c.check === 'adverse_drift')?.severity).toBe('WARNING');
    const none = analysisReport({ source: 't', events: asStored(events.filter((e) => e.type !== 'order.filled')), configured: () => configured });
    expect(none.status).toBe('UNMEASURABLE');
  });
});
