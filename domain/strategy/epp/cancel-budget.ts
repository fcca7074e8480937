/**
 * The cancel budget (strategy-epp §8): more than `cancel_budget_per_min` cancels in the last
 * rolling minute is a breach (SOFT_PAUSE while it lasts); the `cancel_budget_escalation_breaches`-th
 * (3rd) consecutive breach escalates to HARD_STOP.
 *
 * Interpretation of "consecutive": a breach is an episode (the rolling count rises above the
 * budget, and it ends when the count falls back). Episodes are consecutive while the bot never
 * runs a full clean window (one minute with the count within budget) between them; after a
 * clean minute the streak resets to 0.
 */
import type { EppConfig } from './config.ts';

export const CANCEL_WINDOW_MS = 60_000;

export interface CancelBudgetState {
  /** Timestamps (ms) of cancels sent in the last window, oldest first. */
  readonly times: readonly number[];
  /** Whether a breach episode is in progress. */
  readonly breaching: boolean;
  /** Breach episodes in the current streak. */
  readonly streak: number;
  /** When the last breach episode ended (ms), or null. */
  readonly clearedAt: number | null;
}

export const CANCEL_BUDGET_INIT: CancelBudgetState = { times: [], breaching: false, streak: 0, clearedAt: null };

/** Records `count` cancels sent at `now`. */
export function cancelBudgetRecord(s: CancelBudgetState, now: number, count: number): CancelBudgetState {
  if (count <= 0) return s;
  const times = s.times.slice();
  for (let i = 0; i < count; i++) times.push(now);
  return { ...s, times };
}

/** Cancels in the rolling window ending at `now`. */
export function cancelsInWindow(s: CancelBudgetState, now: number): number {
  let n = 0;
  for (const t of s.times) if (now - t < CANCEL_WINDOW_MS) n++;
  return n;
}

export interface CancelBudgetVerdict {
  readonly state: CancelBudgetState;
  /** A breach is in progress (soft reason `cancel_budget`). */
  readonly breach: boolean;
  /** This breach is the escalating one (hard reason `cancel_budget_escalation`). */
  readonly escalate: boolean;
}

/** Evaluates the budget at `now` (prunes the window, tracks episodes and the streak). */
export function cancelBudgetEvaluate(s: CancelBudgetState, now: number, config: EppConfig): CancelBudgetVerdict {
  const first = s.times.findIndex((t) => now - t < CANCEL_WINDOW_MS);
  // An already empty window stays the same array, so a quiet tick returns the same state.
  const times = first === 0 || s.times.length === 0 ? s.times : first < 0 ? [] : s.times.slice(first);
  const breach = times.length > config.cancelBudgetPerMin;
  let { streak, clearedAt } = s;
  if (breach && !s.breaching) streak += 1;
  if (!breach && s.breaching) clearedAt = now;
  if (!breach && clearedAt !== null && now - clearedAt >= CANCEL_WINDOW_MS) {
    streak = 0;
    clearedAt = null;
  }
  const escalate = breach && streak >= config.cancelBudgetEscalationBreaches;
  const unchanged = times === s.times && breach === s.breaching && streak === s.streak && clearedAt === s.clearedAt;
  return { state: unchanged ? s : { times, breaching: breach, streak, clearedAt }, breach, escalate };
}
