/**
 * The portfolio risk monitor (desk-hardening-plan Day 5 and Day 70): keeps each bot's latest
 * risk snapshot, runs `evaluatePortfolio` on every `risk.evaluate` and names what changed.
 *
 * States: `Monitoring` (nothing paused; warnings may be active), `Breached` (some soft_pause or
 * kill decision active), `KillTriggered` (a kill was issued; latched until `risk.rearm`).
 *
 * Effects (emitted; the actor performs and audits them, the machine does no I/O):
 * - `effect.decision` for each decision that was not active at the previous evaluation
 *   (identity: `decisionKey` — action, rule, asset, side, bots; a moving value is not new);
 * - `effect.cleared` with the previous decision when it is no longer produced — for a
 *   `net_exposure`/`concentration` soft pause only once it has not been produced for
 *   `limits.exposureHoldMs` (see `heldAfterQuiet`);
 * - `effect.kill` once when a kill decision appears while not latched; while latched, kills
 *   are still audited as decisions but no further `effect.kill` is named.
 * Within one evaluation the order is: cleared, then new decisions, then the kill.
 *
 * `risk.rearm` (only in `KillTriggered`) lifts the latch and forgets the active kill decisions,
 * so a breach that still holds at the next evaluation kills again — fail closed: the operator
 * rearms after the loss is dealt with (or the day rolls), not to silence it.
 */
import { assign, enqueueActions, setup } from 'xstate';
import {
  decisionKey,
  evaluatePortfolio,
  type BotRiskSnapshot,
  type PortfolioDecision,
  type PortfolioLimits,
  type PortfolioMetrics,
} from '../domain/risk/portfolio.ts';

export interface PortfolioRiskInput {
  readonly limits: PortfolioLimits;
}

export interface PortfolioRiskCtx {
  readonly limits: PortfolioLimits;
  /** The latest snapshot per bot id. */
  readonly snapshots: Readonly<Record<string, BotRiskSnapshot>>;
  /** The decisions active after the last evaluation, by `decisionKey`. */
  readonly active: ReadonlyMap<string, PortfolioDecision>;
  /** Held exposure pauses whose rule has stopped firing: since when (epoch ms), by `decisionKey`. */
  readonly quietSince: ReadonlyMap<string, number>;
  /** The kill decision that set the latch, while `KillTriggered`. */
  readonly latched: PortfolioDecision | null;
  /** The metrics of the last evaluation. */
  readonly metrics: PortfolioMetrics | null;
  /** The effects of the last evaluation, emitted in order (scratch, rewritten each time). */
  readonly outbox: readonly PortfolioRiskEffect[];
}

export type PortfolioRiskEvent =
  | { readonly type: 'risk.snapshot'; readonly snapshot: BotRiskSnapshot }
  | { readonly type: 'risk.evaluate'; readonly now: number }
  | { readonly type: 'risk.rearm' };

export type PortfolioRiskEffect =
  | { readonly type: 'effect.decision'; readonly decision: PortfolioDecision }
  | { readonly type: 'effect.cleared'; readonly decision: PortfolioDecision }
  | { readonly type: 'effect.kill'; readonly bots: readonly string[]; readonly decision: PortfolioDecision };

export type PortfolioRiskStateName = 'Monitoring' | 'Breached' | 'KillTriggered';

/** One evaluation's outcome: the new active set, the latch and the effects to emit. */
export interface PortfolioRiskStep {
  readonly active: ReadonlyMap<string, PortfolioDecision>;
  readonly quietSince: ReadonlyMap<string, number>;
  readonly latched: PortfolioDecision | null;
  readonly metrics: PortfolioMetrics;
  readonly effects: readonly PortfolioRiskEffect[];
}

/** Evaluates at `now` and diffs against the active decisions (pure; the machine's core). */
export function portfolioRiskStep(ctx: PortfolioRiskCtx, now: number): PortfolioRiskStep {
  const { metrics, decisions } = evaluatePortfolio(Object.values(ctx.snapshots), ctx.limits, now);
  const active = new Map(decisions.map((d) => [decisionKey(d), d]));
  const quietSince = new Map<string, number>();
  const effects: PortfolioRiskEffect[] = [];
  for (const [key, d] of ctx.active) {
    if (active.has(key)) continue;
    if (heldAfterQuiet(d)) {
      const since = ctx.quietSince.get(key) ?? now;
      if (now - since < ctx.limits.exposureHoldMs) {
        active.set(key, d); // still held: the pause itself is what lowered the value
        quietSince.set(key, since);
        continue;
      }
    }
    effects.push({ type: 'effect.cleared', decision: d });
  }
  for (const [key, d] of active) if (!ctx.active.has(key)) effects.push({ type: 'effect.decision', decision: d });
  let latched = ctx.latched;
  const kill = latched === null ? decisions.find((d) => d.action === 'kill') : undefined;
  if (kill !== undefined) {
    latched = kill;
    effects.push({ type: 'effect.kill', bots: kill.bots, decision: kill });
  }
  return { active, quietSince, latched, metrics, effects };
}

/**
 * Exposure pauses are held for `exposureHoldMs` after their rule stops firing: the soft pause
 * cancels the resting orders the worst case counted, so the value falls because of the pause,
 * not because the risk went away. Other rules (stale snapshot, daily loss…) are not changed by
 * the pause and clear as soon as they stop firing.
 */
const heldAfterQuiet = (d: PortfolioDecision): boolean => d.action === 'soft_pause' && (d.rule === 'net_exposure' || d.rule === 'concentration');

const pauses = (active: ReadonlyMap<string, PortfolioDecision>): boolean => [...active.values()].some((d) => d.action !== 'warn');

export const portfolioRiskMachine = setup({
  types: {
    context: {} as PortfolioRiskCtx,
    input: {} as PortfolioRiskInput,
    events: {} as PortfolioRiskEvent,
    emitted: {} as PortfolioRiskEffect,
  },
  actions: {
    storeSnapshot: assign(({ context, event }) => {
      if (event.type !== 'risk.snapshot') return {};
      const prev = context.snapshots[event.snapshot.botId];
      // Out-of-order delivery: an older reading never replaces a newer one.
      if (prev !== undefined && prev.ts > event.snapshot.ts) return {};
      return { snapshots: { ...context.snapshots, [event.snapshot.botId]: event.snapshot } };
    }),
    evaluate: assign(({ context, event }) => {
      if (event.type !== 'risk.evaluate') return {};
      const step = portfolioRiskStep(context, event.now);
      return { active: step.active, quietSince: step.quietSince, latched: step.latched, metrics: step.metrics, outbox: step.effects };
    }),
    flush: enqueueActions(({ context, enqueue }) => {
      for (const effect of context.outbox) enqueue.emit(effect);
    }),
    rearm: assign(({ context }) => ({
      latched: null,
      active: new Map([...context.active].filter(([, d]) => d.action !== 'kill')),
      outbox: [],
    })),
  },
  guards: {
    latched: ({ context }) => context.latched !== null,
    pauses: ({ context }) => pauses(context.active),
    calm: ({ context }) => !pauses(context.active),
    // Checked before `rearm` drops the kill decisions: what stays active once it has.
    softPauses: ({ context }) => [...context.active.values()].some((d) => d.action === 'soft_pause'),
  },
}).createMachine({
  id: 'portfolioRisk',
  context: ({ input }) => ({ limits: input.limits, snapshots: {}, active: new Map(), quietSince: new Map(), latched: null, metrics: null, outbox: [] }),
  initial: 'Monitoring',
  on: {
    'risk.snapshot': { actions: 'storeSnapshot' },
    'risk.evaluate': { actions: ['evaluate', 'flush'] },
  },
  states: {
    Monitoring: {
      always: [
        { guard: 'latched', target: 'KillTriggered' },
        { guard: 'pauses', target: 'Breached' },
      ],
    },
    Breached: {
      always: [
        { guard: 'latched', target: 'KillTriggered' },
        { guard: 'calm', target: 'Monitoring' },
      ],
    },
    // Latched: evaluations go on (decisions and clears are still audited), only rearm leaves.
    KillTriggered: {
      on: {
        'risk.rearm': [
          { guard: 'softPauses', target: 'Breached', actions: 'rearm' },
          { target: 'Monitoring', actions: 'rearm' },
        ],
      },
    },
  },
});
