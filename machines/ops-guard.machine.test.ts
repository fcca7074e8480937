import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { HARD_REASONS, SOFT_REASONS } from '../domain/strategy/epp/decisions.ts';
import { opsGuardMachine, type OpsGuardEffect, type OpsGuardEvent } from './ops-guard.machine.ts';

function start() {
  const effects: OpsGuardEffect[] = [];
  const actor = createActor(opsGuardMachine);
  actor.on('*', (e) => effects.push(e));
  actor.start();
  const send = (...events: OpsGuardEvent[]) => {
    for (const e of events) actor.send(e);
  };
  return { actor, effects, send, value: () => actor.getSnapshot().value, soft: () => [...actor.getSnapshot().context.soft].sort() };
}

const raised = (reason: (typeof SOFT_REASONS)[number]): OpsGuardEvent => ({ type: 'ops.soft_raised', reason });
const cleared = (reason: (typeof SOFT_REASONS)[number]): OpsGuardEvent => ({ type: 'ops.soft_cleared', reason });
const hard = (reason: (typeof HARD_REASONS)[number]): OpsGuardEvent => ({ type: 'ops.hard', reason });
const RESUME: OpsGuardEvent = { type: 'ops.resume' };

describe('opsGuardMachine', () => {
  it('starts Running, emitting nothing; clearing or resuming there is a no-op', () => {
    const m = start();
    m.send(cleared('book_stale'), RESUME);
    expect(m.value()).toBe('Running');
    expect(m.effects).toEqual([]);
  });

  it.each(SOFT_REASONS)('Running → SoftPause on %s, cancelling all once', (reason) => {
    const m = start();
    m.send(raised(reason));
    expect(m.value()).toBe('SoftPause');
    expect(m.effects).toEqual([{ type: 'effect.cancel_all', reason }]);
  });

  it('SoftPause → Running only once every soft reason has cleared', () => {
    const m = start();
    m.send(raised('book_stale'), raised('edge_gate'), raised('book_stale'));
    expect(m.effects).toHaveLength(1);
    m.send(cleared('book_stale'), cleared('margin_ratio'));
    expect(m.value()).toBe('SoftPause');
    expect(m.soft()).toEqual(['edge_gate']);
    m.send(RESUME);
    expect(m.value()).toBe('SoftPause');
    m.send(cleared('edge_gate'));
    expect(m.value()).toBe('Running');
    expect(m.effects).toHaveLength(1);
  });

  it.each(HARD_REASONS)('Running → HardStop on %s, cancelling all with the reason', (reason) => {
    const m = start();
    m.send(hard(reason));
    expect(m.value()).toBe('HardStop');
    expect(m.effects).toEqual([{ type: 'effect.cancel_all', reason }]);
  });

  it('SoftPause → HardStop on a hard reason', () => {
    const m = start();
    m.send(raised('position_drift'), hard('drawdown'));
    expect(m.value()).toBe('HardStop');
    expect(m.effects.map((e) => e.reason)).toEqual(['position_drift', 'drawdown']);
  });

  it('latches: HardStop ignores soft clears and further hard reasons', () => {
    const m = start();
    m.send(hard('daily_loss'), hard('turnover'), raised('book_stale'), cleared('book_stale'), cleared('edge_gate'));
    expect(m.value()).toBe('HardStop');
    expect(m.actor.getSnapshot().context.hard).toBe('daily_loss');
    expect(m.effects).toHaveLength(1);
  });

  it('resume from HardStop → Running when no soft reason is active', () => {
    const m = start();
    m.send(hard('operator_kill'), RESUME);
    expect(m.value()).toBe('Running');
    expect(m.actor.getSnapshot().context.hard).toBeNull();
    expect(m.effects).toHaveLength(1);
  });

  it('tracks soft reasons while hard-stopped: resume → SoftPause, cancelling all again', () => {
    const m = start();
    m.send(hard('leverage'), raised('cancel_budget'), raised('book_crossed'), cleared('cancel_budget'), RESUME);
    expect(m.value()).toBe('SoftPause');
    expect(m.soft()).toEqual(['book_crossed']);
    expect(m.effects).toEqual([
      { type: 'effect.cancel_all', reason: 'leverage' },
      { type: 'effect.cancel_all', reason: 'book_crossed' },
    ]);
  });

  it('keeps soft reasons raised before the stop across it', () => {
    const m = start();
    m.send(raised('no_equity'), hard('margin_ratio'), RESUME);
    expect(m.value()).toBe('SoftPause');
    m.send(cleared('no_equity'));
    expect(m.value()).toBe('Running');
  });
});

describe('opsGuardMachine property', () => {
  const eventArb: fc.Arbitrary<OpsGuardEvent> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SOFT_REASONS.slice(0, 3)).map(raised) },
    { weight: 4, arbitrary: fc.constantFrom(...SOFT_REASONS.slice(0, 3)).map(cleared) },
    { weight: 1, arbitrary: fc.constantFrom(...HARD_REASONS).map(hard) },
    { weight: 2, arbitrary: fc.constant(RESUME) },
  );

  it('HardStop iff hard since the last resume, else SoftPause iff reasons active; one cancel_all per entry', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 50 }), (events) => {
        const m = start();
        let hardSinceResume = false;
        const active = new Set<string>();
        for (const event of events) {
          if (event.type === 'ops.hard') hardSinceResume = true;
          if (event.type === 'ops.resume') hardSinceResume = false;
          if (event.type === 'ops.soft_raised') active.add(event.reason);
          if (event.type === 'ops.soft_cleared') active.delete(event.reason);
          const before = m.value();
          const emitted = m.effects.length;
          m.send(event);
          const after = m.value();
          expect(after).toBe(hardSinceResume ? 'HardStop' : active.size > 0 ? 'SoftPause' : 'Running');
          const entered = after !== before && after !== 'Running';
          expect(m.effects.length - emitted).toBe(entered ? 1 : 0);
          expect(m.effects.every((e) => e.type === 'effect.cancel_all')).toBe(true);
        }
        expect(m.soft()).toEqual([...active].sort());
        m.actor.stop();
      }),
      { numRuns: 300 },
    );
  });
});
