import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../money/decimal.ts';
import { type DriftState, type MidSample, driftBrute, driftInit, driftUpdate, driftValue } from './drift.ts';
import { queueToArray } from './queue.ts';

const TOL = dec('1e-12');

/** Sample streams: non-decreasing timestamps (steps 0..20 s), positive mids on a 0.01 grid. */
const samplesArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 10_000_000 })), { minLength: 1, maxLength: 80 })
  .map((xs) => {
    let ts = 1_700_000_000_000;
    return xs.map(([dt, m]): MidSample => {
      ts += dt;
      return { ts, mid: new Decimal(m).dividedBy(100) };
    });
  });
const windowArb = fc.oneof(fc.constant(30_000), fc.integer({ min: 1, max: 60_000 }));

function run(s: DriftState, samples: readonly MidSample[]): DriftState {
  return samples.reduce((acc, x) => driftUpdate(acc, x.ts, x.mid), s);
}

function sameValue(a: Decimal | null, b: Decimal | null): boolean {
  if (a === null || b === null) return a === b;
  return a.minus(b).abs().lt(TOL);
}

describe('drift', () => {
  it('rejects a non-positive window', () => {
    expect(() => driftInit(0)).toThrow(RangeError);
    expect(() => driftInit(-1)).toThrow(RangeError);
    expect(() => driftInit(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('is null until a sample is windowMs old, then uses the latest sample at or before now − window', () => {
    let s = driftInit(30_000);
    expect(driftValue(s)).toBeNull();
    s = driftUpdate(s, 0, dec(100));
    expect(driftValue(s)).toBeNull();
    s = driftUpdate(s, 10_000, dec(101));
    expect(driftValue(s)).toBeNull();
    s = driftUpdate(s, 29_999, dec(103));
    expect(driftValue(s)).toBeNull();
    s = driftUpdate(s, 30_000, dec(102));
    expect(driftValue(s)?.toString()).toBe('0.02'); // (102 − 100)/100
    s = driftUpdate(s, 45_000, dec(99));
    expect(driftValue(s)?.eq(dec(-2).dividedBy(101))).toBe(true); // ref = (10 000, 101)
    s = driftUpdate(s, 60_000, dec(106));
    expect(driftValue(s)?.eq(dec(4).dividedBy(102))).toBe(true); // ref = (30 000, 102): at the edge counts
  });

  it('drops samples older than the reference', () => {
    let s = driftInit(1_000);
    for (let t = 0; t <= 10_000; t += 100) s = driftUpdate(s, t, dec(100 + t / 100));
    expect(s.ref?.ts).toBe(9_000);
    expect(queueToArray(s.pending).map((x) => x.ts)).toEqual([9_100, 9_200, 9_300, 9_400, 9_500, 9_600, 9_700, 9_800, 9_900, 10_000]);
  });

  it('with equal timestamps the later sample is the reference', () => {
    let s = driftInit(1_000);
    s = driftUpdate(s, 0, dec(100));
    s = driftUpdate(s, 0, dec(200));
    s = driftUpdate(s, 1_000, dec(220));
    expect(driftValue(s)?.toString()).toBe('0.1');
  });

  it('rejects a timestamp that goes back, and a mid ≤ 0', () => {
    const s = driftUpdate(driftInit(1_000), 5_000, dec(1));
    expect(() => driftUpdate(s, 4_999, dec(1))).toThrow(RangeError);
    expect(() => driftUpdate(s, 6_000, dec(0))).toThrow(RangeError);
  });

  it('old states stay valid: branching from one state gives independent, correct results', () => {
    const base = run(driftInit(1_000), [
      { ts: 0, mid: dec(100) },
      { ts: 500, mid: dec(101) },
    ]);
    const frozen = Object.freeze(base);
    const a = driftUpdate(frozen, 1_000, dec(110));
    const b = driftUpdate(frozen, 1_600, dec(90));
    expect(driftValue(a)?.toString()).toBe('0.1');
    expect(driftValue(b)?.eq(dec(-11).dividedBy(101))).toBe(true);
    expect(driftValue(frozen)).toBeNull();
    expect(queueToArray(frozen.pending).length).toBe(2);
  });

  it('running drift equals the brute-force recomputation on every prefix, also after branching', () => {
    fc.assert(
      fc.property(samplesArb, samplesArb, windowArb, (xs, ys, windowMs) => {
        let s = driftInit(windowMs);
        xs.forEach((x, i) => {
          s = driftUpdate(s, x.ts, x.mid);
          expect(sameValue(driftValue(s), driftBrute(xs.slice(0, i + 1), windowMs))).toBe(true);
          // Only samples newer than the window edge wait in the queue.
          for (const p of queueToArray(s.pending)) expect(p.ts).toBeGreaterThan(x.ts - windowMs);
        });
        // Continue the same (old) state with a second stream shifted after the first.
        const last = xs[xs.length - 1] as MidSample;
        const first = ys[0] as MidSample;
        const shifted = ys.map((y) => ({ ts: y.ts - first.ts + last.ts, mid: y.mid }));
        const branch = run(s, shifted);
        const again = run(s, shifted);
        const expected = driftBrute(xs.concat(shifted), windowMs);
        expect(sameValue(driftValue(branch), expected)).toBe(true);
        expect(sameValue(driftValue(again), expected)).toBe(true);
        expect(sameValue(driftValue(s), driftBrute(xs, windowMs))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
