import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../domain/money/decimal.ts';
import { midBars } from './bars.stream.ts';

interface Sample {
  readonly ts: number;
  readonly bid: Decimal;
  readonly ask: Decimal;
}

/** Brute force: group mids by interval and take first / max / min / last. */
function bruteBars(samples: readonly Sample[], intervalMs: number): string[] {
  const groups = new Map<number, Decimal[]>();
  for (const s of samples) {
    const open = Math.floor(s.ts / intervalMs) * intervalMs;
    const mids = groups.get(open) ?? [];
    mids.push(s.bid.plus(s.ask).div(2));
    groups.set(open, mids);
  }
  return [...groups.entries()].map(([ts, mids]) => {
    const first = mids[0] as Decimal;
    const last = mids[mids.length - 1] as Decimal;
    return `${ts} ${first.toString()} ${Decimal.max(...mids).toString()} ${Decimal.min(...mids).toString()} ${last.toString()} 0`;
  });
}

const sampleArb = fc.record({ dt: fc.integer({ min: 0, max: 3_000 }), bid: fc.integer({ min: 1, max: 100_000 }), spread: fc.integer({ min: 1, max: 99 }) });

describe('midBars', () => {
  it('matches a brute-force bar computation (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 5_000 }), fc.array(sampleArb, { maxLength: 60 }), async (start, intervalMs, raw) => {
        let ts = start;
        const samples: Sample[] = raw.map((r) => {
          ts += r.dt;
          return { ts, bid: new Decimal(r.bid).div(100), ask: new Decimal(r.bid + r.spread).div(100) };
        });
        const bars = await lastValueFrom(from(samples).pipe(midBars(intervalMs), toArray()));
        const got = bars.map((b) => `${b.ts} ${b.open.toString()} ${b.high.toString()} ${b.low.toString()} ${b.close.toString()} ${b.volume.toString()}`);
        expect(got).toEqual(bruteBars(samples, intervalMs));
      }),
      { numRuns: 300 },
    );
  });

  it('emits a bar when a later interval starts, and the open bar when the source completes', async () => {
    const s = (ts: number, bid: number): Sample => ({ ts, bid: new Decimal(bid), ask: new Decimal(bid + 2) });
    const bars = await lastValueFrom(from([s(1_000, 10), s(1_500, 12), s(3_100, 8)]).pipe(midBars(1_000), toArray()));
    expect(bars.map((b) => [b.ts, b.open.toNumber(), b.high.toNumber(), b.low.toNumber(), b.close.toNumber()])).toEqual([
      [1_000, 11, 13, 11, 13],
      [3_000, 9, 9, 9, 9],
    ]);
  });

  it('rejects an invalid interval', () => {
    expect(() => midBars(0)).toThrow(RangeError);
  });
});
