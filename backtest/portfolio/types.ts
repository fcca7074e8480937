/**
 * Value types of the backtest portfolio: its configuration, what it records per fill and per
 * bar, and the view of its figures at the current mark.
 */
import type { Decimal } from '../../domain/money/decimal.ts';
import type { BacktestFill } from '../types.ts';

/** Perp funding: at every multiple of `intervalMs` since the epoch the position pays `position·mark·rate`. */
export interface FundingConfig {
  readonly rate: Decimal;
  readonly intervalMs: number;
}

export interface PortfolioConfig {
  readonly base: string;
  readonly quote: string;
  /** Opening holdings; the base is costed at `startMark` (the opening equity is valued there too). */
  readonly startBase: Decimal;
  readonly startQuote: Decimal;
  readonly startMark: Decimal;
  /** Perp funding; absent or null on spot. */
  readonly funding?: FundingConfig | null;
  /**
   * A perp account; absent or null on spot. `startQuote` is then the margin wallet and
   * `startBase` the signed opening position, whose cost is not paid out of the wallet (as the
   * live desk's `BotAccount` opens it); `leverage` prices the margin ratio.
   */
  readonly perp?: { readonly leverage: Decimal } | null;
}

/** One fill as the portfolio booked it. */
export interface FillRecord {
  readonly fill: BacktestFill;
  /** Price PnL this fill realized (average cost; fees excluded). */
  readonly realized: Decimal;
  /** `|price − mid|·amount`. */
  readonly capture: Decimal;
  /** `price·amount`. */
  readonly notional: Decimal;
}

/** The portfolio's figures at the current mark. */
export interface PortfolioView {
  readonly ts: number | null;
  readonly mark: Decimal;
  /** Base position (perp: signed contracts in base) and quote balance (perp: wallet − position cost). */
  readonly base: Decimal;
  readonly quote: Decimal;
  readonly equity: Decimal;
  readonly equityOpen: Decimal;
  readonly realized: Decimal;
  readonly unrealized: Decimal;
  /** Fees paid, in quote (negative when rebates dominate). */
  readonly fees: Decimal;
  /** Funding paid, in quote (negative = received). */
  readonly funding: Decimal;
  readonly tradedNotional: Decimal;
  /** Highest equity observed at a mark (starts at the opening equity). */
  readonly peakEquity: Decimal;
  /** `(peak − equity)/peak` now, and its maximum so far (0 while the peak is ≤ 0). */
  readonly drawdown: Decimal;
  readonly maxDrawdown: Decimal;
  /** `peak − equity`, maximum so far, in quote. */
  readonly maxDrawdownQuote: Decimal;
}

/** The equity curve: one sample per bar, taken at the bar's mark. */
export interface EquitySample {
  readonly ts: number;
  readonly mark: Decimal;
  readonly base: Decimal;
  readonly quote: Decimal;
  readonly equity: Decimal;
  readonly realized: Decimal;
  readonly unrealized: Decimal;
  readonly fees: Decimal;
  readonly funding: Decimal;
  readonly drawdown: Decimal;
  /** The strategy's regime label for the bar, null when it gives none. */
  readonly regime: string | null;
}
