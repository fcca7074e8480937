import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.ts';

function recorder(clock: VirtualClock) {
  const fired: [string, number][] = [];
  const at = (ms: number, name: string) => clock.setTimer(ms, () => fired.push([name, clock.now()]));
  return { fired, at };
}

describe('VirtualClock', () => {
  it('time stands still until advanced', () => {
    const c = new VirtualClock(1_000);
    expect(c.now()).toBe(1_000);
    c.advanceBy(250);
    expect(c.now()).toBe(1_250);
    c.advanceTo(2_000);
    expect(c.now()).toBe(2_000);
  });

  it('fires due timers in time order, FIFO among equal times, each at its own time', () => {
    const c = new VirtualClock();
    const r = recorder(c);
    r.at(30, 'c');
    r.at(10, 'a');
    r.at(20, 'b1');
    r.at(20, 'b2');
    r.at(50, 'late');
    c.advanceTo(40);
    expect(r.fired).toEqual([['a', 10], ['b1', 20], ['b2', 20], ['c', 30]]);
    expect(c.now()).toBe(40);
    expect(c.pending).toBe(1);
  });

  it('a timer due exactly at the target fires', () => {
    const c = new VirtualClock();
    const r = recorder(c);
    r.at(10, 'x');
    c.advanceTo(10);
    expect(r.fired).toEqual([['x', 10]]);
  });

  it('a cancelled timer never fires; cancelling twice or after firing is a no-op', () => {
    const c = new VirtualClock();
    const r = recorder(c);
    const cancelA = r.at(10, 'a');
    const cancelB = r.at(20, 'b');
    cancelA();
    cancelA();
    c.advanceTo(30);
    cancelB();
    expect(r.fired).toEqual([['b', 20]]);
    expect(c.pending).toBe(0);
  });

  it('a firing timer may cancel a later one due in the same advance', () => {
    const c = new VirtualClock();
    const r = recorder(c);
    let cancelLater = (): void => undefined;
    c.setTimer(10, () => cancelLater());
    cancelLater = r.at(20, 'later');
    c.advanceTo(30);
    expect(r.fired).toEqual([]);
  });

  it('timers scheduled by a firing timer fire in the same advance when due', () => {
    const c = new VirtualClock();
    const r = recorder(c);
    c.setTimer(10, () => {
      r.at(15, 'child');
      r.at(5, 'past'); // already past: fires at now (10), after timers due at 10
      r.at(100, 'beyond');
    });
    r.at(10, 'sibling');
    r.at(20, 'after');
    c.advanceTo(50);
    expect(r.fired).toEqual([['sibling', 10], ['past', 10], ['child', 15], ['after', 20]]);
    expect(c.pending).toBe(1);
  });

  it('a timer set in the past outside an advance fires on the next advance, even by 0', () => {
    const c = new VirtualClock(100);
    const r = recorder(c);
    r.at(50, 'past');
    expect(r.fired).toEqual([]);
    c.advanceBy(0);
    expect(r.fired).toEqual([['past', 100]]);
  });

  it('advancing backwards throws a RangeError naming the field, and changes nothing', () => {
    const c = new VirtualClock(100);
    expect(() => c.advanceTo(99)).toThrow(RangeError);
    expect(() => c.advanceTo(99)).toThrow(/^ms: expected a time ≥ now \(100\), got 99$/);
    expect(() => c.advanceBy(-1)).toThrow(/^deltaMs: expected a duration ≥ 0, got -1$/);
    expect(() => c.advanceTo(Number.NaN)).toThrow(RangeError);
    expect(() => new VirtualClock(Number.POSITIVE_INFINITY)).toThrow(/^startMs:/);
    expect(c.now()).toBe(100);
  });

  it('advancing from within a timer callback throws', () => {
    const c = new VirtualClock();
    let caught: unknown;
    c.setTimer(10, () => {
      try {
        c.advanceBy(5);
      } catch (e) {
        caught = e;
      }
    });
    c.advanceTo(20);
    expect(caught).toBeInstanceOf(Error);
    expect(c.now()).toBe(20);
  });

  it('property: random schedules fire in non-decreasing time order, each exactly once', () => {
    const schedule = fc.array(
      fc.record({ at: fc.integer({ min: 0, max: 1_000 }), cancel: fc.boolean(), spawn: fc.option(fc.integer({ min: -50, max: 200 })) }),
      { maxLength: 40 },
    );
    const steps = fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(schedule, steps, (timers, advances) => {
        const c = new VirtualClock();
        const fired: { id: string; at: number; due: number }[] = [];
        const expected = new Set<string>();
        timers.forEach((t, i) => {
          const id = `t${i}`;
          const cancel = c.setTimer(t.at, () => {
            fired.push({ id, at: c.now(), due: t.at });
            if (t.spawn !== null) {
              const due = c.now() + t.spawn;
              expected.add(`${id}.child`);
              c.setTimer(due, () => fired.push({ id: `${id}.child`, at: c.now(), due: Math.max(due, 0) }));
            }
          });
          if (t.cancel) cancel();
          else expected.add(id);
        });
        for (const step of advances) c.advanceBy(step);
        c.advanceTo(10_000); // past every timer, spawned ones included
        const times = fired.map((f) => f.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(fired.map((f) => f.id).sort()).toEqual([...expected].sort());
        for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.due);
        expect(c.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
