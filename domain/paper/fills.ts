/**
 * Producing fills (strategy-epp §12): the bookkeeping shared by maker and taker fills, the taker
 * walk of the book, and the maker fills a trade gives our resting orders.
 */
import type { Trade } from '../market/types.ts';
import { type Decimal, ZERO, sum } from '../money/decimal.ts';
import { crossesBook, feeOf, fillAmount, takeableLevels, takerPrice, walkLevels } from './matching.ts';
import { queueOnTradeAtPrice } from './queue.ts';
import type { Liquidity, PaperOrder } from './types.ts';
import { type Work, canFill, draw, putOrder, removeOrder } from './work.ts';

/** Draws a partial-fill ratio and sizes one fill of `order` against `available` volume. */
function sizeFill(w: Work, order: PaperOrder, available: Decimal): Decimal {
  if (available.lte(ZERO)) return ZERO;
  const c = w.params.config;
  const ratio = draw(w, c.partialFillMin, c.partialFillMax);
  return fillAmount(order.amount.minus(order.filled), available, ratio, w.params.lotStep);
}

/**
 * Applies one fill: emits `order.fill`, counts it, records the queue delay on the order's first
 * fill, schedules its post-fill drift probe, and updates or closes the order.
 */
export function recordFill(w: Work, order: PaperOrder, price: Decimal, amount: Decimal, liquidity: Liquidity, ts: number): void {
  const c = w.params.config;
  const filled = order.filled.plus(amount);
  const remaining = order.amount.minus(filled);
  const fee = feeOf(price, amount, liquidity === 'maker' ? c.makerFeePct : c.takerFeePct);
  const { clientOrderId, side } = order;
  w.events.push({ type: 'order.fill', ts, clientOrderId, side, price, amount, fee, feeAsset: w.params.quoteAsset, liquidity, remaining });
  const first = order.lastFillTs === null;
  const k = w.counters;
  w.counters = {
    ...k,
    fillCount: k.fillCount + 1,
    queueDelaySumMs: first ? k.queueDelaySumMs + (ts - order.placedTs) : k.queueDelaySumMs,
    queueDelayOrders: first ? k.queueDelayOrders + 1 : k.queueDelayOrders,
  };
  w.probes.push({ dueTs: ts + c.postFillDriftWindowMs, fillTs: ts, clientOrderId, side, price, amount });
  if (remaining.lte(ZERO)) removeOrder(w, clientOrderId);
  else putOrder(w, { ...order, filled, lastFillTs: ts });
}

/**
 * One taker fill of a crossing order against the current book: size = drawn ratio of the
 * remainder, capped by the opposing liquidity within the limit that our earlier taker fills
 * have not already taken from this book; priced at the walk's VWAP plus slippage.
 */
export function takerAttempt(w: Work, order: PaperOrder, ts: number): void {
  if (w.book === null || !canFill(w, order, ts)) return;
  const levels = takeableLevels(order.side, order.price, w.book, w.taken);
  const amount = sizeFill(w, order, sum(levels.map((l) => l.size)));
  if (amount.lte(ZERO)) return;
  const walk = walkLevels(levels, amount);
  w.taken = [...w.taken, ...walk.took];
  const price = takerPrice(order.side, walk.vwap, w.params.config.takerSlippagePct, order.price);
  recordFill(w, order, price, amount, 'taker', ts);
}

/** Live orders on the crossing side of the current book that may take now, in placement order. */
export function takerCandidates(w: Work, ts: number): PaperOrder[] {
  const book = w.book;
  if (book === null) return [];
  return w.orders.filter((o) => o.status === 'live' && o.taking && crossesBook(o.side, o.price, book) && canFill(w, o, ts));
}

/** Resting orders a trade can reach, best price first, then time priority. */
function reachedBy(w: Work, trade: Trade): PaperOrder[] {
  const side = trade.takerSide === 'sell' ? 'buy' : 'sell';
  const reached = w.orders.filter((o): o is PaperOrder & { price: Decimal } =>
    o.status === 'live' && !o.taking && o.side === side && o.price !== null && (side === 'buy' ? o.price.gte(trade.price) : o.price.lte(trade.price)),
  );
  return reached.sort((a, b) => {
    const byPrice = side === 'buy' ? b.price.comparedTo(a.price) : a.price.comparedTo(b.price);
    return byPrice !== 0 ? byPrice : a.seq - b.seq;
  });
}

/**
 * Maker fills from one trade. A trade strictly through our price (below a buy, above a sell)
 * fills us; a trade at our price first eats the queue ahead and fills us only with what passes
 * it. The trade's volume is one budget shared by all our orders it reaches, best price first,
 * and every fill is at our limit price (never better). Orders inside their partial-fill spacing
 * still move up the queue but do not fill.
 */
export function makerFillsFromTrade(w: Work, trade: Trade): void {
  let used = ZERO;
  for (const order of reachedBy(w, trade)) {
    const price = order.price;
    if (price === null) continue; // market orders never rest, so trades never reach them
    let available: Decimal;
    let current: PaperOrder = order;
    if (price.eq(trade.price)) {
      const q = queueOnTradeAtPrice(order, trade.amount);
      current = q.order;
      putOrder(w, current);
      available = q.passed.minus(used);
    } else {
      available = trade.amount.minus(used);
    }
    if (!canFill(w, current, trade.ts)) continue;
    const amount = sizeFill(w, current, available);
    if (amount.lte(ZERO)) continue;
    used = used.plus(amount);
    recordFill(w, current, price, amount, 'maker', trade.ts);
  }
}
