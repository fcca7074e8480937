import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { RestartPolicy } from './restart-policy.ts';
import { decideFailure, supervisorMachine, type SupervisorEffect, type SupervisorEvent } from './supervisor.machine.ts';

const POLICY: RestartPolicy = { strategy: 'one_for_one', initial_backoff_ms: 100, max_backoff_ms: 500, multiplier: 2, max_restarts: 4, window_ms: 10_000 };

function start(policy: RestartPolicy = POLICY) {
  const effects: SupervisorEffect[] = [];
  const actor = createActor(supervisorMachine, { input: { policy } });
  actor.on('*', (e) => effects.push(e));
  actor.start();
  const send = (...events: SupervisorEvent[]) => {
    for (const e of events) actor.send(e);
  };
  return { actor, effects, send, value: () => actor.getSnapshot().value, child: (id: string) => actor.getSnapshot().context.children[id] };
}

const failed = (child: string, at: number, error?: unknown): SupervisorEvent => ({ type: 'child.failed', child, at, ...(error === undefined ? {} : { error }) });
const elapsed = (child: string, at: number): SupervisorEvent => ({ type: 'backoff.elapsed', child, at });
/** Fails `child` at `at` and reports its restart done after the emitted delay. */
function failAndRestart(m: ReturnType<typeof start>, child: string, at: number) {
  m.send(failed(child, at));
  const last = m.effects.at(-1);
  if (last?.type === 'effect.restart') m.send(elapsed(child, at + last.delayMs));
}

describe('supervisorMachine', () => {
  it('starts Supervising with no children and emits nothing', () => {
    const m = start();
    expect(m.value()).toBe('Supervising');
    expect(m.effects).toEqual([]);
  });

  it('backs off 100, 200, 400, then caps at 500', () => {
    const m = start();
    for (const at of [0, 1_000, 2_000, 3_000]) failAndRestart(m, 'feed', at);
    expect(m.effects).toEqual([100, 200, 400, 500].map((delayMs) => ({ type: 'effect.restart', child: 'feed', delayMs })));
    expect(m.child('feed')).toEqual({ status: 'Running', restarts: [0, 1_000, 2_000, 3_000] });
  });

  it('escalates when restarts in the window run out, and then ignores everything', () => {
    const m = start();
    for (const at of [0, 1, 2, 3]) failAndRestart(m, 'feed', at * 1_000);
    m.send(failed('feed', 5_000, new Error('boom')));
    expect(m.value()).toBe('Escalated');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.escalate', child: 'feed', reason: 'restarts_exhausted', restarts: 4, error: new Error('boom') });
    expect(m.child('feed')?.status).toBe('Escalated');
    expect(m.actor.getSnapshot().context.escalated).toBe('feed');
    const n = m.effects.length;
    m.send(failed('orders', 6_000), elapsed('feed', 7_000));
    expect(m.effects).toHaveLength(n);
  });

  it('max_restarts 0 escalates on the first failure', () => {
    const m = start({ ...POLICY, max_restarts: 0 });
    m.send(failed('feed', 0));
    expect(m.effects).toEqual([{ type: 'effect.escalate', child: 'feed', reason: 'restarts_exhausted', restarts: 0 }]);
  });

  it('window expiry resets the count and the backoff', () => {
    const m = start();
    for (const at of [0, 1, 2, 3]) failAndRestart(m, 'feed', at * 1_000);
    // 10 s after the first restart it leaves the window: one restart is free again; three remain, so 800 → capped 500.
    failAndRestart(m, 'feed', 10_000);
    expect(m.value()).toBe('Supervising');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.restart', child: 'feed', delayMs: 500 });
    // Long after: every restart has expired, so the backoff starts over.
    failAndRestart(m, 'feed', 100_000);
    expect(m.effects.at(-1)).toEqual({ type: 'effect.restart', child: 'feed', delayMs: 100 });
    expect(m.child('feed')?.restarts).toEqual([100_000]);
  });

  it('one_for_one: children are counted apart', () => {
    const m = start({ ...POLICY, max_restarts: 1 });
    failAndRestart(m, 'a', 0);
    failAndRestart(m, 'b', 10);
    expect(m.value()).toBe('Supervising');
    expect(m.effects.map((e) => e.type)).toEqual(['effect.restart', 'effect.restart']);
    m.send(failed('b', 20));
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.escalate', child: 'b' });
    expect(m.child('a')?.status).toBe('Running');
  });

  it('a failure while backing off is stale and ignored; backoff.elapsed for a running child is a no-op', () => {
    const m = start();
    m.send(elapsed('feed', 0), failed('feed', 0), failed('feed', 50));
    expect(m.effects).toHaveLength(1);
    expect(m.child('feed')).toEqual({ status: 'BackingOff', restarts: [0] });
    m.send(elapsed('feed', 100));
    expect(m.child('feed')?.status).toBe('Running');
  });

  it('property: restarts in any window never exceed max_restarts; delays never exceed max_backoff_ms', () => {
    const policy = fc.record({
      strategy: fc.constant('one_for_one' as const),
      initial_backoff_ms: fc.integer({ min: 1, max: 1_000 }),
      extra_backoff_ms: fc.integer({ min: 0, max: 5_000 }),
      multiplier: fc.double({ min: 1, max: 4, noNaN: true }),
      max_restarts: fc.integer({ min: 0, max: 6 }),
      window_ms: fc.integer({ min: 1, max: 20_000 }),
    });
    const gaps = fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 60 });
    fc.assert(
      fc.property(policy, gaps, ({ extra_backoff_ms, ...p }, gapsMs) => {
        const pol: RestartPolicy = { ...p, max_backoff_ms: p.initial_backoff_ms + extra_backoff_ms };
        const m = start(pol);
        const restartTimes: number[] = [];
        let t = 0;
        for (const gap of gapsMs) {
          t += gap;
          const n = m.effects.length;
          m.send(failed('feed', t));
          const e = m.effects[n];
          if (e?.type === 'effect.restart') {
            expect(e.delayMs).toBeGreaterThanOrEqual(1);
            expect(e.delayMs).toBeLessThanOrEqual(pol.max_backoff_ms);
            restartTimes.push(t);
            t += e.delayMs;
            m.send(elapsed('feed', t));
          }
          if (m.value() === 'Escalated') break;
        }
        for (const end of restartTimes) {
          const inWindow = restartTimes.filter((r) => r <= end && end - r < pol.window_ms).length;
          expect(inWindow).toBeLessThanOrEqual(pol.max_restarts);
        }
        // Escalation happens exactly when the window is full.
        if (m.value() === 'Escalated') expect(decideFailure(pol, restartTimes, t).kind).toBe('escalate');
      }),
      { numRuns: 300 },
    );
  });
});
