/**
 * `zero_orders` (a `variant: no_trade` window): the run places no order at all — no place
 * intent in the decision log and `run.orders.placed` = 0 in summary.json. The EPP's `no_trade`
 * variant runs the whole pipeline and drops the places (strategy-epp §10).
 */
import type { DecisionLine } from '../decision-log.ts';
import { type InvariantCheck, isoOf, verdictOf } from './types.ts';

export function zeroOrders(lines: readonly DecisionLine[], summaryPlaced: number, paths: readonly string[]): InvariantCheck {
  let placed = 0;
  let first: Record<string, unknown> | null = null;
  for (const l of lines) {
    const p = l.places[0];
    if (p === undefined) continue;
    placed += l.places.length;
    first ??= { ts: l.ts, iso: isoOf(l.ts), id: p.id, side: p.side, price: p.price.toFixed() };
  }
  const ok = placed === 0 && summaryPlaced === 0;
  return {
    name: 'zero_orders',
    verdict: verdictOf(ok),
    detail: ok ? `no order placed in ${lines.length} decisions` : `a no_trade window placed ${Math.max(placed, summaryPlaced)} orders (first at ${String(first?.['iso'])})`,
    evidence: { decisions: lines.length, placed, summaryPlaced, first },
    paths,
  };
}
