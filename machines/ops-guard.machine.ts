/**
 * The ops guard (strategy-epp §8): `Running`, `SoftPause` while any soft reason is active, and
 * `HardStop`, latched until an operator `ops.resume`. A hard reason stops from anywhere; the latch
 * ignores everything but the resume, yet keeps tracking soft reasons, so the resume lands in
 * `SoftPause` when some are still active. Entering `HardStop` or `SoftPause` names one
 * `effect.cancel_all` (emitted for the actor to perform); the machine performs no I/O.
 */
import { assign, emit, setup } from 'xstate';
import { SOFT_REASONS, type HardReason, type SoftReason } from '../domain/strategy/epp/decisions.ts';

export interface OpsGuardCtx {
  /** The active soft reasons. */
  readonly soft: ReadonlySet<SoftReason>;
  /** The reason the latch was set, while `HardStop`. */
  readonly hard: HardReason | null;
}

export type OpsGuardEvent =
  | { readonly type: 'ops.soft_raised'; readonly reason: SoftReason }
  | { readonly type: 'ops.soft_cleared'; readonly reason: SoftReason }
  | { readonly type: 'ops.hard'; readonly reason: HardReason }
  | { readonly type: 'ops.resume' };

/** For `SoftPause`, the reason is the first active soft reason in `SOFT_REASONS` order. */
export type OpsGuardEffect = { readonly type: 'effect.cancel_all'; readonly reason: SoftReason | HardReason };

/** The set with `reason` added (raised) or removed (cleared); the same set when unchanged. */
export function withSoftReason(set: ReadonlySet<SoftReason>, reason: SoftReason, active: boolean): ReadonlySet<SoftReason> {
  if (set.has(reason) === active) return set;
  const next = new Set(set);
  if (active) next.add(reason);
  else next.delete(reason);
  return next;
}

const firstSoft = (set: ReadonlySet<SoftReason>): SoftReason | undefined => SOFT_REASONS.find((r) => set.has(r));

export const opsGuardMachine = setup({
  types: {
    context: {} as OpsGuardCtx,
    events: {} as OpsGuardEvent,
    emitted: {} as OpsGuardEffect,
  },
  actions: {
    raiseSoft: assign(({ context, event }) =>
      event.type === 'ops.soft_raised' ? { soft: withSoftReason(context.soft, event.reason, true) } : {},
    ),
    clearSoft: assign(({ context, event }) =>
      event.type === 'ops.soft_cleared' ? { soft: withSoftReason(context.soft, event.reason, false) } : {},
    ),
    latchHard: assign(({ event }) => (event.type === 'ops.hard' ? { hard: event.reason } : {})),
    unlatch: assign({ hard: null }),
    // The fallbacks are unreachable: HardStop is entered only with `hard` set, SoftPause only with a reason active.
    cancelAllHard: emit(({ context }) => ({ type: 'effect.cancel_all' as const, reason: context.hard ?? 'operator_kill' })),
    cancelAllSoft: emit(({ context }) => ({ type: 'effect.cancel_all' as const, reason: firstSoft(context.soft) ?? 'operator_pause' })),
  },
  guards: {
    hasSoftReasons: ({ context }) => context.soft.size > 0,
    clearsLastSoft: ({ context, event }) =>
      event.type === 'ops.soft_cleared' && withSoftReason(context.soft, event.reason, false).size === 0,
  },
}).createMachine({
  id: 'opsGuard',
  context: () => ({ soft: new Set<SoftReason>(), hard: null }),
  initial: 'Running',
  states: {
    Running: {
      on: {
        'ops.soft_raised': { target: 'SoftPause', actions: 'raiseSoft' },
        'ops.hard': { target: 'HardStop', actions: 'latchHard' },
      },
    },
    SoftPause: {
      entry: 'cancelAllSoft',
      on: {
        // Targetless: already paused, a further reason must not cancel again.
        'ops.soft_raised': { actions: 'raiseSoft' },
        'ops.soft_cleared': [{ guard: 'clearsLastSoft', target: 'Running', actions: 'clearSoft' }, { actions: 'clearSoft' }],
        'ops.hard': { target: 'HardStop', actions: 'latchHard' },
      },
    },
    // Latched: only the operator's resume lifts it; soft reasons are still tracked meanwhile.
    HardStop: {
      entry: 'cancelAllHard',
      on: {
        'ops.soft_raised': { actions: 'raiseSoft' },
        'ops.soft_cleared': { actions: 'clearSoft' },
        'ops.resume': [{ guard: 'hasSoftReasons', target: 'SoftPause', actions: 'unlatch' }, { target: 'Running', actions: 'unlatch' }],
      },
    },
  },
});
