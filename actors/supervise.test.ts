import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, setup, spawnChild } from 'xstate';
import { VirtualClock } from '../adapters/clock/index.ts';
import { parseRestartPolicy, type RestartPolicy } from '../machines/restart-policy.ts';
import { supervise, type EscalateEffect } from './supervise.ts';

const policyOf = (v: unknown): RestartPolicy => {
  const r = parseRestartPolicy(v);
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  return r.policy;
};
const POLICY = policyOf({ strategy: 'one_for_one', initial_backoff_ms: 100, max_backoff_ms: 1_000, multiplier: 2, max_restarts: 2, window_ms: 10_000 });

/** Lets the rejected promise of a `fromPromise` child reach its parent. */
const settle = () => new Promise((r) => setTimeout(r, 0));

/**
 * A parent that spawns a real `worker` child failing its first `failures` starts, and reports
 * child errors through a `reportFailure` action the test wires to `supervise()`.
 */
function harness(failures: number) {
  const clock = new VirtualClock(1_000);
  const starts: number[] = [];
  const escalations: EscalateEffect[] = [];
  const parent = setup({
    // XState delivers a child's failure to its parent as `xstate.error.actor.<id>`.
    types: { events: {} as { type: 'child.restart' } | { type: `xstate.error.actor.${string}`; error: unknown } },
    actors: {
      worker: fromPromise(async () => {
        starts.push(clock.now());
        if (starts.length <= failures) throw new Error(`boom ${starts.length}`);
        return 'ok';
      }),
    },
    actions: { reportFailure: () => undefined },
  }).createMachine({
    entry: spawnChild('worker', { id: 'worker' }),
    on: {
      'child.restart': { actions: spawnChild('worker', { id: 'worker' }) },
      'xstate.error.actor.*': { actions: 'reportFailure' },
    },
  });
  const host = createActor(
    parent.provide({ actions: { reportFailure: ({ event }) => void sup.report(event) } }),
  );
  const sup = supervise({
    policy: POLICY,
    clock,
    restart: () => host.send({ type: 'child.restart' }),
    escalate: (e) => escalations.push(e),
  });
  host.start();
  return { clock, starts, escalations, sup, child: () => sup.actor.getSnapshot().context.children['worker'] };
}

describe('supervise() with a real failing child', () => {
  it('turns xstate.error.actor.worker into child.failed and restarts after the backoff', async () => {
    const h = harness(1);
    await settle();
    expect(h.starts).toEqual([1_000]);
    expect(h.child()?.status).toBe('BackingOff');
    h.clock.advanceTo(1_099);
    expect(h.starts).toHaveLength(1);
    h.clock.advanceTo(1_100);
    await settle();
    expect(h.starts).toEqual([1_000, 1_100]);
    expect(h.child()?.status).toBe('Running');
    expect(h.escalations).toEqual([]);
  });

  it('backs off 100 then 200 ms, and escalates when the restarts in the window run out', async () => {
    const h = harness(Number.POSITIVE_INFINITY);
    await settle();
    h.clock.advanceBy(100);
    await settle();
    h.clock.advanceBy(200);
    await settle();
    expect(h.starts).toEqual([1_000, 1_100, 1_300]);
    expect(h.escalations).toHaveLength(1);
    expect(h.escalations[0]).toMatchObject({ type: 'effect.escalate', child: 'worker', reason: 'restarts_exhausted', restarts: 2 });
    expect((h.escalations[0]?.error as Error).message).toBe('boom 3');
    expect(h.sup.actor.getSnapshot().value).toBe('Escalated');
    h.clock.advanceBy(60_000);
    await settle();
    expect(h.starts).toHaveLength(3);
    expect(h.clock.pending).toBe(0);
  });

  it('report() ignores events that are not child errors; stop() cancels a pending restart', async () => {
    const h = harness(1);
    expect(h.sup.report({ type: 'child.restart' })).toBe(false);
    await settle();
    expect(h.clock.pending).toBe(1);
    h.sup.stop();
    expect(h.clock.pending).toBe(0);
  });
});
