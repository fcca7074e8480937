import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors.ts';
import { buildMarketData } from './market-data.ts';

const T0 = Date.UTC(2022, 0, 1);

/** A bar series: open times increasing by the interval, with some bars missing (gaps). */
const series = fc
  .record({
    intervalMs: fc.constantFrom(60_000, 300_000, 3_600_000),
    // Each bar: how many intervals after the previous one it opens (mostly 1; 2–3 leave a gap).
    steps: fc.array(fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) }), { minLength: 2, maxLength: 40 }),
  })
  .map(({ intervalMs, steps }) => {
    let t = T0;
    const opens = steps.map((s, i) => (t += i === 0 ? 0 : s * intervalMs));
    return { intervalMs, opens };
  });

describe('windowing [start, end)', () => {
  it('returns exactly the bars whose close time is in the window, in order', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: -2, max: 130 }), fc.integer({ min: 0, max: 130 }), ({ intervalMs, opens }, a, len) => {
        // A valid series has the interval as its most common step (else a shorter step would be an
        // overlapping bar, an error of its own): keep to those.
        fc.pre(opens.filter((o, i) => i > 0 && o - (opens[i - 1] as number) === intervalMs).length * 2 > opens.length - 1);
        const rows = opens.map((ts, i) => [ts, 10 + i, 12 + i, 9 + i, 11 + i, 1]);
        const text = JSON.stringify(rows);
        const start = T0 + Math.round((a * intervalMs) / 2);
        const end = start + Math.round((len * intervalMs) / 2);
        const req = { files: ['p.json'], format: 'auto' as const, start, end };
        let got: number[] | null;
        let inferred: number;
        try {
          const md = buildMarketData([{ path: 'p.json', text, bytes: Buffer.from(text) }], req);
          got = [...md.events()].map((e) => (e.kind === 'bar' ? e.bar.ts : NaN));
          inferred = md.meta.barIntervalMs as number;
          expect([...md.events()].every((e) => e.kind === 'bar' && e.ts === e.bar.ts + inferred)).toBe(true);
        } catch (e) {
          if (!(e instanceof DataError)) throw e;
          expect(e.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['empty_window']);
          got = null;
          inferred = NaN;
        }
        const full = buildMarketData([{ path: 'p.json', text, bytes: Buffer.from(text) }], { files: ['p.json'], format: 'auto' });
        const step = full.meta.barIntervalMs as number;
        const want = opens.filter((o) => o + step >= start && o + step < end);
        if (want.length === 0) expect(got).toBeNull();
        else expect(got).toEqual(want);
        if (got !== null) expect(inferred).toBe(step);
      }),
      { numRuns: 250 },
    );
  });
});
