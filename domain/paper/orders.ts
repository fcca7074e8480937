/**
 * Order commands of the paper engine (strategy-epp §12): placement (validated, queue factor
 * drawn once), activation after `latency_ms` against the book of that moment (post-only
 * rejection, taker fill of a crossing order, or joining the queue), and cancellation.
 */
import type { ClientOrderId } from '../ids.ts';
import { ONE, ZERO } from '../money/decimal.ts';
import { crossesBook } from './matching.ts';
import { joinQueue } from './queue.ts';
import { takerAttempt } from './fills.ts';
import type { PaperOrder, PaperOrderRequest, PaperRejectReason } from './types.ts';
import { type Work, draw, findOrder, putOrder, reject, removeOrder } from './work.ts';

function invalidReason(w: Work, req: PaperOrderRequest): PaperRejectReason | null {
  if (findOrder(w, req.clientOrderId) !== undefined) return 'duplicate_client_order_id';
  if (!req.amount.isFinite() || !req.amount.gt(ZERO)) return 'invalid_amount';
  if (req.type === 'market') return req.price === null ? null : 'invalid_price';
  if (req.price === null || !req.price.isFinite() || !req.price.gt(ZERO)) return 'invalid_price';
  return null;
}

/**
 * Accepts an order as `pending` until `ts + latency_ms` (its ack comes then), or rejects it at
 * once when malformed or its id is already open. A limit order's queue factor is drawn here,
 * uniform in `queue_participation·[1 − jitter, 1 + jitter]`.
 */
export function placeOrder(w: Work, ts: number, req: PaperOrderRequest): void {
  const bad = invalidReason(w, req);
  if (bad !== null) {
    reject(w, ts, req.clientOrderId, bad);
    return;
  }
  const c = w.params.config;
  const queueFactor =
    req.type === 'market'
      ? null
      : draw(w, c.queueParticipation.times(ONE.minus(c.queueJitterPct)), c.queueParticipation.times(ONE.plus(c.queueJitterPct)));
  const order: PaperOrder = {
    clientOrderId: req.clientOrderId,
    side: req.side,
    orderType: req.type,
    price: req.price,
    amount: req.amount,
    filled: ZERO,
    seq: w.nextSeq,
    placedTs: ts,
    activeTs: ts + c.latencyMs,
    status: 'pending',
    taking: false,
    queueFactor,
    queueAhead: null,
    levelSize: null,
    tradedAtPrice: ZERO,
    lastFillTs: null,
  };
  w.nextSeq += 1;
  w.orders = [...w.orders, order];
}

/**
 * An order goes live at its `activeTs`, judged against the book as it is then: no book ⇒
 * rejected; a post-only order that would cross ⇒ rejected; otherwise acked, and then a crossing
 * order takes liquidity at once while a non-crossing one joins the queue at its price.
 */
export function activateOrder(w: Work, order: PaperOrder): void {
  const ts = order.activeTs;
  const book = w.book;
  if (book === null) return dropWithReject(w, order, 'no_book');
  const crossing = crossesBook(order.side, order.price, book);
  if (crossing && order.orderType === 'limit_maker') return dropWithReject(w, order, 'post_only_would_cross');
  const { clientOrderId, side, orderType, price, amount } = order;
  w.events.push({ type: 'order.ack', ts, clientOrderId, side, orderType, price, amount });
  const live: PaperOrder = { ...order, status: 'live', taking: crossing || orderType === 'market' };
  if (live.taking) {
    putOrder(w, live);
    takerAttempt(w, live, ts);
  } else {
    putOrder(w, joinQueue(live, book));
  }
}

function dropWithReject(w: Work, order: PaperOrder, reason: PaperRejectReason): void {
  removeOrder(w, order.clientOrderId);
  reject(w, order.activeTs, order.clientOrderId, reason);
}

/** Activates, in time then placement order, every pending order due at or before `ts`. */
export function runActivations(w: Work, ts: number): void {
  for (;;) {
    let next: PaperOrder | undefined;
    for (const o of w.orders) {
      if (o.status !== 'pending' || o.activeTs > ts) continue;
      if (next === undefined || o.activeTs < next.activeTs) next = o;
    }
    if (next === undefined) return;
    activateOrder(w, next);
  }
}

/**
 * Cancels an open order (pending or live) at `ts`, without latency; an unknown or already
 * closed id gets `order.cancel_reject`.
 */
export function cancelOrder(w: Work, ts: number, clientOrderId: ClientOrderId): void {
  const order = findOrder(w, clientOrderId);
  if (order === undefined) {
    w.events.push({ type: 'order.cancel_reject', ts, clientOrderId, reason: 'unknown_order' });
    return;
  }
  removeOrder(w, clientOrderId);
  w.events.push({ type: 'order.cancelled', ts, clientOrderId, remaining: order.amount.minus(order.filled) });
}
