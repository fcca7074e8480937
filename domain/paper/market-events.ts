/**
 * Market data into the paper engine (strategy-epp §12): a new book moves queue positions,
 * resolves due post-fill drift probes and lets crossing orders take again; a trade gives maker
 * fills to the resting orders it reaches.
 */
import type { BookTop, Trade } from '../market/types.ts';
import { midOf } from '../market/types.ts';
import { crossesBook } from './matching.ts';
import { joinQueue, queueOnBook } from './queue.ts';
import { makerFillsFromTrade, takerAttempt, takerCandidates } from './fills.ts';
import { driftPnl } from './stats.ts';
import type { PaperOrder } from './types.ts';
import type { Work } from './work.ts';

/** A live order's position after a new book; a limit order that stopped crossing starts resting. */
function orderOnBook(order: PaperOrder, top: BookTop): PaperOrder {
  if (order.status !== 'live') return order;
  if (!order.taking) return queueOnBook(order, top);
  if (order.orderType === 'market' || crossesBook(order.side, order.price, top)) return order;
  return joinQueue({ ...order, taking: false }, top);
}

/** Resolves the drift probes due at or before the book's time with the book's mid. */
function resolveProbes(w: Work, top: BookTop): void {
  const due = w.probes.filter((p) => p.dueTs <= top.ts);
  if (due.length === 0) return;
  w.probes = w.probes.filter((p) => p.dueTs > top.ts);
  const mid = midOf(top);
  for (const p of due) {
    const pnlQuote = driftPnl(p.side, p.price, mid, p.amount);
    w.counters = { ...w.counters, adversePnlQuote: w.counters.adversePnlQuote.plus(pnlQuote) };
    w.events.push({
      type: 'paper.drift',
      ts: top.ts,
      clientOrderId: p.clientOrderId,
      side: p.side,
      fillTs: p.fillTs,
      fillPrice: p.price,
      amount: p.amount,
      mid,
      pnlQuote,
    });
  }
}

/**
 * Applies a new book: queue positions first (against the previous book's sizes), then the book
 * replaces the old one (and forgets what our taker fills took from it), then due drift probes
 * are measured, then crossing orders past their partial-fill spacing take again.
 */
export function applyBook(w: Work, top: BookTop): void {
  w.orders = w.orders.map((o) => orderOnBook(o, top));
  w.book = top;
  w.taken = [];
  resolveProbes(w, top);
  for (const order of takerCandidates(w, top.ts)) takerAttempt(w, order, top.ts);
}

/** Applies a trade print: maker fills for the resting orders it reaches. */
export function applyTrade(w: Work, trade: Trade): void {
  makerFillsFromTrade(w, trade);
}
