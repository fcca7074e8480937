import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { type BarBuilderState, barBuilderInit, barFlush, barOpenTime, barUpdate } from './bars.ts';
import type { Bar } from './types.ts';

const d = (x: string | number): Decimal => new Decimal(x);
const plain = (b: Bar): string[] => [String(b.ts), b.open.toFixed(), b.high.toFixed(), b.low.toFixed(), b.close.toFixed(), b.volume.toFixed()];

/** Feeds samples `[ts, price, volume?]`, returns the closed bars and the final state. */
function feed(state: BarBuilderState, samples: readonly (readonly [number, string, string?])[]): { state: BarBuilderState; bars: Bar[] } {
  const bars: Bar[] = [];
  for (const [ts, p, v] of samples) {
    const u = barUpdate(state, ts, d(p), v === undefined ? undefined : d(v));
    bars.push(...u.closed);
    state = u.state;
  }
  return { state, bars };
}

describe('barBuilderInit / barOpenTime', () => {
  it('rejects an interval that is not a positive integer of ms', () => {
    for (const bad of [0, -1000, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => barBuilderInit(bad)).toThrow(RangeError);
    expect(barBuilderInit(60_000)).toEqual({ intervalMs: 60_000, current: null });
  });

  it('aligns open times to multiples of the interval (epoch-aligned, also below zero)', () => {
    expect(barOpenTime(0, 60_000)).toBe(0);
    expect(barOpenTime(59_999, 60_000)).toBe(0);
    expect(barOpenTime(60_000, 60_000)).toBe(60_000);
    expect(barOpenTime(1_723_161_253_937, 1000)).toBe(1_723_161_253_000);
    expect(barOpenTime(-1, 1000)).toBe(-1000);
  });
});

describe('barUpdate', () => {
  it('builds open/high/low/close/volume from the samples of one interval', () => {
    const { state, bars } = feed(barBuilderInit(1000), [[10_000, '100', '1'], [10_100, '103', '2'], [10_500, '99.5', '0.5'], [10_999, '101']]);
    expect(bars).toEqual([]);
    expect(plain(state.current as Bar)).toEqual(['10000', '100', '103', '99.5', '101', '3.5']);
  });

  it('a sample in a later interval closes the bar and opens the next one with that sample', () => {
    const { state, bars } = feed(barBuilderInit(1000), [[10_000, '100'], [10_999, '101'], [11_000, '102', '4']]);
    expect(bars.map(plain)).toEqual([['10000', '100', '101', '100', '101', '0']]);
    expect(plain(state.current as Bar)).toEqual(['11000', '102', '102', '102', '102', '4']);
  });

  it('intervals without samples produce no bar (no invented prices)', () => {
    const { bars } = feed(barBuilderInit(1000), [[10_000, '100'], [15_200, '105'], [15_300, '106'], [20_000, '90']]);
    expect(bars.map((b) => b.ts)).toEqual([10_000, 15_000]);
  });

  it('the state is immutable: an old state is untouched by updates', () => {
    const s0 = barUpdate(barBuilderInit(1000), 10_000, d(100)).state;
    const before = plain(s0.current as Bar);
    barUpdate(s0, 10_500, d(200), d(1));
    barUpdate(s0, 12_000, d(50));
    expect(plain(s0.current as Bar)).toEqual(before);
  });

  it('a sample older than the open bar is refused; an out-of-order sample inside it is accepted', () => {
    const s = feed(barBuilderInit(1000), [[10_000, '100'], [10_800, '101']]).state;
    expect(() => barUpdate(s, 9_999, d(1))).toThrow(/older than the open bar at 10000/);
    expect(plain(barUpdate(s, 10_400, d(99)).state.current as Bar)).toEqual(['10000', '100', '101', '99', '99', '0']);
  });
});

describe('barFlush', () => {
  it('closes the bar once its interval has passed, not before', () => {
    const s = feed(barBuilderInit(1000), [[10_000, '100'], [10_500, '101']]).state;
    expect(barFlush(s, 10_999)).toEqual({ state: s, closed: [] });
    const f = barFlush(s, 11_000);
    expect(f.closed.map(plain)).toEqual([['10000', '100', '101', '100', '101', '0']]);
    expect(f.state.current).toBeNull();
    expect(barFlush(f.state, 99_999).closed).toEqual([]);
    expect(barFlush(barBuilderInit(1000), 5000).closed).toEqual([]);
  });

  it('after a flush, the next sample opens a new bar', () => {
    const s = feed(barBuilderInit(1000), [[10_000, '100']]).state;
    const u = barUpdate(barFlush(s, 12_000).state, 12_500, d(7));
    expect(u.closed).toEqual([]);
    expect(plain(u.state.current as Bar)).toEqual(['12000', '7', '7', '7', '7', '0']);
  });

  it('a late sample for an interval already flushed is refused, so no interval yields two bars', () => {
    const s = feed(barBuilderInit(1000), [[10_000, '100']]).state;
    const flushed = barFlush(s, 11_000).state;
    expect(() => barUpdate(flushed, 10_900, d(1))).toThrow(RangeError);
    expect(() => barUpdate(flushed, 5_000, d(1))).toThrow(RangeError);
    expect(barUpdate(flushed, 11_000, d(1)).state.current?.ts).toBe(11_000);
  });
});

describe('bar builder property', () => {
  const samplesArb = fc.array(
    fc.record({ dt: fc.integer({ min: 0, max: 2500 }), price: fc.integer({ min: 1, max: 100_000 }), vol: fc.integer({ min: 0, max: 1000 }) }),
    { maxLength: 150 },
  );

  it('folding samples then flushing equals grouping them by open time from scratch', () => {
    fc.assert(
      fc.property(samplesArb, fc.integer({ min: 1, max: 5000 }), fc.integer({ min: -10_000, max: 10_000 }), (raw, interval, start) => {
        let ts = start;
        const samples = raw.map(({ dt, price, vol }) => [(ts += dt), (price / 100).toFixed(2), (vol / 10).toFixed(1)] as const);
        const built = feed(barBuilderInit(interval), samples);
        const last = samples[samples.length - 1];
        const bars = [...built.bars, ...(last === undefined ? [] : barFlush(built.state, last[0] + interval).closed)];

        const groups = new Map<number, (typeof samples)[number][]>();
        for (const s of samples) {
          const open = Math.floor(s[0] / interval) * interval;
          groups.set(open, [...(groups.get(open) ?? []), s]);
        }
        const want = [...groups].map(([open, g]) => [
          String(open),
          d(g[0]?.[1] ?? 0).toFixed(),
          Decimal.max(...g.map((s) => s[1])).toFixed(),
          Decimal.min(...g.map((s) => s[1])).toFixed(),
          d(g[g.length - 1]?.[1] ?? 0).toFixed(),
          g.reduce((acc, s) => acc.plus(s[2]), d(0)).toFixed(),
        ]);
        expect(bars.map(plain)).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});
