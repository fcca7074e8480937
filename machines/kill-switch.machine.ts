/**
 * The kill switch of one bot (hardening plan, Day 50 / Day 70): `Armed` → `Triggered` →
 * `Cancelling` → (`Flattening`, off by default) → `Verifying` → `Latched`. A verification that
 * still sees open orders (or a failed attempt) waits in `Backoff` (an XState delay, doubling and
 * capped) and cancels again, until the venue reports none. `Latched` is left only by an
 * operator's `kill.rearm`; `kill.restore_latched` starts a restarted process there. In dry-run the
 * switch only looks: `Triggered` → `DryRunInspecting` → `DryRunReported` → `Armed`, no cancel.
 *
 * The machine names effects (`effect.*`, emitted) and performs none: the kill-switch actor
 * (`actors/kill-switch.ts`) cancels, flattens, reads the venue and persists the latch. Time
 * arrives in events (`at`) or through XState delays, so a simulated clock drives it in tests.
 */
import { assign, emit, setup } from 'xstate';

/** Who or what pulled the switch. */
export type KillTrigger = 'risk' | 'operator' | 'bot_hard_stop';

/** Every state of the kill switch, as a documented union (`Triggered` and `DryRunReported` are transient). */
export type KillSwitchStateName =
  | 'Armed'
  | 'Triggered'
  | 'Cancelling'
  | 'Flattening'
  | 'Verifying'
  | 'Backoff'
  | 'Latched'
  | 'DryRunInspecting'
  | 'DryRunReported';

/** Retry delay before attempt n+1: `initialMs × multiplier^(n−1)`, capped at `maxMs`. */
export interface KillBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

export const DEFAULT_KILL_BACKOFF: KillBackoff = { initialMs: 250, maxMs: 5_000, multiplier: 2 };

export interface KillSwitchInput {
  readonly botId: string;
  /** Default for triggers that do not say (false). */
  readonly dryRun?: boolean;
  /** Default for triggers that do not say (false: flattening is opt-in). */
  readonly flatten?: boolean;
  /** Attempts before latching unverified; absent ⇒ retry until verified. */
  readonly maxAttempts?: number;
  readonly backoff?: KillBackoff;
}

export interface KillSwitchCtx {
  readonly botId: string;
  /** The defaults from the input; a trigger may override them for its own run. */
  readonly defaults: { readonly dryRun: boolean; readonly flatten: boolean };
  /** This run's mode. */
  readonly dryRun: boolean;
  readonly flatten: boolean;
  /** Cancel-all attempts made in this run. */
  readonly attempts: number;
  readonly maxAttempts: number | null;
  readonly backoff: KillBackoff;
  readonly reason: string | null;
  readonly trigger: KillTrigger | null;
  /** Open orders the last verification saw; null before the first one. */
  readonly openOrders: number | null;
  /** The last attempt's failure, if it failed. */
  readonly lastError: string | null;
  readonly flattenStatus: 'off' | 'pending' | 'done' | 'failed';
  readonly latchedAt: number | null;
  /** False when the latch was set with attempts exhausted and orders possibly left open. */
  readonly verified: boolean;
  /** True when the latch came from the store (the actor must not persist it again). */
  readonly restored: boolean;
}

export type KillSwitchEvent =
  | { readonly type: 'kill.trigger'; readonly reason: string; readonly trigger: KillTrigger; readonly flatten?: boolean; readonly dryRun?: boolean }
  /** The venue-wide cancel of the bot's symbol returned; `cancelled`: how many it cancelled. */
  | { readonly type: 'kill.cancel_done'; readonly cancelled: number }
  /** An attempt failed (cancel-all or the verification read); `at` stamps a latch set on exhaustion. */
  | { readonly type: 'kill.cancel_failed'; readonly error: string; readonly at: number }
  | { readonly type: 'kill.flatten_done' }
  | { readonly type: 'kill.flatten_failed'; readonly error: string }
  /** The venue's open orders for the bot, read after the cancel; `at`: when read. */
  | { readonly type: 'kill.verified'; readonly openOrders: number; readonly at: number }
  /** Skip the rest of the backoff (the delay sends nothing; this is for an owner-driven timer). */
  | { readonly type: 'kill.retry' }
  | { readonly type: 'kill.rearm'; readonly by: string; readonly reason: string }
  | { readonly type: 'kill.restore_latched'; readonly reason: string; readonly latchedAt: number; readonly trigger?: KillTrigger };

export type KillSwitchEffect =
  | { readonly type: 'effect.triggered'; readonly botId: string; readonly reason: string; readonly trigger: KillTrigger; readonly dryRun: boolean; readonly flatten: boolean }
  | { readonly type: 'effect.cancel_all'; readonly botId: string; readonly attempt: number }
  | { readonly type: 'effect.flatten'; readonly botId: string }
  /** Read the venue's open orders for the bot; answer `kill.verified` (or `kill.cancel_failed`). */
  | { readonly type: 'effect.verify'; readonly botId: string; readonly attempt: number }
  /** Warning: the attempt did not clear the bot; cancel again after `delayMs`. */
  | { readonly type: 'effect.retrying'; readonly botId: string; readonly attempt: number; readonly nextAttempt: number; readonly delayMs: number; readonly openOrders: number | null; readonly error: string | null }
  | { readonly type: 'effect.flatten_failed'; readonly botId: string; readonly error: string }
  | {
      readonly type: 'effect.latched';
      readonly botId: string;
      readonly reason: string;
      readonly trigger: KillTrigger | null;
      readonly latchedAt: number;
      readonly attempts: number;
      readonly openOrders: number | null;
      readonly verified: boolean;
      readonly restored: boolean;
    }
  | { readonly type: 'effect.rearmed'; readonly botId: string; readonly by: string; readonly reason: string }
  /** Dry-run: what a real kill would have cancelled (null when the read failed). */
  | { readonly type: 'effect.dry_run'; readonly botId: string; readonly wouldCancel: number | null; readonly error: string | null }
  | { readonly type: 'effect.ignored'; readonly botId: string; readonly event: KillSwitchEvent['type']; readonly state: KillSwitchStateName; readonly reason: 'in_progress' | 'already_latched' | 'not_latched' };

/** The delay before the attempt after `attempts` (≥ 1) failed ones. */
export function killRetryDelay(backoff: KillBackoff, attempts: number): number {
  return Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** Math.max(0, attempts - 1));
}

/** Params of the `ignored` action: an event dropped in `state` (idempotence), and why. */
interface IgnoredParams {
  readonly state: KillSwitchStateName;
  readonly reason: 'in_progress' | 'already_latched' | 'not_latched';
}

const ignoredIn = (state: KillSwitchStateName, reason: IgnoredParams['reason']) => ({ type: 'ignored' as const, params: { state, reason } });

const eventError = (event: KillSwitchEvent): string | null => ('error' in event ? event.error : null);

export const killSwitchMachine = setup({
  types: {
    context: {} as KillSwitchCtx,
    input: {} as KillSwitchInput,
    events: {} as KillSwitchEvent,
    emitted: {} as KillSwitchEffect,
  },
  actions: {
    ignored: emit(({ context, event }, params: IgnoredParams) => ({
      type: 'effect.ignored' as const,
      botId: context.botId,
      event: event.type,
      state: params.state,
      reason: params.reason,
    })),
    startRun: assign(({ context, event }) => {
      if (event.type !== 'kill.trigger') return {};
      const flatten = event.flatten ?? context.defaults.flatten;
      return {
        reason: event.reason,
        trigger: event.trigger,
        dryRun: event.dryRun ?? context.defaults.dryRun,
        flatten,
        flattenStatus: flatten ? ('pending' as const) : ('off' as const),
        attempts: 0,
        openOrders: null,
        lastError: null,
        latchedAt: null,
        verified: false,
        restored: false,
      };
    }),
    reportTriggered: emit(({ context }) => ({
      type: 'effect.triggered' as const,
      botId: context.botId,
      reason: context.reason ?? '',
      trigger: context.trigger ?? 'operator',
      dryRun: context.dryRun,
      flatten: context.flatten,
    })),
    countAttempt: assign(({ context }) => ({ attempts: context.attempts + 1, lastError: null })),
    requestCancelAll: emit(({ context }) => ({ type: 'effect.cancel_all' as const, botId: context.botId, attempt: context.attempts })),
    requestFlatten: emit(({ context }) => ({ type: 'effect.flatten' as const, botId: context.botId })),
    requestVerify: emit(({ context }) => ({ type: 'effect.verify' as const, botId: context.botId, attempt: context.attempts })),
    flattenDone: assign({ flattenStatus: 'done' as const }),
    flattenFailed: assign({ flattenStatus: 'failed' as const }),
    warnFlattenFailed: emit(({ context, event }) => ({ type: 'effect.flatten_failed' as const, botId: context.botId, error: eventError(event) ?? 'unknown' })),
    recordVerified: assign(({ event }) => (event.type === 'kill.verified' ? { openOrders: event.openOrders } : {})),
    recordFailure: assign(({ event }) => ({ lastError: eventError(event) })),
    // Entering Backoff: the warning names the attempt that failed and the delay the XState timer waits.
    warnRetrying: emit(({ context }) => ({
      type: 'effect.retrying' as const,
      botId: context.botId,
      attempt: context.attempts,
      nextAttempt: context.attempts + 1,
      delayMs: killRetryDelay(context.backoff, context.attempts),
      openOrders: context.lastError === null ? context.openOrders : null,
      error: context.lastError,
    })),
    latch: assign(({ context, event }) => {
      if (event.type === 'kill.verified') return { latchedAt: event.at, verified: event.openOrders === 0 };
      if (event.type === 'kill.cancel_failed') return { latchedAt: event.at, verified: false };
      return { latchedAt: context.latchedAt };
    }),
    restoreLatch: assign(({ event }) =>
      event.type === 'kill.restore_latched'
        ? { reason: event.reason, trigger: event.trigger ?? null, latchedAt: event.latchedAt, restored: true, verified: true, attempts: 0, openOrders: null }
        : {},
    ),
    reportLatched: emit(({ context }) => ({
      type: 'effect.latched' as const,
      botId: context.botId,
      reason: context.reason ?? '',
      trigger: context.trigger,
      // Set by every transition into Latched (`latch`, `restoreLatch`); 0 is unreachable.
      latchedAt: context.latchedAt ?? 0,
      attempts: context.attempts,
      openOrders: context.openOrders,
      verified: context.verified,
      restored: context.restored,
    })),
    unlatch: assign(({ context }) => ({
      dryRun: context.defaults.dryRun,
      flatten: context.defaults.flatten,
      attempts: 0,
      reason: null,
      trigger: null,
      openOrders: null,
      lastError: null,
      flattenStatus: 'off' as const,
      latchedAt: null,
      verified: false,
      restored: false,
    })),
    reportRearmed: emit(({ context, event }) => ({
      type: 'effect.rearmed' as const,
      botId: context.botId,
      by: event.type === 'kill.rearm' ? event.by : '',
      reason: event.type === 'kill.rearm' ? event.reason : '',
    })),
    reportDryRun: emit(({ context }) => ({
      type: 'effect.dry_run' as const,
      botId: context.botId,
      wouldCancel: context.lastError === null ? context.openOrders : null,
      error: context.lastError,
    })),
  },
  guards: {
    isDryRun: ({ context }) => context.dryRun,
    mustFlatten: ({ context }) => context.flattenStatus === 'pending',
    isClear: ({ event }) => event.type === 'kill.verified' && event.openOrders === 0,
    // Checked before counting the next attempt: `attempts` is the number already made.
    attemptsExhausted: ({ context }) => context.maxAttempts !== null && context.attempts >= context.maxAttempts,
  },
  delays: {
    retryBackoff: ({ context }) => killRetryDelay(context.backoff, context.attempts),
  },
}).createMachine({
  id: 'killSwitch',
  context: ({ input }) => ({
    botId: input.botId,
    defaults: { dryRun: input.dryRun ?? false, flatten: input.flatten ?? false },
    dryRun: input.dryRun ?? false,
    flatten: input.flatten ?? false,
    attempts: 0,
    maxAttempts: input.maxAttempts ?? null,
    backoff: input.backoff ?? DEFAULT_KILL_BACKOFF,
    reason: null,
    trigger: null,
    openOrders: null,
    lastError: null,
    flattenStatus: 'off',
    latchedAt: null,
    verified: false,
    restored: false,
  }),
  initial: 'Armed',
  states: {
    Armed: {
      on: {
        'kill.trigger': { target: 'Triggered', actions: 'startRun' },
        'kill.restore_latched': { target: 'Latched', actions: 'restoreLatch' },
        'kill.rearm': { actions: ignoredIn('Armed', 'not_latched') },
      },
    },
    Triggered: {
      entry: 'reportTriggered',
      always: [{ guard: 'isDryRun', target: 'DryRunInspecting' }, { target: 'Cancelling' }],
    },
    Cancelling: {
      entry: ['countAttempt', 'requestCancelAll'],
      on: {
        'kill.cancel_done': [{ guard: 'mustFlatten', target: 'Flattening' }, { target: 'Verifying' }],
        'kill.cancel_failed': [
          { guard: 'attemptsExhausted', target: 'Latched', actions: ['recordFailure', 'latch'] },
          { target: 'Backoff', actions: 'recordFailure' },
        ],
        'kill.trigger': { actions: ignoredIn('Cancelling', 'in_progress') },
        'kill.rearm': { actions: ignoredIn('Cancelling', 'not_latched') },
      },
    },
    // Once per run: a retry after a verification does not flatten again.
    Flattening: {
      entry: 'requestFlatten',
      on: {
        'kill.flatten_done': { target: 'Verifying', actions: 'flattenDone' },
        // Flattening is best effort: the orders must still be verified gone and the bot latched.
        'kill.flatten_failed': { target: 'Verifying', actions: ['flattenFailed', 'warnFlattenFailed'] },
        'kill.trigger': { actions: ignoredIn('Flattening', 'in_progress') },
        'kill.rearm': { actions: ignoredIn('Flattening', 'not_latched') },
      },
    },
    Verifying: {
      entry: 'requestVerify',
      on: {
        'kill.verified': [
          { guard: 'isClear', target: 'Latched', actions: ['recordVerified', 'latch'] },
          { guard: 'attemptsExhausted', target: 'Latched', actions: ['recordVerified', 'latch'] },
          { target: 'Backoff', actions: 'recordVerified' },
        ],
        'kill.cancel_failed': [
          { guard: 'attemptsExhausted', target: 'Latched', actions: ['recordFailure', 'latch'] },
          { target: 'Backoff', actions: 'recordFailure' },
        ],
        'kill.trigger': { actions: ignoredIn('Verifying', 'in_progress') },
        'kill.rearm': { actions: ignoredIn('Verifying', 'not_latched') },
      },
    },
    Backoff: {
      entry: 'warnRetrying',
      after: { retryBackoff: 'Cancelling' },
      on: {
        'kill.retry': 'Cancelling',
        'kill.trigger': { actions: ignoredIn('Backoff', 'in_progress') },
        'kill.rearm': { actions: ignoredIn('Backoff', 'not_latched') },
      },
    },
    // The latch: nothing but an operator's rearm leaves it (no timeout, no auto-recovery).
    Latched: {
      entry: 'reportLatched',
      on: {
        'kill.rearm': { target: 'Armed', actions: ['reportRearmed', 'unlatch'] },
        'kill.trigger': { actions: ignoredIn('Latched', 'already_latched') },
        'kill.restore_latched': { actions: ignoredIn('Latched', 'already_latched') },
      },
    },
    // Dry-run: the same read as a verification, and nothing cancelled.
    DryRunInspecting: {
      entry: 'requestVerify',
      on: {
        'kill.verified': { target: 'DryRunReported', actions: 'recordVerified' },
        'kill.cancel_failed': { target: 'DryRunReported', actions: 'recordFailure' },
        'kill.trigger': { actions: ignoredIn('DryRunInspecting', 'in_progress') },
        'kill.rearm': { actions: ignoredIn('DryRunInspecting', 'not_latched') },
      },
    },
    DryRunReported: {
      entry: 'reportDryRun',
      always: { target: 'Armed', actions: 'unlatch' },
    },
  },
});
