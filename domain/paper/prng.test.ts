import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from '../money/decimal.ts';
import { type Prng, DECIMAL_STEPS, createPrng, nextDecimal, nextFloat, nextUint32, restorePrng } from './prng.ts';

function take(rng: Prng, n: number): number[] {
  const out: number[] = [];
  let r = rng;
  for (let i = 0; i < n; i++) {
    const d = nextUint32(r);
    out.push(d.value);
    r = d.rng;
  }
  return out;
}

describe('mulberry32 PRNG', () => {
  it('produces the reference mulberry32 outputs (golden values)', () => {
    // Same values as the canonical JS mulberry32 (a += 0x6D2B79F5; imul mixing; >>> 0).
    expect(take(createPrng(42), 5)).toEqual([2581720956, 1925393290, 3661312704, 2876485805, 750819978]);
    expect(take(createPrng(0), 3)).toEqual([1144304738, 1416247, 958946056]);
    expect(nextFloat(createPrng(42)).value).toBe(2581720956 / 2 ** 32);
  });

  it('draws Decimals on an exact 1e-9 grid (golden value)', () => {
    // 2581720956 < rejection limit 4000000004, k = 2581720956 mod (1e9 + 1) = 581720954.
    expect(nextDecimal(createPrng(42), new Decimal(0), new Decimal(1)).value.toString()).toBe('0.581720954');
    const d = nextDecimal(createPrng(42), new Decimal('0.8'), new Decimal('1.2')).value;
    expect(d.toString()).toBe('1.0326883816');
  });

  it('is immutable: drawing does not change the generator it is given', () => {
    const r = createPrng(7);
    const a = nextUint32(r);
    const b = nextUint32(r);
    expect(a).toEqual(b);
    expect(r).toEqual({ state: 7 });
  });

  it('saves and restores through JSON', () => {
    let r = createPrng(123);
    for (let i = 0; i < 10; i++) r = nextUint32(r).rng;
    const restored = restorePrng(JSON.parse(JSON.stringify(r)) as { state: number });
    expect(take(restored, 5)).toEqual(take(r, 5));
  });

  it('rejects invalid seeds and states with a RangeError', () => {
    for (const bad of [-1, 1.5, 2 ** 32, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createPrng(bad)).toThrow(RangeError);
      expect(() => restorePrng({ state: bad })).toThrow(RangeError);
    }
    expect(() => createPrng(2 ** 32 - 1)).not.toThrow();
  });

  it('rejects an empty or reversed Decimal range', () => {
    expect(() => nextDecimal(createPrng(1), new Decimal(2), new Decimal(1))).toThrow(RangeError);
    expect(nextDecimal(createPrng(1), new Decimal(2), new Decimal(2)).value.toString()).toBe('2');
  });

  it('same seed ⇒ same sequence; different seeds ⇒ different sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (a, b) => {
        expect(take(createPrng(a), 8)).toEqual(take(createPrng(a), 8));
        if (a !== b) expect(take(createPrng(a), 8)).not.toEqual(take(createPrng(b), 8));
      }),
      { numRuns: 300 },
    );
  });

  it('Decimal draws stay in [lo, hi] on the 1e-9 grid of the range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (seed, lo, width) => {
        // Values with 3 decimals, so the grid arithmetic stays within Decimal's 40 digits.
        const l = new Decimal(lo).dividedBy(1000);
        const h = l.plus(new Decimal(width).dividedBy(1000));
        const v = nextDecimal(createPrng(seed), l, h).value;
        expect(v.gte(l) && v.lte(h)).toBe(true);
        if (width > 0) expect(v.minus(l).dividedBy(h.minus(l)).times(DECIMAL_STEPS).isInteger()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('has a sane distribution: mean and variance of 10k floats near 1/2 and 1/12', () => {
    let r = createPrng(2024);
    let total = 0;
    let squares = 0;
    const buckets = new Array<number>(10).fill(0);
    const n = 10_000;
    for (let i = 0; i < n; i++) {
      const d = nextFloat(r);
      r = d.rng;
      total += d.value;
      squares += d.value * d.value;
      const b = Math.floor(d.value * 10);
      buckets[b] = (buckets[b] ?? 0) + 1;
    }
    const mean = total / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(squares / n - mean * mean - 1 / 12)).toBeLessThan(0.005);
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(150);
  });

  it('Decimal draws have mean near the middle of the range', () => {
    let r = createPrng(99);
    let total = new Decimal(0);
    for (let i = 0; i < 10_000; i++) {
      const d = nextDecimal(r, new Decimal('0.3'), new Decimal('1'));
      r = d.rng;
      total = total.plus(d.value);
    }
    expect(total.dividedBy(10_000).minus('0.65').abs().lt('0.01')).toBe(true);
  });
});
