import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { OhlcvCollector } from './ohlcv-summary.ts';
import type { Bar } from './types.ts';

const MIN = 60_000;
const T0 = Date.UTC(2022, 0, 1);
const bar = (ts: number): Bar => ({ ts, open: new Decimal(1), high: new Decimal(2), low: new Decimal(1), close: new Decimal(2), volume: new Decimal(5) });

function collect(ts: readonly number[], options?: ConstructorParameters<typeof OhlcvCollector>[0]): OhlcvCollector {
  const c = new OhlcvCollector(options);
  ts.forEach((t, i) => c.add(bar(t), i + 2, 'f.csv'));
  return c;
}

describe('OhlcvCollector summary', () => {
  it('an empty series', () => {
    expect(new OhlcvCollector().summary()).toEqual({
      rows: 0, firstTs: null, lastTs: null, spanMs: 0, intervalMs: null, gaps: 0, missingBars: 0,
      irregularSteps: 0, gapList: [], badRows: 0, issues: [],
    });
  });

  it('one row: no interval, zero span', () => {
    expect(collect([T0]).summary()).toMatchObject({ rows: 1, firstTs: T0, lastTs: T0, spanMs: 0, intervalMs: null, gaps: 0 });
  });

  it('a regular 1-minute series: interval 1 min, no gaps', () => {
    const s = collect(Array.from({ length: 100 }, (_, i) => T0 + i * MIN)).summary();
    expect(s).toMatchObject({ rows: 100, firstTs: T0, lastTs: T0 + 99 * MIN, spanMs: 99 * MIN, intervalMs: MIN, gaps: 0, missingBars: 0, irregularSteps: 0 });
  });

  it('gaps: each longer step is one gap of step/interval − 1 missing bars, listed with its bounds', () => {
    const ts = [0, 1, 2, 5, 6, 7, 8, 18, 19].map((i) => T0 + i * MIN);
    const s = collect(ts).summary();
    expect(s).toMatchObject({ intervalMs: MIN, gaps: 2, missingBars: 2 + 9, irregularSteps: 0 });
    expect(s.gapList).toEqual([
      { afterTs: T0 + 2 * MIN, beforeTs: T0 + 5 * MIN, missing: 2 },
      { afterTs: T0 + 8 * MIN, beforeTs: T0 + 18 * MIN, missing: 9 },
    ]);
  });

  it('the interval is the most common step, so a few gaps do not change it; ties go to the smaller step', () => {
    expect(collect([0, 5, 10, 15, 16].map((i) => T0 + i * MIN)).summary().intervalMs).toBe(5 * MIN);
    expect(collect([0, 1, 3].map((i) => T0 + i * MIN)).summary()).toMatchObject({ intervalMs: MIN, gaps: 1, missingBars: 1 });
  });

  it('irregular steps (not a multiple of the interval) are counted; a longer one is also a gap', () => {
    const ts = [0, 60, 120, 180, 210, 300, 390].map((s) => T0 + s * 1000);
    const s = collect(ts).summary();
    // Steps 60 60 60 30 90 90: 30 and both 90s are irregular; each 90 s step also misses one bar.
    expect(s).toMatchObject({ intervalMs: MIN, irregularSteps: 3, gaps: 2, missingBars: 2 });
    expect(s.gapList).toEqual([
      { afterTs: T0 + 210_000, beforeTs: T0 + 300_000, missing: 1 },
      { afterTs: T0 + 300_000, beforeTs: T0 + 390_000, missing: 1 },
    ]);
  });

  it('a duplicate or earlier timestamp is a bad row with its line and reason, and is left out', () => {
    const c = new OhlcvCollector();
    expect(c.add(bar(T0), 2, 'a.csv')).toBe(true);
    expect(c.add(bar(T0 + MIN), 3, 'a.csv')).toBe(true);
    expect(c.add(bar(T0 + MIN), 4, 'a.csv')).toBe(false);
    expect(c.add(bar(T0), 5)).toBe(false);
    expect(c.add(bar(T0 + 2 * MIN), 6, 'a.csv')).toBe(true);
    const s = c.summary();
    expect(s).toMatchObject({ rows: 3, badRows: 2, gaps: 0, lastTs: T0 + 2 * MIN });
    expect(s.issues).toEqual([
      { file: 'a.csv', line: 4, reason: 'timestamp 2022-01-01T00:01:00.000Z is not after the previous row\'s 2022-01-01T00:01:00.000Z' },
      { line: 5, reason: 'timestamp 2022-01-01T00:00:00.000Z is not after the previous row\'s 2022-01-01T00:01:00.000Z' },
    ]);
  });

  it('reject() counts every bad row but lists only maxListed of them (and of the gaps)', () => {
    const c = collect([0, 2, 4, 6, 8].map((i) => T0 + i * MIN), { maxListed: 2 });
    for (let i = 0; i < 5; i++) c.reject(10 + i, `bad ${i}`, 'f.csv');
    const s = c.summary();
    expect(s.badRows).toBe(5);
    expect(s.issues).toEqual([{ file: 'f.csv', line: 10, reason: 'bad 0' }, { file: 'f.csv', line: 11, reason: 'bad 1' }]);
    expect(s).toMatchObject({ intervalMs: 2 * MIN, gaps: 0 });
  });

  it('keeps the accepted bars only when asked', () => {
    expect(collect([T0, T0 + MIN]).bars).toEqual([]);
    const kept = collect([T0, T0 + MIN, T0 + MIN], { keepBars: true }).bars;
    expect(kept.map((b) => b.ts)).toEqual([T0, T0 + MIN]);
  });

  it('property: on a regular series with bars removed, gaps and missing bars are exactly the holes', () => {
    // About 80% of the bars present.
    const presentArb = fc.array(fc.integer({ min: 0, max: 9 }).map((x) => x > 1), { minLength: 3, maxLength: 200 });
    fc.assert(
      fc.property(presentArb, fc.integer({ min: 1, max: 3600 }), (present, stepS) => {
        const step = stepS * 1000;
        const kept = present.map((p, i) => (p ? i : -1)).filter((i) => i >= 0);
        // Most steps must be one bar long, or the most common step is not the real interval.
        const unit = kept.filter((k, j) => j > 0 && k - (kept[j - 1] as number) === 1).length;
        fc.pre(kept.length >= 2 && unit * 2 > kept.length - 1);
        const s = collect(kept.map((i) => T0 + i * step)).summary();
        let gaps = 0;
        let missing = 0;
        for (let j = 1; j < kept.length; j++) {
          const d = (kept[j] as number) - (kept[j - 1] as number) - 1;
          if (d > 0) {
            gaps++;
            missing += d;
          }
        }
        expect(s).toMatchObject({ rows: kept.length, intervalMs: step, gaps, missingBars: missing, irregularSteps: 0 });
      }),
      { numRuns: 300 },
    );
  });
});
