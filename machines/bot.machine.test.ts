import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { Decimal } from '../domain/money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from '../domain/strategy/epp/config.ts';
import type { EppDecision } from '../domain/strategy/epp/decisions.ts';
import { T0, TEST_RULES, applyDecisions, bookAt, patternMid, tickAt } from '../domain/strategy/epp/fixtures.ts';
import type { EppState } from '../domain/strategy/epp/state.ts';
import { eppStep } from '../domain/strategy/epp/step.ts';
import type { EppInputs, EppIntent, OpenOrder } from '../domain/strategy/epp/types.ts';
import { type BotEffect, type BotEvent, type BotInput, botEppInit, botMachine } from './bot.machine.ts';

const C = EPP_DEFAULTS;
const NO_TRADE: EppConfig = { ...C, variant: 'no_trade' };
/** The last warm-up tick (T0+14m40s) is the first that runs: the warm-up ticks stop before it. */
const WARM_END = T0 + 14 * 60_000 + 40_000;
const input = (config: EppConfig): BotInput => ({ config, rules: TEST_RULES, botId: 'bot1', now: T0 });

/** An actor driven like `simStep`: a tick every 20 s on the warm pattern, orders follow the emitted decisions. */
function start(config: EppConfig = C) {
  const effects: BotEffect[] = [];
  const actor = createActor(botMachine, { input: input(config) });
  actor.on('*', (e) => effects.push(e));
  actor.start();
  let now = T0;
  let orders: OpenOrder[] = [];
  const send = (...events: BotEvent[]) => {
    for (const e of events) actor.send(e);
  };
  /** One tick; returns the decisions it emitted. */
  const tick = (mid?: string): EppDecision[] => {
    const from = effects.length;
    actor.send({ type: 'bot.tick', inputs: tickAt(now, mid ?? patternMid(now), { openOrders: orders }) });
    const ds = effects.slice(from).flatMap((e) => (e.type === 'effect.decision' ? [e.decision] : []));
    orders = applyDecisions(orders, ds, now);
    now += 20_000;
    return ds;
  };
  const warm = () => {
    while (now < WARM_END) tick();
  };
  return { actor, effects, send, tick, warm, orders: () => orders, value: () => actor.getSnapshot().value };
}

const types = (ds: readonly EppDecision[], type: EppDecision['type']) => ds.filter((x) => x.type === type);
const cancelReasons = (ds: readonly EppDecision[]) => [...new Set(ds.flatMap((x) => (x.type === 'cancel' ? [x.reason] : [])))];

describe('botMachine', () => {
  it('starts in Starting, warms up, then runs with place effects', () => {
    const m = start();
    expect(m.value()).toBe('Starting');
    expect(m.tick()).toEqual([]);
    expect(m.value()).toBe('WarmingUp');
    m.warm();
    expect(m.value()).toBe('WarmingUp');
    const ds = m.tick('100.1');
    expect(m.value()).toBe('Running');
    expect(ds[0]).toEqual({ type: 'regime.changed', from: null, to: 'neutral_low_vol' });
    expect(types(ds, 'place')).toHaveLength(8);
    expect(m.orders()).toHaveLength(8);
  });

  it('queues a pause until the next tick: SoftPaused with cancels, then resume → Running', () => {
    const m = start();
    m.warm();
    m.tick('100.1');
    const before = m.effects.length;
    m.send({ type: 'cmd.pause' });
    expect(m.value()).toBe('Running');
    expect(m.effects).toHaveLength(before);
    const paused = m.tick();
    expect(m.value()).toBe('SoftPaused');
    expect(paused[0]).toEqual({ type: 'ops.soft_pause', reasons: ['operator_pause'] });
    expect(types(paused, 'cancel')).toHaveLength(8);
    expect(cancelReasons(paused)).toEqual(['soft_pause']);
    expect(types(paused, 'place')).toEqual([]);
    m.send({ type: 'cmd.resume' });
    expect(m.value()).toBe('SoftPaused');
    const resumed = m.tick();
    expect(m.value()).toBe('Running');
    expect(resumed[0]).toEqual({ type: 'ops.resume' });
    expect(types(resumed, 'place').length).toBeGreaterThan(0);
  });

  it('kill latches HardStopped (cancels emitted, ticks keep it there) until resume', () => {
    const m = start();
    m.warm();
    m.tick('100.1');
    m.send({ type: 'cmd.kill' });
    const killed = m.tick();
    expect(m.value()).toBe('HardStopped');
    expect(killed[0]).toEqual({ type: 'ops.hard_stop', reason: 'operator_kill' });
    expect(types(killed, 'cancel')).toHaveLength(8);
    expect(cancelReasons(killed)).toEqual(['hard_stop']);
    for (let i = 0; i < 5; i++) {
      expect(types(m.tick(), 'place')).toEqual([]);
      expect(m.value()).toBe('HardStopped');
    }
    m.send({ type: 'cmd.pause' }, { type: 'cmd.resume' });
    expect(m.value()).toBe('HardStopped');
    const resumed = m.tick();
    expect(resumed[0]).toEqual({ type: 'ops.resume' });
    expect(m.value()).toBe('Running');
  });

  it.each(['Starting', 'Running', 'HardStopped'] as const)('stop from %s → Stopped with one cancel_all; the queue is dropped', (from) => {
    const m = start();
    if (from !== 'Starting') {
      m.warm();
      m.tick('100.1');
      if (from === 'HardStopped') {
        m.send({ type: 'cmd.kill' });
        m.tick();
      }
    }
    expect(m.value()).toBe(from);
    m.send({ type: 'cmd.kill' });
    const before = m.effects.length;
    m.send({ type: 'bot.stop' });
    expect(m.value()).toBe('Stopped');
    expect(m.actor.getSnapshot().status).toBe('done');
    expect(m.actor.getSnapshot().context.pending).toEqual([]);
    expect(m.effects.slice(before)).toEqual([{ type: 'effect.cancel_all', botId: 'bot1' }]);
  });

  it('a disabled variant sits in Disabled, cancelling whatever is live', () => {
    const m = start({ ...C, variant: 'disabled' });
    m.tick();
    expect(m.value()).toBe('Disabled');
  });
});

const moveArb = fc.integer({ min: -80, max: 80 });
const intentArb: fc.Arbitrary<EppIntent> = fc.oneof(
  fc.constant<EppIntent>({ type: 'pause' }),
  fc.constant<EppIntent>({ type: 'resume' }),
  fc.constant<EppIntent>({ type: 'kill' }),
  fc.integer({ min: 0, max: 100 }).map((p): EppIntent => ({ type: 'set_target_base_pct', value: new Decimal(p).dividedBy(100) })),
);
const toCmd = (i: EppIntent): BotEvent => (i.type === 'set_target_base_pct' ? { type: 'cmd.set_target_base_pct', value: i.value } : { type: `cmd.${i.type}` });

describe('botMachine, properties', () => {
  it('a no_trade config never emits a place effect over random mid paths', () => {
    let runningTicks = 0;
    fc.assert(
      fc.property(fc.array(moveArb, { minLength: 1, maxLength: 30 }), (moves) => {
        const m = start(NO_TRADE);
        m.warm();
        let mid = new Decimal('100.1');
        for (const bps of moves) {
          mid = mid.times(new Decimal(10_000 + bps).dividedBy(10_000)).toDecimalPlaces(2);
          m.tick(mid.toString());
          if (m.value() === 'Running') runningTicks += 1;
        }
        expect(m.effects.some((e) => e.type === 'effect.decision' && e.decision.type === 'place')).toBe(false);
      }),
      { numRuns: 200 },
    );
    // Not vacuous: the paths do quote (and would place under a trading variant).
    expect(runningTicks).toBeGreaterThan(0);
  });

  it('emits exactly the decisions eppStep returns on the same inputs (queued commands = that tick’s intents)', () => {
    const tickArb = fc.record({
      dtMs: fc.integer({ min: 500, max: 45_000 }),
      moveBps: moveArb,
      cmds: fc.oneof({ weight: 8, arbitrary: fc.constant<EppIntent[]>([]) }, { weight: 2, arbitrary: fc.array(intentArb, { minLength: 1, maxLength: 2 }) }),
    });
    const statesSeen = new Set<string>();
    fc.assert(
      fc.property(fc.array(tickArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 30, max: 44 }), (path, warmTicks) => {
        // A warm prefix on the pattern (commands still random), so most paths reach the quoting pipeline.
        const ticks = [...Array.from({ length: warmTicks }, (_, i) => ({ dtMs: 20_000, moveBps: 0, cmds: path[i]?.cmds.filter((c) => c.type === 'set_target_base_pct') ?? [] })), ...path];
        const actor = createActor(botMachine, { input: input(C) });
        const effects: BotEffect[] = [];
        actor.on('*', (e) => effects.push(e));
        actor.start();
        let ref: EppState = botEppInit(input(C));
        let now = T0;
        let mid = new Decimal('100.1');
        let orders: OpenOrder[] = [];
        for (const [i, t] of ticks.entries()) {
          now += t.dtMs;
          if (i >= warmTicks) mid = mid.times(new Decimal(10_000 + t.moveBps).dividedBy(10_000)).toDecimalPlaces(2);
          const inputs: EppInputs = { now, book: bookAt(now, i < warmTicks ? patternMid(now) : mid), balances: tickAt(now, mid).balances, openOrders: orders, fills: [] };
          for (const c of t.cmds) actor.send(toCmd(c));
          const from = effects.length;
          actor.send({ type: 'bot.tick', inputs });
          const r = eppStep(ref, { ...inputs, intents: t.cmds }, C, TEST_RULES);
          const emitted = effects.slice(from).map((e) => (e.type === 'effect.decision' ? e.decision : e));
          expect(emitted).toEqual(r.decisions);
          const snap = actor.getSnapshot();
          expect(snap.context.status).toBe(r.status);
          expect(snap.value).toBe({ disabled: 'Disabled', warming_up: 'WarmingUp', running: 'Running', soft_paused: 'SoftPaused', hard_stopped: 'HardStopped' }[r.status]);
          statesSeen.add(r.status);
          ref = r.state;
          orders = applyDecisions(orders, r.decisions, now);
        }
      }),
      { numRuns: 200 },
    );
    expect([...statesSeen].sort()).toEqual(['hard_stopped', 'running', 'soft_paused', 'warming_up']);
  });
});
