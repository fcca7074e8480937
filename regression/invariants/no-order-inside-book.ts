/**
 * `no_order_inside_book`: no order is placed at or through the opposite best of the book its
 * decision saw — a buy priced ≥ that book's ask, or a sell priced ≤ its bid, is a violation
 * (a post-only order there would cross and be rejected; any other order would take). Orders
 * that improve the touch without crossing are counted as evidence (`insideSpread`): the EPP's
 * never-inside rule (strategy-epp §4) keeps that count at 0, but it is not a violation here.
 */
import type { DecisionLine } from '../decision-log.ts';
import { type InvariantCheck, MAX_EXAMPLES, isoOf, verdictOf } from './types.ts';

export function noOrderInsideBook(lines: readonly DecisionLine[], paths: readonly string[]): InvariantCheck {
  let checked = 0;
  let insideSpread = 0;
  let notPostOnly = 0;
  let count = 0;
  const examples: Record<string, unknown>[] = [];
  for (const l of lines) {
    for (const p of l.places) {
      checked += 1;
      if (!p.postOnly) notPostOnly += 1;
      const crosses = p.side === 'buy' ? p.price.gte(l.ask) : p.price.lte(l.bid);
      if (crosses) {
        count += 1;
        if (examples.length < MAX_EXAMPLES) examples.push({ ts: l.ts, iso: isoOf(l.ts), id: p.id, side: p.side, price: p.price.toFixed(), bid: l.bid.toFixed(), ask: l.ask.toFixed() });
      } else if (p.side === 'buy' ? p.price.gt(l.bid) : p.price.lt(l.ask)) insideSpread += 1;
    }
  }
  return {
    name: 'no_order_inside_book',
    verdict: verdictOf(count === 0),
    detail: count === 0 ? `${checked} orders placed, none at or through the opposite best of its decision's book` : `${count} of ${checked} orders placed at or through the opposite best of its decision's book (first at ${String(examples[0]?.['iso'])})`,
    evidence: { placed: checked, violations: count, insideSpread, notPostOnly, examples },
    paths,
  };
}
