/**
 * Value types of the paper fill model (strategy-epp §12): the inputs it consumes (market data,
 * order commands, time), the events it emits, and its state. Everything is plain readonly data
 * (numbers, strings, Decimals), so a state can be kept as a snapshot, compared, or
 * JSON-encoded (Decimals encode as strings).
 */
import type { ClientOrderId } from '../ids.ts';
import type { Side } from '../instrument/rules.ts';
import type { BookTop, PriceLevel, Trade } from '../market/types.ts';
import type { Decimal } from '../money/decimal.ts';
import type { Prng } from './prng.ts';
import type { PaperConfig } from './config.ts';

/** `limit_maker` is post-only; `limit` may take liquidity; `market` takes at any price. */
export type PaperOrderType = 'limit_maker' | 'limit' | 'market';

/** An order as the strategy submits it. `price` is required for limits, must be null for market. */
export interface PaperOrderRequest {
  readonly clientOrderId: ClientOrderId;
  readonly side: Side;
  readonly type: PaperOrderType;
  readonly price: Decimal | null;
  readonly amount: Decimal;
}

/** Inputs, each carrying its time (epoch ms). Timestamps must not decrease. */
export type PaperInput =
  | { readonly type: 'market.book'; readonly top: BookTop }
  | { readonly type: 'market.trade'; readonly trade: Trade }
  | { readonly type: 'order.place'; readonly ts: number; readonly order: PaperOrderRequest }
  | { readonly type: 'order.cancel'; readonly ts: number; readonly clientOrderId: ClientOrderId }
  | { readonly type: 'clock.advance'; readonly ts: number };

/** Why an order was refused. Rejections are outcomes (events), never exceptions. */
export type PaperRejectReason =
  | 'post_only_would_cross'
  | 'no_book'
  | 'invalid_amount'
  | 'invalid_price'
  | 'duplicate_client_order_id';

export type Liquidity = 'maker' | 'taker';

export type PaperEvent =
  | {
      readonly type: 'order.ack';
      readonly ts: number;
      readonly clientOrderId: ClientOrderId;
      readonly side: Side;
      readonly orderType: PaperOrderType;
      readonly price: Decimal | null;
      readonly amount: Decimal;
    }
  | { readonly type: 'order.reject'; readonly ts: number; readonly clientOrderId: ClientOrderId; readonly reason: PaperRejectReason }
  | {
      readonly type: 'order.fill';
      readonly ts: number;
      readonly clientOrderId: ClientOrderId;
      readonly side: Side;
      readonly price: Decimal;
      readonly amount: Decimal;
      /** Fee in quote units (`price·amount·fee_pct`); negative for a maker rebate. */
      readonly fee: Decimal;
      readonly feeAsset: string;
      readonly liquidity: Liquidity;
      /** Amount still open after this fill (0 ⇒ the order is complete). */
      readonly remaining: Decimal;
    }
  | { readonly type: 'order.cancelled'; readonly ts: number; readonly clientOrderId: ClientOrderId; readonly remaining: Decimal }
  | { readonly type: 'order.cancel_reject'; readonly ts: number; readonly clientOrderId: ClientOrderId; readonly reason: 'unknown_order' }
  | {
      /** Post-fill drift of one fill, measured on the first book at/after fill ts + window. */
      readonly type: 'paper.drift';
      readonly ts: number;
      readonly clientOrderId: ClientOrderId;
      readonly side: Side;
      readonly fillTs: number;
      readonly fillPrice: Decimal;
      readonly amount: Decimal;
      readonly mid: Decimal;
      /** Signed PnL in quote: buy `(mid − price)·amount`, sell `(price − mid)·amount`; negative = adverse. */
      readonly pnlQuote: Decimal;
    };

/** Life of a simulated order: `pending` until `activeTs` (placement + latency), then `live`. */
export type PaperOrderStatus = 'pending' | 'live';

export interface PaperOrder {
  readonly clientOrderId: ClientOrderId;
  readonly side: Side;
  readonly orderType: PaperOrderType;
  readonly price: Decimal | null;
  readonly amount: Decimal;
  readonly filled: Decimal;
  /** Placement sequence number: time priority among our own orders. */
  readonly seq: number;
  readonly placedTs: number;
  readonly activeTs: number;
  readonly status: PaperOrderStatus;
  /**
   * A market order, or a limit order that crossed the book when it went live: it takes liquidity
   * (as taker) on later books while it still crosses. A limit order stops taking, for good, on the
   * first book it no longer crosses, and then rests (joins the queue) like any maker order.
   */
  readonly taking: boolean;
  /** Drawn once at placement (null for market orders, which never queue). */
  readonly queueFactor: Decimal | null;
  /** Volume ahead of us at our price; null while our price is deeper than the visible book. */
  readonly queueAhead: Decimal | null;
  /** Displayed size at our price on our side in the last book (null when outside the visible depth). */
  readonly levelSize: Decimal | null;
  /** Volume traded at exactly our price since the last book (so a book decrease is not counted twice). */
  readonly tradedAtPrice: Decimal;
  readonly lastFillTs: number | null;
}

/** A fill waiting for its post-fill mid sample. */
export interface DriftProbe {
  readonly dueTs: number;
  readonly fillTs: number;
  readonly clientOrderId: ClientOrderId;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
}

/** Running totals behind the §12 stats. */
export interface PaperCounters {
  readonly fillCount: number;
  readonly rejectCount: number;
  /** Sum over orders of (first fill ts − placement ts), and the number of such orders. */
  readonly queueDelaySumMs: number;
  readonly queueDelayOrders: number;
  readonly adversePnlQuote: Decimal;
}

/** Parameters of one model instance: the §12 config plus the instrument facts fills need. */
export interface PaperParams {
  readonly config: PaperConfig;
  /** Amount grid step in base units: fill amounts are floored to it. */
  readonly lotStep: Decimal;
  /** Asset fees are charged in (the instrument's quote asset). */
  readonly quoteAsset: string;
}

/** Whole model state for one instrument. */
export interface PaperState {
  readonly params: PaperParams;
  /** Time of the last input (null before the first). */
  readonly now: number | null;
  readonly rng: Prng;
  readonly nextSeq: number;
  readonly book: BookTop | null;
  /** Liquidity our taker fills already took from the current book, per price (reset by a new book). */
  readonly taken: readonly PriceLevel[];
  /** Open orders (pending or live), in placement order. */
  readonly orders: readonly PaperOrder[];
  readonly probes: readonly DriftProbe[];
  readonly counters: PaperCounters;
}

/** Result of one step: the next state and what happened, in order. */
export interface PaperStep {
  readonly state: PaperState;
  readonly events: readonly PaperEvent[];
}
