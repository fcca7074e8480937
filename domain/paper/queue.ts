/**
 * The risk-averse queue model of the paper engine (strategy-epp §12).
 *
 * A resting order joins behind the displayed size at its price × its `queue_factor`. The
 * volume ahead of it (`queueAhead`) then shrinks only by volume that leaves the front of the
 * queue at that price, never by volume that joins:
 * - **trades at our price** consume the queue ahead first; only what trades beyond it reaches us;
 * - **a size decrease at our level in a book update** counts as cancellations, which we assume
 *   come from *behind* us first (the risk-averse reading): only the part of the decrease larger
 *   than the displayed volume behind us shortens the queue ahead. Volume already seen trading at
 *   the price since the previous book is netted out, so one trade is never counted twice;
 * - **a size increase** (joins) never changes the queue ahead.
 * When our price is deeper than the visible depth the queue ahead is unknown (null): the order
 * cannot fill from trades at its price until a book shows the level, at which point it joins
 * behind everything displayed there (pessimistic: part of that may have been ahead and traded).
 */
import type { Side } from '../instrument/rules.ts';
import type { BookTop } from '../market/types.ts';
import { type Decimal, ZERO, dmax } from '../money/decimal.ts';
import type { PaperOrder } from './types.ts';

/**
 * Displayed size at `price` on `side` of the book: the level's size, 0 when the price is inside
 * the visible range but has no level, null when it is deeper than the last displayed level.
 */
export function levelSizeAt(top: BookTop, side: Side, price: Decimal): Decimal | null {
  const levels = side === 'buy' ? top.bids : top.asks;
  const hit = levels.find((l) => l.price.eq(price));
  if (hit !== undefined) return hit.size;
  const worst = levels[levels.length - 1];
  if (worst === undefined) return ZERO;
  const deeper = side === 'buy' ? price.lt(worst.price) : price.gt(worst.price);
  return deeper ? null : ZERO;
}

/** Initial queue ahead for an order joining at its price: displayed size × queue factor. */
export function joinQueue(order: PaperOrder, top: BookTop): PaperOrder {
  if (order.price === null || order.queueFactor === null) return order;
  const size = levelSizeAt(top, order.side, order.price);
  return { ...order, levelSize: size, queueAhead: size === null ? null : size.times(order.queueFactor), tradedAtPrice: ZERO };
}

/**
 * The queue ahead after cancellations seen between two books: a decrease `left` at our level
 * (net of traded volume) shortens it only by what exceeds the volume displayed behind us.
 */
export function queueAfterDecrease(queueAhead: Decimal, prevSize: Decimal, tradedAtPrice: Decimal, nextSize: Decimal): Decimal {
  const adjusted = dmax(ZERO, prevSize.minus(tradedAtPrice));
  const left = dmax(ZERO, adjusted.minus(nextSize));
  const behind = dmax(ZERO, adjusted.minus(queueAhead));
  return dmax(ZERO, queueAhead.minus(dmax(ZERO, left.minus(behind))));
}

/** Applies a new book to a resting order's queue position (see the module rules). */
export function queueOnBook(order: PaperOrder, top: BookTop): PaperOrder {
  if (order.price === null || order.queueFactor === null) return order;
  const next = levelSizeAt(top, order.side, order.price);
  let ahead = order.queueAhead;
  if (ahead === null) {
    ahead = next === null ? null : next.times(order.queueFactor);
  } else if (order.levelSize !== null && next !== null) {
    ahead = queueAfterDecrease(ahead, order.levelSize, order.tradedAtPrice, next);
  }
  return { ...order, queueAhead: ahead, levelSize: next, tradedAtPrice: ZERO };
}

/**
 * A trade of `volume` at exactly our price: it eats the queue ahead first. Returns the order
 * with its shorter queue and the volume that went past the queue ahead (what could reach us).
 */
export function queueOnTradeAtPrice(order: PaperOrder, volume: Decimal): { order: PaperOrder; passed: Decimal } {
  const tradedAtPrice = order.tradedAtPrice.plus(volume);
  if (order.queueAhead === null) return { order: { ...order, tradedAtPrice }, passed: ZERO };
  const passed = dmax(ZERO, volume.minus(order.queueAhead));
  const queueAhead = dmax(ZERO, order.queueAhead.minus(volume));
  return { order: { ...order, queueAhead, tradedAtPrice }, passed };
}
