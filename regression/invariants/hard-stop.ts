/**
 * `hard_stop` (strategy-epp §8): when the shock breaks the window's tight limit, HARD_STOP fires
 * at that very decision, with that reason, and latches.
 *
 * Recomputed from the decision log, independently of the controller: per UTC day the opening
 * equity is the first decision's and the peak the highest so far (the controller's day
 * counters); the limit is broken at the first decision where `equity ≤ open·(1 − max_daily_loss_pct)`
 * (`daily_loss`) or `equity ≤ peak·(1 − max_drawdown_pct)` (`drawdown`). The invariant holds
 * when (a) the limit is broken in the window (else the window tests nothing), (b) the first
 * `hard_stopped` decision is that breach decision and its reason is the expected one, (c) every
 * later decision is still `hard_stopped` and places nothing, and (d) every order resting at or
 * after the stop has a cancel issued by that decision.
 */
import type { Decimal } from '../../domain/money/decimal.ts';
import { ONE } from '../../domain/money/decimal.ts';
import type { DecisionLine } from '../decision-log.ts';
import { type InvariantCheck, isoOf, verdictOf } from './types.ts';

const DAY_MS = 86_400_000;

export type HardStopReason = 'daily_loss' | 'drawdown';

interface Breach {
  readonly index: number;
  readonly reference: Decimal;
  readonly equity: Decimal;
}

function firstBreach(lines: readonly DecisionLine[], reason: HardStopReason, limit: Decimal): { breach: Breach | null; worst: Decimal | null } {
  let day = -1;
  let open: Decimal | null = null;
  let peak: Decimal | null = null;
  let worst: Decimal | null = null;
  const keep = ONE.minus(limit);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as DecisionLine;
    const d = Math.floor(l.ts / DAY_MS);
    if (d !== day || open === null || peak === null) {
      day = d;
      open = l.equity;
      peak = l.equity;
    }
    if (l.equity.gt(peak)) peak = l.equity;
    const ref = reason === 'daily_loss' ? open : peak;
    if (!ref.gt(0)) continue;
    const loss = ref.minus(l.equity).dividedBy(ref);
    if (worst === null || loss.gt(worst)) worst = loss;
    if (l.equity.lte(ref.times(keep))) return { breach: { index: i, reference: ref, equity: l.equity }, worst };
  }
  return { breach: null, worst };
}

export function hardStop(lines: readonly DecisionLine[], reason: HardStopReason, limit: Decimal, paths: readonly string[]): InvariantCheck {
  const { breach, worst } = firstBreach(lines, reason, limit);
  const stopIndex = lines.findIndex((l) => l.status === 'hard_stopped');
  const stop = stopIndex < 0 ? undefined : lines[stopIndex];
  const problems: string[] = [];
  if (breach === null) problems.push(`the window never broke ${reason} ${limit.toFixed()} (worst ${worst?.toFixed(6) ?? 'n/a'}): it does not test the stop — tighten the limit or move the window`);
  if (stop === undefined) problems.push('HARD_STOP never fired');
  else {
    if (stop.hardStop !== reason) problems.push(`HARD_STOP fired with reason ${String(stop.hardStop)}, expected ${reason}`);
    if (breach !== null && stopIndex !== breach.index) {
      const at = lines[breach.index] as DecisionLine;
      problems.push(`HARD_STOP fired at ${isoOf(stop.ts)}, the limit broke at ${isoOf(at.ts)}`);
    }
  }
  let placesAfter = 0;
  let notLatched = 0;
  let leftResting = 0;
  let cancelledAtStop = 0;
  if (stop !== undefined) {
    const cancelled = new Set<string>();
    for (let i = 0; i < stopIndex; i++) for (const id of (lines[i] as DecisionLine).cancels) cancelled.add(id);
    cancelledAtStop = stop.cancels.length;
    for (let i = stopIndex; i < lines.length; i++) {
      const l = lines[i] as DecisionLine;
      for (const id of l.cancels) cancelled.add(id);
      placesAfter += l.places.length;
      if (l.status !== 'hard_stopped') notLatched += 1;
      for (const o of l.open) if (!cancelled.has(o.id)) leftResting += 1;
    }
    if (placesAfter > 0) problems.push(`${placesAfter} orders placed after the stop`);
    if (notLatched > 0) problems.push(`${notLatched} decisions after the stop were not hard_stopped (the latch did not hold)`);
    if (leftResting > 0) problems.push(`${leftResting} resting orders seen after the stop without a cancel`);
  }
  const at = breach === null ? null : (lines[breach.index] as DecisionLine);
  return {
    name: 'hard_stop',
    verdict: verdictOf(problems.length === 0),
    detail: problems.length === 0 ? `${reason} ${limit.toFixed()} broken at ${isoOf(at?.ts ?? 0)}; HARD_STOP fired there, cancelled ${cancelledAtStop} order(s) and held for ${lines.length - stopIndex} decisions` : problems.join('; '),
    evidence: {
      reason,
      limit: limit.toFixed(),
      breach: at === null || breach === null ? null : { ts: at.ts, iso: isoOf(at.ts), reference: breach.reference.toFixed(), equity: breach.equity.toFixed(), loss: breach.reference.minus(breach.equity).dividedBy(breach.reference).toFixed(12) },
      stop: stop === undefined ? null : { ts: stop.ts, iso: isoOf(stop.ts), reason: stop.hardStop, cancelled: cancelledAtStop, decisionsAfter: lines.length - stopIndex - 1 },
      worstLoss: worst?.toFixed(12) ?? null,
      placesAfter,
      leftResting,
    },
    paths,
  };
}
