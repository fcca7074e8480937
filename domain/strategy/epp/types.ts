/**
 * Inputs of one EPP tick (strategy-epp §1) and the order/fill shapes the controller sees.
 * Everything is readonly; the step never mutates its inputs.
 *
 * Driver contract: `openOrders` is the bot's own order book as the driver knows it — an order
 * the step asked to place appears here from the next tick on with `acked: false` until the venue
 * acknowledges it, and an order the step asked to cancel keeps appearing (ideally with
 * `cancelling: true`) until the venue confirms the cancel.
 */
import type { ClientOrderId } from '../../ids.ts';
import type { Side } from '../../instrument/rules.ts';
import type { BookTop } from '../../market/types.ts';
import type { Decimal } from '../../money/decimal.ts';

/** Spot balances: base and quote, free + locked. */
export interface SpotBalances {
  readonly kind: 'spot';
  readonly base: Decimal;
  readonly quote: Decimal;
}

/** Perp account: margin balance, unrealized PnL, signed position in base units, margin ratio. */
export interface PerpBalances {
  readonly kind: 'perp';
  readonly marginBalance: Decimal;
  readonly unrealizedPnl: Decimal;
  readonly position: Decimal;
  /** Margin ratio as a fraction; lower is riskier (§8: < 0.20 soft pause, < 0.10 hard stop). */
  readonly marginRatio: Decimal;
}

/** The balance read failed this tick (§8: SOFT_PAUSE). */
export interface BalanceReadFailed {
  readonly kind: 'failed';
  readonly message: string;
}

export type EppBalances = SpotBalances | PerpBalances | BalanceReadFailed;

/** One of the bot's live orders. `levelId` is `buy_<i>` / `sell_<i>` for orders the step placed. */
export interface OpenOrder {
  readonly clientOrderId: ClientOrderId;
  readonly levelId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly remaining: Decimal;
  /** When the order was sent (ms). */
  readonly placedAt: number;
  /** Whether the venue acknowledged it. */
  readonly acked: boolean;
  /** Whether a cancel is in flight. */
  readonly cancelling: boolean;
}

/** A fill since the last tick. */
export interface EppFill {
  readonly clientOrderId: ClientOrderId;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  /** Fee converted to quote (the ledger keeps fees by asset; the controller needs quote only). */
  readonly feeQuote: Decimal;
  /** The limit price of the order that filled (for the §9 fill-price warning). */
  readonly orderPrice: Decimal;
  readonly ts: number;
}

/** Operator intents (commands already validated and de-duplicated by the driver). */
export type EppIntent =
  /** Overrides the regime's target base %; clamped to [target_base_pct_min, max]. null clears it. */
  | { readonly type: 'set_target_base_pct'; readonly value: Decimal | null }
  /** Operator pause: a soft reason until `resume`. */
  | { readonly type: 'pause' }
  /** Lifts an operator pause and the HARD_STOP latch (the hard reason re-latches if still true). */
  | { readonly type: 'resume' }
  /** Operator kill: HARD_STOP with reason `operator_kill`. */
  | { readonly type: 'kill' };

/** Everything one tick knows. */
export interface EppInputs {
  /** Injected clock, epoch ms. */
  readonly now: number;
  /** Best bid/ask (and top levels) or null when the feed has no book. `book.ts` drives book age. */
  readonly book: BookTop | null;
  readonly balances: EppBalances;
  readonly openOrders: readonly OpenOrder[];
  readonly fills: readonly EppFill[];
  /** Current funding rate per 8 h (perps). */
  readonly fundingRate?: Decimal;
  /** Funding paid (+) or received (−) in quote since the last tick (perps). */
  readonly fundingPaidQuote?: Decimal;
  /** Position drift vs the venue as a fraction (from the reconciler). */
  readonly positionDriftPct?: Decimal;
  readonly intents?: readonly EppIntent[];
  /** The portfolio risk holds a soft pause on this bot (cleared by the risk process when the limit clears). */
  readonly portfolioPaused?: boolean;
  /** The host has lost the control plane (NATS or the risk heartbeat); the bot pauses until it is back. */
  readonly controlPlaneLost?: boolean;
  /** The live desk's reconciliation found a critical discrepancy; the bot pauses until a clean run. */
  readonly reconciliationHeld?: boolean;
}
