/**
 * The supervisor (conventions habit 7): XState has no supervision built in, so this machine
 * decides, per failed child, whether to restart it after an exponential backoff or to escalate
 * because the restart policy's budget for the window is spent. Strategy `one_for_one`: a failure
 * touches only the failed child. Time comes from events (`child.failed.at`, `backoff.elapsed.at`);
 * the machine names effects and performs none — `supervise()` in `actors/supervise.ts` runs it.
 *
 * Children are known by id and tracked from their first failure; one that never failed is Running.
 * Restarts are counted at the moment they are decided (the failure time), in the sliding window
 * `(at − window_ms, at]`.
 */
import { assign, emit, setup } from 'xstate';
import { backoffDelay, type RestartPolicy } from './restart-policy.ts';

/** Lifecycle of one supervised child. */
export type ChildStatus = 'Running' | 'BackingOff' | 'Escalated';

/** What the supervisor remembers about one child. */
export interface ChildRecord {
  readonly status: ChildStatus;
  /** Times of the restarts decided within the window, oldest first. */
  readonly restarts: readonly number[];
}

export interface SupervisorCtx {
  readonly policy: RestartPolicy;
  readonly children: Readonly<Record<string, ChildRecord>>;
  /** The child whose failure escalated, once `Escalated`. */
  readonly escalated: string | null;
}

export interface SupervisorInput {
  readonly policy: RestartPolicy;
}

export type SupervisorEvent =
  | { readonly type: 'child.failed'; readonly child: string; readonly at: number; readonly error?: unknown }
  | { readonly type: 'backoff.elapsed'; readonly child: string; readonly at: number };

/** Why supervision gave up on a child. */
export type EscalationReason = 'restarts_exhausted';

export type SupervisorEffect =
  /** Restart `child` `delayMs` after the failure; report `backoff.elapsed` once restarted. */
  | { readonly type: 'effect.restart'; readonly child: string; readonly delayMs: number }
  /** Give up: the parent stops everything this supervisor owns. */
  | { readonly type: 'effect.escalate'; readonly child: string; readonly reason: EscalationReason; readonly restarts: number; readonly error?: unknown };

/** The outcome of one failure under a policy: restart with a delay, or escalate. */
export type FailureDecision =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly restarts: readonly number[] }
  | { readonly kind: 'escalate'; readonly restarts: readonly number[] };

const RUNNING: ChildRecord = { status: 'Running', restarts: [] };

/** The restarts still inside the window ending at `at`. */
export function restartsInWindow(policy: RestartPolicy, restarts: readonly number[], at: number): readonly number[] {
  return restarts.filter((r) => at - r < policy.window_ms);
}

/**
 * Decides a failure at `at` given the restarts already decided: restart while the window holds
 * fewer than `max_restarts`, with a delay growing by `multiplier` per restart in it; else escalate.
 */
export function decideFailure(policy: RestartPolicy, restarts: readonly number[], at: number): FailureDecision {
  const live = restartsInWindow(policy, restarts, at);
  if (live.length >= policy.max_restarts) return { kind: 'escalate', restarts: live };
  return { kind: 'restart', delayMs: backoffDelay(policy, live.length), restarts: [...live, at] };
}

const recordOf = (ctx: SupervisorCtx, child: string): ChildRecord => ctx.children[child] ?? RUNNING;

const withChild = (ctx: SupervisorCtx, child: string, rec: ChildRecord) => ({ children: { ...ctx.children, [child]: rec } });

const decide = (ctx: SupervisorCtx, e: { child: string; at: number }): FailureDecision =>
  decideFailure(ctx.policy, recordOf(ctx, e.child).restarts, e.at);

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorCtx,
    input: {} as SupervisorInput,
    events: {} as SupervisorEvent,
    emitted: {} as SupervisorEffect,
  },
  actions: {
    // Emitted before `recordRestart`, so the decision is taken on the context before this failure.
    restart: emit(({ context, event }) => {
      const d = event.type === 'child.failed' ? decide(context, event) : undefined;
      return { type: 'effect.restart' as const, child: event.child, delayMs: d?.kind === 'restart' ? d.delayMs : 0 };
    }),
    recordRestart: assign(({ context, event }) =>
      event.type === 'child.failed' ? withChild(context, event.child, { status: 'BackingOff', restarts: decide(context, event).restarts }) : {},
    ),
    // The bot then goes HardStopped with its orders cancelled; that wiring is not built yet.
    escalate: emit(({ context, event }) => ({
      type: 'effect.escalate' as const,
      child: event.child,
      reason: 'restarts_exhausted' as const,
      restarts: event.type === 'child.failed' ? decide(context, event).restarts.length : 0,
      ...(event.type === 'child.failed' && event.error !== undefined ? { error: event.error } : {}),
    })),
    markEscalated: assign(({ context, event }) => ({
      ...withChild(context, event.child, { status: 'Escalated', restarts: recordOf(context, event.child).restarts }),
      escalated: event.child,
    })),
    markRunning: assign(({ context, event }) => withChild(context, event.child, { ...recordOf(context, event.child), status: 'Running' })),
  },
  guards: {
    // A failure reported while a restart is pending is stale: the child is not running.
    isBackingOff: ({ context, event }) => recordOf(context, event.child).status === 'BackingOff',
    restartsExhausted: ({ context, event }) => event.type === 'child.failed' && decide(context, event).kind === 'escalate',
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({ policy: input.policy, children: {}, escalated: null }),
  initial: 'Supervising',
  states: {
    Supervising: {
      on: {
        'child.failed': [
          { guard: 'isBackingOff' },
          { guard: 'restartsExhausted', target: 'Escalated', actions: ['markEscalated', 'escalate'] },
          { actions: ['restart', 'recordRestart'] },
        ],
        'backoff.elapsed': { guard: 'isBackingOff', actions: 'markRunning' },
      },
    },
    // Supervision is over: the owner tears everything down. Not `final`, so late child errors
    // are silently absorbed instead of warning about a stopped actor.
    Escalated: {},
  },
});
