/** What reconciliation compares and what it reports (the venue side and the bot's own books). */
import type { Decimal } from '../money/decimal.ts';
import type { ReconPhase, Severity } from './thresholds.ts';

export type Side = 'buy' | 'sell';

/** An open order, as the venue lists it or as the bot believes it is. */
export interface ReconOrder {
  readonly clientOrderId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly filled: Decimal;
}

/** One execution: a venue trade or the fill the bot booked for it. */
export interface ReconFill {
  readonly tradeId: string;
  readonly clientOrderId: string | null;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly fee: Decimal;
  readonly feeAsset: string;
  readonly ts: number;
}

export interface ReconSide {
  /** Total (free + locked) per asset; null on the local side ⇒ the balance check is skipped. */
  readonly balances: Readonly<Record<string, Decimal>> | null;
  readonly openOrders: readonly ReconOrder[];
  readonly fills: readonly ReconFill[];
}

export interface ReconInput {
  readonly venue: ReconSide;
  readonly local: ReconSide;
  readonly phase: ReconPhase;
  /** Assets to compare (the bot's base and quote); default every asset either side names. */
  readonly assets?: readonly string[];
  /** Absolute differences at or below this per asset are noise (default 0). */
  readonly dust?: Readonly<Record<string, Decimal>>;
  /** Client ids of venue orders the runtime has adopted (it will cancel or track them). */
  readonly adopted?: readonly string[];
  /** Fills before this time are outside the window the venue was asked about (default: all). */
  readonly sinceMs?: number;
}

export type ReconCheck =
  | 'balance'
  | 'order.orphan'
  | 'order.missing'
  | 'order.price_mismatch'
  | 'order.amount_mismatch'
  | 'order.side_mismatch'
  | 'order.filled_mismatch'
  | 'fill.missing'
  | 'fill.phantom'
  | 'fill.duplicate'
  | 'fill.order_mismatch'
  | 'fill.price_mismatch'
  | 'fill.amount_mismatch'
  | 'fill.fee_mismatch';

/** One discrepancy. Values are decimal strings (or a short description), null when a side has none. */
export interface Finding {
  readonly check: ReconCheck;
  readonly severity: Severity;
  /** The asset, client order id or trade id concerned. */
  readonly subject: string;
  readonly venue: string | null;
  readonly local: string | null;
  readonly diff: string | null;
  /** The rule that decided the severity, e.g. `rel > 0.05` or `any`. */
  readonly threshold: string;
  readonly message: string;
}
