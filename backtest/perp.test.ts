/**
 * Perp accounting through the engine: the portfolio opened as a perp (margin wallet, signed
 * position) feeds each view a `perp` account, and funding is charged at each settlement crossed
 * by a mark at exactly `position·mark·rate` (longs pay a positive rate, shorts receive it).
 */
import { describe, expect, it } from 'vitest';
import { applyFill, ledgerInit } from '../domain/accounting/ledger.ts';
import { perpFigures } from '../domain/accounting/perp.ts';
import { midOf } from '../domain/market/types.ts';
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import { runEngine } from './engine.ts';
import { OPTS, RULES, T0 } from './fills/ohlcv.fixtures.ts';
import { ohlcvLimitFills } from './fills/ohlcv-limit.ts';
import { lazyPortfolio } from './lazy-portfolio.ts';
import type { BarView, MarketData, MarketEvent, OrderIntent, StrategyAdapter } from './types.ts';

const d = (v: string | number): Decimal => new Decimal(v);
const H = 3_600_000;
const STEP = 20 * 60_000; // three decisions per hourly settlement
const RATE = d('0.0001');

/** Flat bars `STEP` apart whose closes walk up and down, so the mark differs at each settlement. */
function data(n: number): MarketData {
  const events: MarketEvent[] = [];
  for (let i = 0; i < n; i++) {
    const c = d(100 + ((i * 7) % 11));
    events.push({ kind: 'bar', ts: T0 + (i + 1) * STEP, bar: { ts: T0 + i * STEP, open: c, high: c, low: c, close: c, volume: d(1) }, intervalMs: STEP });
  }
  return { meta: { format: 'ohlcv-csv', files: ['x'], contentHash: 'sha256:0', symbol: null, start: T0 + STEP, end: T0 + n * STEP, barIntervalMs: STEP, events: n, findings: [] }, events: () => events };
}

/** Holds its position, except for one place at `at` (an order the simulator may fill); records every view. */
function holder(views: BarView[], at: number | null = null, intent: OrderIntent | null = null): StrategyAdapter<null> {
  return { name: 'hold', init: () => null, onBar: (v) => (views.push(v), { state: null, intents: v.ts === at && intent !== null ? [intent] : [] }) };
}

function run(startBase: string, views: BarView[], rate = RATE): void {
  const portfolio = lazyPortfolio({ base: 'TEST', quote: 'USDT', startBase: d(startBase), startQuote: d(1000), funding: { rate, intervalMs: H }, perp: { leverage: d(2) } });
  runEngine({ data: data(13), strategy: holder(views), rules: RULES, fills: ohlcvLimitFills(OPTS), portfolio, cadence: { kind: 'bar' } });
}

/** Funding charged between consecutive views, with the settlement expected at each. */
function charges(views: readonly BarView[]): { got: Decimal; want: Decimal }[] {
  const out: { got: Decimal; want: Decimal }[] = [];
  for (let i = 1; i < views.length; i++) {
    const [prev, v] = [views[i - 1] as BarView, views[i] as BarView];
    const settled = Math.floor(v.ts / H) > Math.floor(prev.ts / H);
    out.push({ got: (v.perp?.funding ?? ZERO).minus(prev.perp?.funding ?? ZERO), want: settled ? v.base.times(midOf(v.book)).times(RATE) : ZERO });
  }
  return out;
}

describe('perp backtest accounting', () => {
  it('a held long pays exactly position·mark·rate at each hourly settlement, nothing between', () => {
    const views: BarView[] = [];
    run('2', views);
    const c = charges(views);
    expect(c.filter((x) => !x.want.isZero())).toHaveLength(4); // 13 bars of 20 min from T0: settlements at 1 h … 4 h
    for (const x of c) expect(x.got.toString()).toBe(x.want.toString());
    const paid = c.reduce((s, x) => s.plus(x.got), ZERO);
    expect(paid.gt(0)).toBe(true);
    expect((views.at(-1)?.perp?.funding ?? ZERO).eq(paid)).toBe(true);
  });

  it('a held short (negative start base) receives funding at a positive rate', () => {
    const views: BarView[] = [];
    run('-2', views);
    const c = charges(views);
    for (const x of c) expect(x.got.toString()).toBe(x.want.toString());
    expect((views.at(-1)?.perp?.funding ?? ZERO).lt(0)).toBe(true);
    // The wallet is the opening quote: a short's proceeds are not cash (equity opens at start_quote).
    expect(views[0]?.equity.toString()).toBe('1000');
    expect(views[0]?.perp?.marginBalance.toString()).toBe('1000');
  });

  it('each view carries perpFigures of the ledger at its mark, and the configured rate', () => {
    const views: BarView[] = [];
    const portfolio = lazyPortfolio({ base: 'TEST', quote: 'USDT', startBase: d('-1'), startQuote: d(500), funding: { rate: RATE, intervalMs: H }, perp: { leverage: d(3) } });
    // A resting buy above the later closes fills: the position moves from −1 to −0.5.
    const buy: OrderIntent = { type: 'place', id: 'b1', side: 'buy', price: d('110'), amount: d('0.5'), postOnly: false };
    runEngine({ data: data(13), strategy: holder(views, T0 + STEP, buy), rules: RULES, fills: ohlcvLimitFills(OPTS), portfolio, cadence: { kind: 'bar' } });
    const fills = views.flatMap((v) => v.fills);
    expect(fills.length).toBeGreaterThan(0);
    // The same books, rebuilt: wallet 500 with a −1 position costed at the first mark, the fills, the funding.
    const first = views[0] as BarView;
    let ledger = ledgerInit({ base: 'TEST', quote: 'USDT', baseBalance: d(-1), quoteBalance: d(500).minus(d(-1).times(midOf(first.book))), mark: midOf(first.book) });
    for (const f of fills) ledger = applyFill(ledger, { side: f.side, price: f.price, amount: f.amount, fee: f.fee, feeAsset: 'USDT', ts: f.ts }).ledger;
    const last = views.at(-1) as BarView;
    const want = perpFigures({ ...ledger, quoteBalance: ledger.quoteBalance.minus(last.perp?.funding ?? ZERO) }, midOf(last.book), d(3));
    expect(last.base.toString()).toBe(ledger.position.toString());
    expect(last.perp?.marginBalance.toString()).toBe(want.marginBalance.toString());
    expect(last.perp?.unrealizedPnl.toString()).toBe(want.unrealizedPnl.toString());
    expect(last.perp?.marginRatio.toString()).toBe(want.marginRatio.toString());
    expect(last.perp?.fundingRate.toString()).toBe('0.0001');
    expect(last.equity.toString()).toBe(want.equity.toString());
  });

  it('a spot portfolio gives views without a perp key', () => {
    const views: BarView[] = [];
    const portfolio = lazyPortfolio({ base: 'TEST', quote: 'USDT', startBase: d(1), startQuote: d(1000) });
    runEngine({ data: data(3), strategy: holder(views), rules: RULES, fills: ohlcvLimitFills(OPTS), portfolio, cadence: { kind: 'bar' } });
    expect(views.every((v) => !('perp' in v))).toBe(true);
  });
});
