/** Open-order parity by client order id: orphans, missing orders and disagreeing terms. */
import { byString, diffOf, str, withinRel } from './compare.ts';
import type { ReconPhase, ReconThresholds } from './thresholds.ts';
import type { Finding, ReconOrder } from './types.ts';

const describe = (o: ReconOrder): string => `${o.side} ${str(o.amount)} @ ${str(o.price)} filled ${str(o.filled)}`;

function index(orders: readonly ReconOrder[]): Map<string, ReconOrder> {
  const m = new Map<string, ReconOrder>();
  for (const o of orders) if (!m.has(o.clientOrderId)) m.set(o.clientOrderId, o);
  return m;
}

/** Findings sorted by client order id (then check). */
export function checkOrders(venue: readonly ReconOrder[], local: readonly ReconOrder[], phase: ReconPhase, adopted: readonly string[], t: ReconThresholds): Finding[] {
  const v = index(venue);
  const l = index(local);
  const adoptedSet = new Set(adopted);
  const out: Finding[] = [];
  for (const id of [...new Set([...v.keys(), ...l.keys()])].sort(byString)) {
    const vo = v.get(id);
    const lo = l.get(id);
    if (vo !== undefined && lo === undefined) {
      const isAdopted = adoptedSet.has(id);
      const severity = isAdopted ? t.order.orphanAdopted : t.order.orphan[phase];
      out.push({ check: 'order.orphan', severity, subject: id, venue: describe(vo), local: null, diff: null, threshold: isAdopted ? 'adopted' : `phase ${phase}`, message: `${id}: open at the venue, unknown to the bot${isAdopted ? ' (adopted)' : ''}` });
    } else if (vo === undefined && lo !== undefined) {
      out.push({ check: 'order.missing', severity: t.order.missing, subject: id, venue: null, local: describe(lo), diff: null, threshold: 'any', message: `${id}: the bot believes it open, the venue does not list it` });
    } else if (vo !== undefined && lo !== undefined) {
      out.push(...compareOrder(id, vo, lo, t));
    }
  }
  return out;
}

function compareOrder(id: string, vo: ReconOrder, lo: ReconOrder, t: ReconThresholds): Finding[] {
  const out: Finding[] = [];
  const rel = `rel > ${str(t.matchRel)}`;
  if (vo.side !== lo.side) {
    out.push({ check: 'order.side_mismatch', severity: t.order.terms, subject: id, venue: vo.side, local: lo.side, diff: null, threshold: 'any', message: `${id}: venue side ${vo.side}, bot ${lo.side}` });
  }
  if (!withinRel(vo.price, lo.price, t.matchRel)) {
    out.push({ check: 'order.price_mismatch', severity: t.order.terms, subject: id, venue: str(vo.price), local: str(lo.price), diff: diffOf(vo.price, lo.price), threshold: rel, message: `${id}: venue price ${str(vo.price)}, bot ${str(lo.price)}` });
  }
  if (!withinRel(vo.amount, lo.amount, t.matchRel)) {
    out.push({ check: 'order.amount_mismatch', severity: t.order.terms, subject: id, venue: str(vo.amount), local: str(lo.amount), diff: diffOf(vo.amount, lo.amount), threshold: rel, message: `${id}: venue amount ${str(vo.amount)}, bot ${str(lo.amount)}` });
  }
  if (!withinRel(vo.filled, lo.filled, t.matchRel)) {
    out.push({ check: 'order.filled_mismatch', severity: t.order.filled, subject: id, venue: str(vo.filled), local: str(lo.filled), diff: diffOf(vo.filled, lo.filled), threshold: rel, message: `${id}: venue filled ${str(vo.filled)}, bot ${str(lo.filled)}` });
  }
  return out;
}
