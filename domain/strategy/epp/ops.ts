/**
 * Operator intents and the ops transitions the step announces: `ops.soft_pause` when the set of
 * soft reasons changes to a non-empty one, `ops.resume` when it empties (or when an operator
 * `resume` lifts the HARD_STOP latch), `ops.hard_stop` once when the latch is set.
 */
import type { EppDecision, HardReason, SoftReason } from './decisions.ts';
import type { EppState } from './state.ts';
import type { EppIntent } from './types.ts';

/** Applies the operator's intents in order. */
export function applyIntents(s: EppState, intents: readonly EppIntent[], out: EppDecision[]): EppState {
  let next = s;
  for (const intent of intents) {
    switch (intent.type) {
      case 'set_target_base_pct':
        next = { ...next, targetOverride: intent.value };
        break;
      case 'pause':
        next = { ...next, operatorPaused: true };
        break;
      case 'resume':
        if (next.hardStop !== null) out.push({ type: 'ops.resume' });
        next = { ...next, operatorPaused: false, hardStop: null };
        break;
      case 'kill':
        next = latchHardStop(next, 'operator_kill', out);
        break;
    }
  }
  return next;
}

/** Sets the HARD_STOP latch (announcing it once). */
export function latchHardStop(s: EppState, reason: HardReason, out: EppDecision[]): EppState {
  if (s.hardStop !== null) return s;
  out.push({ type: 'ops.hard_stop', reason });
  return { ...s, hardStop: reason, soft: [] };
}

function sameReasons(a: readonly SoftReason[], b: readonly SoftReason[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

/** Announces a change of soft reasons and records the new set. */
export function announceSoft(s: EppState, reasons: readonly SoftReason[], out: EppDecision[]): EppState {
  if (sameReasons(s.soft, reasons)) return s;
  out.push(reasons.length > 0 ? { type: 'ops.soft_pause', reasons } : { type: 'ops.resume' });
  return { ...s, soft: reasons };
}
