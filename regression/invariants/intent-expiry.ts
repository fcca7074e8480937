/**
 * `intent_expiry` (strategy-epp §9 order management): an order may rest only while it is younger
 * than the refresh of the regime in force. At a decision at time T whose bot status is
 * `running` in regime g, an order resting when the bot decided is *expired* when
 * `T − placedAt ≥ regimes.g.refresh_s · 1000`; when the bot is not running (warming up, soft
 * paused, hard stopped) the refresh is 0, so every resting order is expired (the controller
 * cancels them all). The invariant holds when every expired order has a cancel issued at that
 * decision or at an earlier one (a cancel may still be in flight on the paper L2 model).
 */
import type { DecisionLine } from '../decision-log.ts';
import { type InvariantCheck, MAX_EXAMPLES, isoOf, verdictOf } from './types.ts';

/** The regime's refresh in ms, or null for a label that is not one of the EPP's regimes. */
export type RefreshOf = (regime: string | null) => number | null;

export function intentExpiry(lines: readonly DecisionLine[], refreshOf: RefreshOf, paths: readonly string[]): InvariantCheck {
  const cancelled = new Set<string>();
  let expired = 0;
  let expiredWhileRunning = 0;
  let count = 0;
  let maxKeptAgeMs = 0;
  const examples: Record<string, unknown>[] = [];
  for (const l of lines) {
    for (const id of l.cancels) cancelled.add(id);
    const refresh = l.status === 'running' ? (refreshOf(l.regime) ?? 0) : 0;
    for (const o of l.open) {
      const age = l.ts - o.placedAt;
      if (age < refresh) {
        if (!cancelled.has(o.id) && age > maxKeptAgeMs) maxKeptAgeMs = age;
        continue;
      }
      expired += 1;
      if (l.status === 'running') expiredWhileRunning += 1;
      if (cancelled.has(o.id)) continue;
      count += 1;
      if (examples.length < MAX_EXAMPLES) examples.push({ ts: l.ts, iso: isoOf(l.ts), id: o.id, ageS: age / 1000, refreshS: refresh / 1000, regime: l.regime, status: l.status });
    }
  }
  return {
    name: 'intent_expiry',
    verdict: verdictOf(count === 0),
    detail:
      count === 0
        ? `${expired} expired resting orders (${expiredWhileRunning} past their regime's refresh_s, ${expired - expiredWhileRunning} while the bot was not running), each cancelled by its decision`
        : `${count} expired orders left resting past their regime's refresh_s without a cancel (first at ${String(examples[0]?.['iso'])})`,
    evidence: { decisions: lines.length, expired, expiredWhileRunning, violations: count, maxKeptAgeS: maxKeptAgeMs / 1000, examples },
    paths,
  };
}
