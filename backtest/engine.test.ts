import { describe, expect, it } from 'vitest';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import type { Bar, BookTop } from '../domain/market/types.ts';
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import { type Cadence, type PortfolioPort, runEngine } from './engine.ts';
import type { BacktestFill, BacktestOrder, BarView, FillSimulator, MarketData, MarketEvent, OrderIntent, StrategyAdapter } from './types.ts';

const d = (v: string | number): Decimal => new Decimal(v);
const RULES: InstrumentRules = { symbol: 'BTCUSD', base: 'BTC', quote: 'USD', tickSize: d('1'), lotStep: d('0.001'), minAmount: d('0.001'), minNotional: d('1') };
const top = (ts: number, bid: number, ask: number): BookTop => ({ ts, bid: d(bid), ask: d(ask), bids: [], asks: [] });
const bar = (ts: number, close: number): Bar => ({ ts, open: d(close), high: d(close), low: d(close), close: d(close), volume: ZERO });

function dataOf(events: MarketEvent[], format: 'ohlcv-csv' | 'capture' = 'ohlcv-csv'): MarketData {
  return {
    meta: { format, files: ['x'], contentHash: 'sha256:0', symbol: null, start: events[0]?.ts ?? null, end: events.at(-1)?.ts ?? null, barIntervalMs: 60_000, events: events.length, findings: [] },
    events: () => events,
  };
}

/** A simulator stub: the book is the last event's price ± 1; a resting buy fills when a later bar closes at or below it. */
function stubSim(): FillSimulator {
  let book: BookTop | null = null;
  const orders = new Map<string, BacktestOrder>();
  return {
    name: 'stub',
    bias: 'optimistic_estimated',
    onEvent(e) {
      const price = e.kind === 'bar' ? e.bar.close.toNumber() : e.kind === 'book' ? e.top.bid.plus(e.top.ask).div(2).toNumber() : null;
      if (price === null) return [];
      book = top(e.ts, price - 1, price + 1);
      const fills: BacktestFill[] = [];
      for (const o of orders.values()) {
        if (o.side === 'buy' && o.price.gte(price)) {
          orders.delete(o.id);
          fills.push({ orderId: o.id, ts: e.ts, side: 'buy', price: o.price, amount: o.amount, fee: ZERO, liquidity: 'maker', mid: d(price) });
        }
      }
      return fills;
    },
    submit(ts, intents) {
      for (const i of intents) {
        if (i.type === 'place') orders.set(i.id, { id: i.id, side: i.side, price: i.price, amount: i.amount, remaining: i.amount, placedAt: ts });
        else orders.delete(i.id);
      }
      return { fills: [], rejects: [] };
    },
    openOrders: () => [...orders.values()],
    book: () => book,
  };
}

/** A portfolio stub: base/quote from fills, equity at the mark. */
function stubPortfolio(): PortfolioPort & { marks: number[] } {
  let base = ZERO;
  let quote = d(1000);
  let mark = ZERO;
  const marks: number[] = [];
  const h = () => ({ base, quote, equity: quote.plus(base.times(mark)) });
  return {
    marks,
    applyFill: (f) => {
      base = base.plus(f.amount);
      quote = quote.minus(f.price.times(f.amount));
    },
    mark: (ts, mid) => {
      marks.push(ts);
      mark = mid;
    },
    recordBar: () => h(),
    holdings: h,
  };
}

/** Buys 1 at bid − 5 on its first view, then records what it sees. */
function recorder(): StrategyAdapter<{ n: number }> & { views: BarView[] } {
  const views: BarView[] = [];
  return {
    name: 'recorder',
    views,
    init: () => ({ n: 0 }),
    onBar: (view, s) => {
      views.push(view);
      const intents: OrderIntent[] = s.n === 0 ? [{ type: 'place', id: 'o1', side: 'buy', price: view.book.bid.minus(5), amount: d(1), postOnly: true }] : [];
      return { state: { n: s.n + 1 }, intents, regime: s.n % 2 === 0 ? 'even' : 'odd' };
    },
  };
}

const BARS: MarketEvent[] = [100, 98, 90, 95].map((c, i) => ({ kind: 'bar', ts: (i + 1) * 60_000, bar: bar(i * 60_000, c), intervalMs: 60_000 }));

describe('runEngine', () => {
  it('bar cadence: one view per bar close; fills reach the portfolio and the next view; one row per view', () => {
    const s = recorder();
    const p = stubPortfolio();
    const r = runEngine({ data: dataOf(BARS), strategy: s, rules: RULES, fills: stubSim(), portfolio: p, cadence: { kind: 'bar' } });
    expect(s.views.map((v) => v.ts)).toEqual([60_000, 120_000, 180_000, 240_000]);
    expect(s.views.map((v) => v.bar?.close.toNumber())).toEqual([100, 98, 90, 95]);
    // Placed at 99 − 5 = 94 on the first view; the bar closing at 90 fills it; the view after sees it.
    expect(s.views.map((v) => v.fills.length)).toEqual([0, 0, 1, 0]);
    expect(s.views[2]?.base.toNumber()).toBe(1);
    expect(s.views[1]?.openOrders.map((o) => o.id)).toEqual(['o1']);
    expect(r.rows.map((x) => [x.ts, x.fills, x.regime, x.openOrders, x.placed])).toEqual([
      [60_000, 0, 'even', 1, 1],
      [120_000, 0, 'odd', 1, 0],
      [180_000, 1, 'even', 0, 0],
      [240_000, 0, 'odd', 0, 0],
    ]);
    expect(r.fills).toHaveLength(1);
    expect(r.intents).toEqual({ places: 1, cancels: 0 });
    expect(r.rows[3]?.equity.toString()).toBe(String(1000 - 94 + 95));
  });

  it('tick cadence: one view per interval of data time, each seeing the events at or before it; mid bars close into views', () => {
    const books: MarketEvent[] = [0, 400, 1000, 1500, 2999, 3000, 62_000, 62_500].map((ts, i) => ({ kind: 'book', ts, top: top(ts, 100 + i, 102 + i) }));
    const s = recorder();
    const cadence: Cadence = { kind: 'tick', intervalMs: 1000, barIntervalMs: 60_000 };
    runEngine({ data: dataOf(books, 'capture'), strategy: s, rules: RULES, fills: stubSim(), portfolio: stubPortfolio(), cadence });
    const ticks = s.views.map((v) => v.ts);
    expect(ticks.slice(0, 3)).toEqual([1000, 2000, 3000]);
    expect(ticks).toHaveLength(62);
    expect(ticks.at(-1)).toBe(62_000);
    // The tick at 1000 sees the book at 1000; the tick at 3000 the book at 3000.
    expect(s.views[0]?.book.ts).toBe(1000);
    expect(s.views[2]?.book.ts).toBe(3000);
    // The first minute's mid bar closes when the book at 62 000 arrives: the view at 62 000 carries it, once.
    expect(s.views.filter((v) => v.bar !== null).map((v) => [v.ts, v.bar?.ts, v.bar?.close.toNumber()])).toEqual([[62_000, 0, 106]]);
  });

  it('no view before the first book', () => {
    const events: MarketEvent[] = [{ kind: 'trade', ts: 0, trade: { ts: 0, price: d(1), amount: d(1), takerSide: 'buy' } }, { kind: 'book', ts: 2500, top: top(2500, 1, 3) }, { kind: 'book', ts: 3100, top: top(3100, 1, 3) }];
    const s = recorder();
    runEngine({ data: dataOf(events, 'capture'), strategy: s, rules: RULES, fills: stubSim(), portfolio: stubPortfolio(), cadence: { kind: 'tick', intervalMs: 1000, barIntervalMs: 60_000 } });
    expect(s.views.map((v) => v.ts)).toEqual([3000]);
  });

  it('reports progress up to 1, in order', () => {
    const seen: number[] = [];
    runEngine({ data: dataOf(BARS), strategy: recorder(), rules: RULES, fills: stubSim(), portfolio: stubPortfolio(), cadence: { kind: 'bar' }, onProgress: (f) => seen.push(f) });
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('is deterministic: the same inputs give the same rows', () => {
    const once = () => runEngine({ data: dataOf(BARS), strategy: recorder(), rules: RULES, fills: stubSim(), portfolio: stubPortfolio(), cadence: { kind: 'bar' } }).rows.map((r) => JSON.stringify(r));
    expect(once()).toEqual(once());
  });
});
