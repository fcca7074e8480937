/**
 * The backtest loop: market events in time order → the fill simulator (its fills go to the
 * portfolio and wait for the strategy's next view) → at each decision point a `BarView`, the
 * strategy's `onBar`, its intents submitted → the portfolio marked → one `BarRow`.
 *
 * Decision points: on bar data (`cadence.kind: 'bar'`) every bar close, after the bar has been
 * applied to the fill simulator; on L2 (`'tick'`) one per `intervalMs` of data time, starting
 * `intervalMs` after the first event (like the desk's tick timer), each seeing every event with
 * `ts ≤` the tick. On L2 the view's `bar` is the last mid bar of `barIntervalMs` that closed since
 * the previous view (built from the simulator's book, never invented: an interval without a book
 * has no bar).
 *
 * Deterministic: no clock, no randomness; the only time is the data's. Same inputs ⇒ same rows.
 */
import { type BarBuilderState, barBuilderInit, barUpdate } from '../domain/market/bars.ts';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import { type Bar, type BookTop, midOf } from '../domain/market/types.ts';
import type { Decimal } from '../domain/money/decimal.ts';
import type { BacktestFill, BarView, FillSimulator, MarketData, MarketEvent, OrderIntent, PerpAccountView, StrategyAdapter } from './types.ts';

/** What the engine needs of the portfolio: book fills, mark to a mid, sample the equity curve, read the holdings. */
export interface PortfolioPort {
  applyFill(fill: BacktestFill): unknown;
  mark(ts: number, mid: Decimal): void;
  /** One equity-curve sample per decision point, with the strategy's regime label; returns the holdings then. */
  recordBar(ts: number, regime: string | null): { readonly base: Decimal; readonly quote: Decimal; readonly equity: Decimal };
  /** Holdings and equity at the last mark, and on a perp the perp account (spot: no `perp` key). */
  holdings(): { readonly base: Decimal; readonly quote: Decimal; readonly equity: Decimal; readonly perp?: PerpAccountView };
}

/** When the strategy decides. */
export type Cadence = { readonly kind: 'bar' } | { readonly kind: 'tick'; readonly intervalMs: number; readonly barIntervalMs: number };

/** One decision point, as bars.jsonl records it (after the intents were submitted). */
export interface BarRow {
  readonly ts: number;
  readonly mid: Decimal;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly equity: Decimal;
  readonly base: Decimal;
  readonly quote: Decimal;
  /** Fills booked since the previous row (including immediate fills of this row's intents). */
  readonly fills: number;
  readonly regime: string | null;
  /** Resting orders after this point's intents. */
  readonly openOrders: number;
  readonly placed: number;
  readonly cancelled: number;
  readonly rejected: number;
}

export interface EngineOptions<S> {
  readonly data: MarketData;
  readonly strategy: StrategyAdapter<S>;
  readonly rules: InstrumentRules;
  readonly fills: FillSimulator;
  readonly portfolio: PortfolioPort;
  readonly cadence: Cadence;
  /** Fraction of the events processed, in [0, 1]; called about 200 times and once with 1. */
  readonly onProgress?: (fraction: number) => void;
  /** Called once per decision point with what the strategy saw and did (replay regression's evidence; docs/replay-regression.md). */
  readonly onDecision?: (d: DecisionRecord<S>) => void;
}

/** One decision point as `onDecision` sees it, after the intents were submitted. */
export interface DecisionRecord<S> {
  /** What the strategy saw: time, book, resting orders before its intents, holdings. */
  readonly view: BarView;
  /** The strategy's state after the decision. */
  readonly state: S;
  readonly regime: string | null;
  readonly intents: readonly OrderIntent[];
  /** Rejects returned by this submit (a simulator may include ones held from earlier activations). */
  readonly rejects: readonly { readonly id: string; readonly reason: string }[];
  /** Immediate fills of the intents. */
  readonly fills: readonly BacktestFill[];
}

export interface EngineResult {
  readonly rows: readonly BarRow[];
  /** Every fill, in booking order. */
  readonly fills: readonly BacktestFill[];
  readonly intents: { readonly places: number; readonly cancels: number };
  /** Rejected intents by reason (sorted by reason). */
  readonly rejects: Readonly<Record<string, number>>;
  readonly events: number;
}

class Loop<S> {
  private state: S | null = null;
  private pending: BacktestFill[] = [];
  private sinceRow = 0;
  private bars: BarBuilderState | null;
  private lastBar: Bar | null = null;
  readonly rows: BarRow[] = [];
  readonly allFills: BacktestFill[] = [];
  readonly rejects = new Map<string, number>();
  places = 0;
  cancels = 0;

  constructor(private readonly o: EngineOptions<S>) {
    this.bars = o.cadence.kind === 'tick' ? barBuilderInit(o.cadence.barIntervalMs) : null;
  }

  book(fills: readonly BacktestFill[]): void {
    for (const f of fills) {
      this.o.portfolio.applyFill(f);
      this.allFills.push(f);
      this.pending.push(f);
      this.sinceRow += 1;
    }
  }

  /** L2: folds the simulator's book mid into the view's bars. */
  sampleBar(top: BookTop | null): void {
    if (this.bars === null || top === null) return;
    const u = barUpdate(this.bars, top.ts, midOf(top));
    this.bars = u.state;
    const closed = u.closed[u.closed.length - 1];
    if (closed !== undefined) this.lastBar = closed;
  }

  decide(ts: number, bar: Bar | null): void {
    const { fills: sim, portfolio, strategy } = this.o;
    const top = sim.book();
    if (top === null) return; // nothing to decide on before the first book
    const mid = midOf(top);
    portfolio.mark(ts, mid);
    this.state ??= strategy.init({ rules: this.o.rules, startTs: ts });
    const h = portfolio.holdings();
    const view: BarView = { ts, book: top, bar, fills: this.pending, openOrders: sim.openOrders(), base: h.base, quote: h.quote, equity: h.equity, ...(h.perp !== undefined ? { perp: h.perp } : {}) };
    this.pending = [];
    const r = strategy.onBar(view, this.state);
    this.state = r.state;
    // Submitted even when empty: a simulator may hold rejects from order activations until then.
    const sub = sim.submit(ts, r.intents);
    this.book(sub.fills);
    this.o.onDecision?.({ view, state: r.state, regime: r.regime ?? null, intents: r.intents, rejects: sub.rejects, fills: sub.fills });
    for (const x of sub.rejects) this.rejects.set(x.reason, (this.rejects.get(x.reason) ?? 0) + 1);
    const placed = count(r.intents, 'place');
    this.places += placed;
    this.cancels += r.intents.length - placed;
    if (sub.fills.length > 0) portfolio.mark(ts, mid);
    const after = portfolio.recordBar(ts, r.regime ?? null);
    this.rows.push({
      ts, mid, bid: top.bid, ask: top.ask, equity: after.equity, base: after.base, quote: after.quote, fills: this.sinceRow,
      regime: r.regime ?? null, openOrders: sim.openOrders().length, placed, cancelled: r.intents.length - placed, rejected: sub.rejects.length,
    });
    this.sinceRow = 0;
  }

  /** L2: the bar that closed since the last view, once. */
  takeBar(): Bar | null {
    const b = this.lastBar;
    this.lastBar = null;
    return b;
  }
}

function count(intents: readonly OrderIntent[], type: OrderIntent['type']): number {
  let n = 0;
  for (const i of intents) if (i.type === type) n += 1;
  return n;
}

/** Runs the backtest to the end of the data. */
export function runEngine<S>(o: EngineOptions<S>): EngineResult {
  const loop = new Loop(o);
  const total = o.data.meta.events;
  const every = Math.max(1, Math.floor(total / 200));
  let n = 0;
  let nextTick: number | null = null;
  let lastTs: number | null = null;
  const tickMs = o.cadence.kind === 'tick' ? o.cadence.intervalMs : 0;
  for (const e of o.data.events() as Iterable<MarketEvent>) {
    if (o.cadence.kind === 'tick') {
      nextTick ??= e.ts + tickMs;
      for (; e.ts > nextTick; nextTick += tickMs) loop.decide(nextTick, loop.takeBar());
    }
    loop.book(o.fills.onEvent(e));
    if (o.cadence.kind === 'tick') loop.sampleBar(o.fills.book());
    else if (e.kind === 'bar') loop.decide(e.ts, e.bar);
    lastTs = e.ts;
    n += 1;
    if (o.onProgress !== undefined && n % every === 0) o.onProgress(total === 0 ? 1 : Math.min(1, n / total));
  }
  // A tick on the last event's time (a tick after the data would see nothing new).
  if (nextTick !== null && lastTs !== null && nextTick <= lastTs) loop.decide(nextTick, loop.takeBar());
  o.onProgress?.(1);
  const rejects: Record<string, number> = {};
  for (const k of [...loop.rejects.keys()].sort()) rejects[k] = loop.rejects.get(k) ?? 0;
  return { rows: loop.rows, fills: loop.allFills, intents: { places: loop.places, cancels: loop.cancels }, rejects, events: n };
}
