/**
 * One bot's lifecycle around the pure EPP controller: `Starting` → `WarmingUp` → `Running` ⇄
 * `SoftPaused` → `HardStopped` (latched until an operator resume), `Disabled` for a disabled
 * variant, and the final `Stopped` on `bot.stop`. Every `bot.tick` runs `eppStep` in an assign
 * and moves to the state named by the returned status: the controller decides, the machine
 * never re-implements a rule (the HARD_STOP latch lives in the controller's state too).
 *
 * Each decision of a tick is emitted, in order, as one `effect.decision` for the actor wrapper to
 * perform (places, cancels, ops announcements); the machine performs no I/O.
 *
 * Operator commands (`cmd.pause`, `cmd.resume`, `cmd.kill`, `cmd.set_target_base_pct`) are queued
 * as `EppIntent`s and take effect on the NEXT `bot.tick`, ahead of any intents that tick's inputs
 * carry — the controller is the only place they are interpreted, and only with fresh inputs.
 * `bot.stop` is the exception: it drops the queue, emits one `effect.cancel_all` and stops.
 */
import { assign, emit, enqueueActions, setup } from 'xstate';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import type { Decimal } from '../domain/money/decimal.ts';
import type { EppConfig } from '../domain/strategy/epp/config.ts';
import type { DayCountersJson } from '../domain/strategy/epp/day.ts';
import type { EppDecision } from '../domain/strategy/epp/decisions.ts';
import { type EppState, type EppStatus, eppInit } from '../domain/strategy/epp/state.ts';
import { eppStep } from '../domain/strategy/epp/step.ts';
import type { EppInputs, EppIntent } from '../domain/strategy/epp/types.ts';

export interface BotInput {
  readonly config: EppConfig;
  readonly rules: InstrumentRules;
  /** Must be valid in a client order id (`[.A-Za-z0-9:/_-]`); it prefixes this session's ids. */
  readonly botId: string;
  /** Clock reading at start (ms). */
  readonly now: number;
  /** Persisted daily counters, restored when they belong to `now`'s UTC day. */
  readonly day?: DayCountersJson | null;
}

export interface BotCtx {
  readonly config: EppConfig;
  readonly rules: InstrumentRules;
  readonly botId: string;
  readonly epp: EppState;
  /** Operator intents queued for the next tick, in arrival order. */
  readonly pending: readonly EppIntent[];
  /** The last tick's status, null before the first tick. */
  readonly status: EppStatus | null;
  /** The last tick's decisions (also emitted one by one). */
  readonly decisions: readonly EppDecision[];
}

export type BotEvent =
  | { readonly type: 'bot.tick'; readonly inputs: EppInputs }
  | { readonly type: 'cmd.pause' }
  | { readonly type: 'cmd.resume' }
  | { readonly type: 'cmd.kill' }
  | { readonly type: 'cmd.set_target_base_pct'; readonly value: Decimal | null }
  | { readonly type: 'bot.stop' };

export type BotEffect =
  | { readonly type: 'effect.decision'; readonly decision: EppDecision }
  | { readonly type: 'effect.cancel_all'; readonly botId: string };

/** The client order id prefix of a session: bot id and start time, so a restart never reuses an id. */
export const botIdPrefix = (botId: string, now: number): string => `${botId}-${now.toString(36)}-`;

/**
 * Whether a client order id was made by this bot in any session (`<botId>-<base36 time>-<seq>`).
 * The whole shape is checked, so bot `btc` does not claim the orders of bot `btc-sim`.
 */
export function ownsClientOrderId(botId: string, clientOrderId: string): boolean {
  if (!clientOrderId.startsWith(`${botId}-`)) return false;
  return /^[0-9a-z]+-\d+$/.test(clientOrderId.slice(botId.length + 1));
}

/** The controller's state at start, exactly as the machine builds it. */
export const botEppInit = (input: BotInput): EppState =>
  eppInit(input.config, { now: input.now, idPrefix: botIdPrefix(input.botId, input.now), day: input.day ?? null });

function intentOf(event: BotEvent): EppIntent | null {
  switch (event.type) {
    case 'cmd.pause':
      return { type: 'pause' };
    case 'cmd.resume':
      return { type: 'resume' };
    case 'cmd.kill':
      return { type: 'kill' };
    case 'cmd.set_target_base_pct':
      return { type: 'set_target_base_pct', value: event.value };
    default:
      return null;
  }
}

const statusIs = (status: EppStatus) => ({ context }: { context: BotCtx }) => context.status === status;

export const botMachine = setup({
  types: {
    input: {} as BotInput,
    context: {} as BotCtx,
    events: {} as BotEvent,
    emitted: {} as BotEffect,
  },
  actions: {
    queue: assign(({ context, event }) => {
      const intent = intentOf(event);
      return intent === null ? {} : { pending: [...context.pending, intent] };
    }),
    step: assign(({ context, event }) => {
      if (event.type !== 'bot.tick') return {};
      const own = event.inputs.intents ?? [];
      const inputs: EppInputs = context.pending.length === 0 ? event.inputs : { ...event.inputs, intents: [...context.pending, ...own] };
      const r = eppStep(context.epp, inputs, context.config, context.rules);
      return { epp: r.state, status: r.status, decisions: r.decisions, pending: [] };
    }),
    // Runs after `step` in the same transition, so it sees this tick's decisions.
    emitDecisions: enqueueActions(({ context, enqueue }) => {
      for (const decision of context.decisions) enqueue.emit({ type: 'effect.decision', decision });
    }),
    cancelAll: emit(({ context }) => ({ type: 'effect.cancel_all' as const, botId: context.botId })),
    dropQueue: assign({ pending: [] }),
  },
  guards: {
    isDisabled: statusIs('disabled'),
    isWarmingUp: statusIs('warming_up'),
    isRunning: statusIs('running'),
    isSoftPaused: statusIs('soft_paused'),
    isHardStopped: statusIs('hard_stopped'),
  },
}).createMachine({
  id: 'bot',
  context: ({ input }) => ({ config: input.config, rules: input.rules, botId: input.botId, epp: botEppInit(input), pending: [], status: null, decisions: [] }),
  initial: 'Starting',
  on: {
    'bot.tick': { target: '.Deciding', actions: ['step', 'emitDecisions'] },
    'cmd.pause': { actions: 'queue' },
    'cmd.resume': { actions: 'queue' },
    'cmd.kill': { actions: 'queue' },
    'cmd.set_target_base_pct': { actions: 'queue' },
    'bot.stop': { target: '.Stopped', actions: ['dropQueue', 'cancelAll'] },
  },
  states: {
    Starting: {},
    // Transient: routes to the state named by the status `step` just stored.
    Deciding: {
      always: [
        { guard: 'isDisabled', target: 'Disabled' },
        { guard: 'isWarmingUp', target: 'WarmingUp' },
        { guard: 'isRunning', target: 'Running' },
        { guard: 'isSoftPaused', target: 'SoftPaused' },
        { guard: 'isHardStopped', target: 'HardStopped' },
      ],
    },
    Disabled: {},
    WarmingUp: {},
    Running: {},
    SoftPaused: {},
    // Latched by the controller: ticks keep returning `hard_stopped` until a queued resume lifts it.
    HardStopped: {},
    Stopped: { type: 'final' },
  },
});
