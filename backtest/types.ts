/**
 * The backtest harness's contracts (issue: validation). A run is a deterministic loop:
 *
 *   DataProvider ──events──▶ engine ──BarView──▶ StrategyAdapter.onBar ──OrderIntent[]──▶ FillSimulator
 *        ▲                      │                                                      │
 *        │                      └────────────── fills ◀────────────────────────────────┘
 *   (captures, OHLCV, the desk's event store)      │
 *                                                  ▼
 *                                      PortfolioTracker ──▶ metrics ──▶ report (summary.json, bars.jsonl)
 *
 * Everything here is data: Decimals for money, epoch-ms numbers for time, no clock, no
 * randomness except a seeded PRNG inside a fill simulator. Same inputs ⇒ byte-identical report.
 */
import type { Side } from '../domain/instrument/rules.ts';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import type { Bar, BookTop, Trade } from '../domain/market/types.ts';
import type { Decimal } from '../domain/money/decimal.ts';

// ── data ─────────────────────────────────────────────────────────────────────────────────────

/** Input formats the harness reads. `auto` picks one from the file's name and first bytes. */
export type DataFormat = 'capture' | 'ohlcv-csv' | 'ohlcv-json' | 'events';

/** One market event, in time order. L2 sources yield `book` and `trade`; OHLCV sources yield `bar` (at the bar's close time). */
export type MarketEvent =
  | { readonly kind: 'book'; readonly ts: number; readonly top: BookTop }
  | { readonly kind: 'trade'; readonly ts: number; readonly trade: Trade }
  /** A closed bar; `ts` = the bar's close time (open time + interval), when it becomes known. */
  | { readonly kind: 'bar'; readonly ts: number; readonly bar: Bar; readonly intervalMs: number };

/**
 * A data-quality finding: reported in summary.json, never silently skipped. `error` findings
 * stop the run before it starts (unknown format, unsorted or duplicated timestamps, NaN or
 * non-positive prices, an empty window); `warning` findings are reported and the run goes on
 * (a gap in candles is reported with its span and never filled with a fabricated bar).
 */
export interface DataFinding {
  readonly severity: 'error' | 'warning';
  readonly code: 'unknown_format' | 'unsorted' | 'duplicate_ts' | 'bad_price' | 'bad_row' | 'gap' | 'empty_window' | 'book_gap' | 'mixed_symbols';
  readonly file: string;
  /** 1-based line, when it applies. */
  readonly line?: number;
  readonly message: string;
}

/** What a provider describes about its data (all of it goes into summary.json). */
export interface DataMeta {
  readonly format: DataFormat;
  readonly files: readonly string[];
  /** sha256 of the bytes of every file, in the given order (`sha256:<hex>`). */
  readonly contentHash: string;
  readonly symbol: string | null;
  /** First and last event time in the window (ms), null when empty. */
  readonly start: number | null;
  readonly end: number | null;
  /** OHLCV only: the bar interval (the most common step). */
  readonly barIntervalMs: number | null;
  readonly events: number;
  readonly findings: readonly DataFinding[];
}

/** A loaded, validated, windowed data set. `events()` can be iterated more than once, always the same sequence. */
export interface MarketData {
  readonly meta: DataMeta;
  events(): Iterable<MarketEvent>;
}

/** Where and what to load. `start`/`end` (ms, inclusive start, exclusive end) window the events. */
export interface DataRequest {
  readonly files: readonly string[];
  readonly format: DataFormat | 'auto';
  readonly start?: number;
  readonly end?: number;
}

// ── strategy ─────────────────────────────────────────────────────────────────────────────────

/** A resting order as the strategy sees it. */
export interface BacktestOrder {
  readonly id: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly remaining: Decimal;
  readonly placedAt: number;
}

/** A fill, as the fill simulator reports it. `fee` is in quote (negative = rebate). */
export interface BacktestFill {
  readonly orderId: string;
  readonly ts: number;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly fee: Decimal;
  readonly liquidity: 'maker' | 'taker';
  /** The mid when the fill happened (for spread capture: |price − mid|·amount). */
  readonly mid: Decimal;
}

/** Everything a strategy sees at one decision point (a bar close on OHLCV, a tick on L2). */
export interface BarView {
  readonly ts: number;
  /** The decision's book: the real L2 top, or on OHLCV the synthetic top (mid ± ATR-based half spread). */
  readonly book: BookTop;
  /** The bar that closed (OHLCV), or the bar built from trades/mids (L2), when one closed at this point. */
  readonly bar: Bar | null;
  readonly fills: readonly BacktestFill[];
  readonly openOrders: readonly BacktestOrder[];
  /**
   * Holdings at the view's mark. Spot: base and quote. Perp: `base` is the signed position and
   * `quote` the ledger's cash (wallet − the position's cost), so `equity = quote + base·mark`
   * either way; the wallet and the rest of the perp account are in `perp`.
   */
  readonly base: Decimal;
  readonly quote: Decimal;
  readonly equity: Decimal;
  /** The perp account at the view's mark; absent on spot (the key is left out, not undefined). */
  readonly perp?: PerpAccountView;
}

/**
 * A perp account as a strategy sees it (domain/accounting/perp.ts `perpFigures` of the
 * portfolio's ledger at the view's mark), plus funding: what the live desk gives its controller.
 */
export interface PerpAccountView {
  /** Wallet: deposits + realized − fees − funding. */
  readonly marginBalance: Decimal;
  /** `position·mark − costBasis`. */
  readonly unrealizedPnl: Decimal;
  /** The desk's margin ratio at the bot's leverage, in [0, 1] (1 when flat). */
  readonly marginRatio: Decimal;
  /** Funding paid (+) or received (−) since the start, in quote. */
  readonly funding: Decimal;
  /** The funding rate per settlement now (a backtest's is the configured constant). */
  readonly fundingRate: Decimal;
}

export type OrderIntent =
  | { readonly type: 'place'; readonly id: string; readonly side: Side; readonly price: Decimal; readonly amount: Decimal; readonly postOnly: boolean }
  | { readonly type: 'cancel'; readonly id: string };

/** The one method a strategy implements; `state` is the strategy's own (immutable by convention). */
export interface StrategyAdapter<S> {
  readonly name: string;
  init(ctx: { readonly rules: InstrumentRules; readonly startTs: number }): S;
  onBar(view: BarView, state: S): { readonly state: S; readonly intents: readonly OrderIntent[]; readonly regime?: string | null };
}

// ── fills ────────────────────────────────────────────────────────────────────────────────────

/** How optimistic a fill model is; OHLCV models are labelled `optimistic_estimated` in every report. */
export type FillModelBias = 'modelled_l2' | 'optimistic_estimated' | 'conservative_estimated';

export interface FillSimulator {
  readonly name: string;
  readonly bias: FillModelBias;
  /** Applies a market event; returns the fills it caused (resting orders matched by it). */
  onEvent(e: MarketEvent): readonly BacktestFill[];
  /** Applies the strategy's intents at `ts`; returns fills that happen at once (a marketable order) and the rejects. */
  submit(ts: number, intents: readonly OrderIntent[]): { readonly fills: readonly BacktestFill[]; readonly rejects: readonly { readonly id: string; readonly reason: string }[] };
  openOrders(): readonly BacktestOrder[];
  /** The book a decision at `ts` sees (L2: the latest top; OHLCV: the synthetic top of the last closed bar), null before any. */
  book(): BookTop | null;
}
