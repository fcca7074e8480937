/**
 * The execution port: how the desk places and cancels orders and learns what happened to them.
 * `PaperExecutionAdapter` simulates a venue over the paper fill model; a ccxt adapter will
 * satisfy the same port. Expected outcomes (a post-only reject, cancelling an unknown order)
 * are values with a reason; faults (a closed adapter, an unknown symbol, a broken input) reject
 * the promise with an error from `errors.ts`.
 */
import type { Observable } from 'rxjs';
import type { ClientOrderId } from '../../domain/ids.ts';
import type { InstrumentRules, Side } from '../../domain/instrument/rules.ts';
import type { Decimal } from '../../domain/money/decimal.ts';

/** A limit order as the desk wants it; `postOnly` ⇒ rejected rather than taking liquidity. */
export interface OrderIntent {
  readonly clientOrderId: ClientOrderId;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly postOnly: boolean;
}

/** Why a venue (real or simulated) refused an order. */
export type PlaceRejectReason =
  | 'post_only_would_cross'
  | 'no_book'
  | 'invalid_amount'
  | 'invalid_price'
  | 'duplicate_client_order_id'
  | 'unknown_symbol'
  /** A real venue: not enough free balance. */
  | 'insufficient_funds'
  /** A real venue refused it for another reason (filters, …); the adapter's log says which. */
  | 'venue_rejected'
  /** Cancelled by the desk before the venue acknowledged it. */
  | 'cancelled';

export interface OrderAck {
  readonly type: 'order.ack';
  readonly ts: number;
  readonly symbol: string;
  readonly clientOrderId: ClientOrderId;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly postOnly: boolean;
}

export interface OrderReject {
  readonly type: 'order.reject';
  readonly ts: number;
  readonly symbol: string;
  readonly clientOrderId: ClientOrderId;
  readonly reason: PlaceRejectReason;
}

export interface OrderFill {
  readonly type: 'order.fill';
  readonly ts: number;
  readonly symbol: string;
  readonly clientOrderId: ClientOrderId;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  /** Fee charged in `feeAsset`; negative for a rebate. */
  readonly fee: Decimal;
  readonly feeAsset: string;
  readonly liquidity: 'maker' | 'taker';
  /** Amount still open after this fill (0 ⇒ the order is complete). */
  readonly remaining: Decimal;
  /** The venue's trade id, when the venue gives one (reconciliation matches fills by it). */
  readonly tradeId?: string;
}

export interface OrderCancelled {
  readonly type: 'order.cancelled';
  readonly ts: number;
  readonly symbol: string;
  readonly clientOrderId: ClientOrderId;
  readonly remaining: Decimal;
}

export interface CancelReject {
  readonly type: 'order.cancel_reject';
  readonly ts: number;
  readonly symbol: string;
  readonly clientOrderId: ClientOrderId;
  readonly reason: 'unknown_order';
}

/** Result of `place`: acknowledged (the order is open) or refused with a reason. */
export type PlaceOutcome = OrderAck | OrderReject;
/** Result of `cancel`: cancelled, or refused because the order is not open. */
export type CancelOutcome = OrderCancelled | CancelReject;
/** What `updates$` carries, in the order it happened. */
export type ExecutionUpdate = OrderAck | OrderReject | OrderFill | OrderCancelled;

/** Lifecycle of an open order: `pending` until the venue acknowledges it, then `open`. */
export type OpenOrderStatus = 'pending' | 'open';

export interface OpenOrder {
  readonly clientOrderId: ClientOrderId;
  readonly symbol: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly filled: Decimal;
  readonly postOnly: boolean;
  readonly status: OpenOrderStatus;
  /** The venue's order id, when the adapter knows it. */
  readonly orderId?: string;
}

/** Total holding of one asset. */
export interface Balance {
  readonly asset: string;
  readonly total: Decimal;
}

/** The execution port. */
export interface ExecutionAdapter {
  /** Resolves once the venue acks or rejects the order (a reject is a value, not a rejection). */
  place(intent: OrderIntent): Promise<PlaceOutcome>;
  /** Cancels one open order; an unknown or closed id resolves to `order.cancel_reject`. */
  cancel(clientOrderId: ClientOrderId): Promise<CancelOutcome>;
  /** Cancels every open order (of `symbol` when given); resolves to what was cancelled. */
  cancelAll(symbol?: string): Promise<readonly OrderCancelled[]>;
  openOrders(): Promise<readonly OpenOrder[]>;
  /** Holdings by asset, sorted by asset. */
  balances(): Promise<readonly Balance[]>;
  /** Rejects with `UnknownSymbolError` for a symbol the adapter does not trade. */
  tradingRules(symbol: string): Promise<InstrumentRules>;
  /** Acks, rejects, fills and cancellations, hot, in the order they happened. */
  readonly updates$: Observable<ExecutionUpdate>;
  /** Stops the adapter: completes `updates$`; pending and later calls reject with `ExecutionClosedError`. Idempotent. */
  close(): Promise<void>;
}
