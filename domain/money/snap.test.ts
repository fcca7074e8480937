import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, ceilToStep, clamp, cmp, dmax, dmin, floorQuotientToStep, floorToStep } from './decimal.ts';

/** Exact floor/ceil of a/b for BigInt-scaled decimals. */
function parts(x: Decimal): { m: bigint; e: number } {
  const [coef, exp] = x.toExponential().split('e') as [string, string];
  const [i, f = ''] = coef.replace('-', '').split('.') as [string, string?];
  const m = BigInt(i + f) * (x.isNegative() ? -1n : 1n);
  return { m, e: Number(exp) - f.length };
}
const exactFloorDivInput = (x: Decimal): Decimal => x;

function exactFloorDiv(a: Decimal, b: Decimal): bigint {
  const x = parts(a);
  const y = parts(b);
  const s = Math.min(x.e, y.e);
  const n = x.m * 10n ** BigInt(x.e - s);
  const d = y.m * 10n ** BigInt(y.e - s);
  const q = n / d;
  return (n % d !== 0n && n < 0n !== d < 0n) ? q - 1n : q;
}

/** Values up to 45 significant digits (beyond the 40-digit precision too), both signs. */
const value = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 45n }), fc.integer({ min: -30, max: 5 }), fc.boolean())
  .map(([m, e, neg]) => new Decimal(`${neg ? '-' : ''}${m}e${e}`));
const step = fc.constantFrom('1', '0.1', '0.01', '0.00001', '0.0000001', '10', '0.5', '0.25', '0.05', '7').map((s) => new Decimal(s));

describe('cmp', () => {
  it('agrees with Decimal#cmp, including zeros, signs and non-finite values (property)', () => {
    const any = fc.oneof(value, fc.constantFrom(new Decimal(0), new Decimal(-0), new Decimal(Number.NaN), new Decimal(Infinity), new Decimal(-Infinity)));
    fc.assert(
      fc.property(any, any, (a, b) => {
        expect(Object.is(cmp(a, b), a.cmp(b))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it('dmin, dmax and clamp return values equal to the library min/max', () => {
    fc.assert(
      fc.property(value, value, value, (x, p, q) => {
        const [lo, hi] = p.lte(q) ? [p, q] : [q, p];
        expect(dmin(x, p).eq(Decimal.min(x, p))).toBe(true);
        expect(dmax(x, p).eq(Decimal.max(x, p))).toBe(true);
        expect(clamp(x, lo, hi).eq(Decimal.min(Decimal.max(x, lo), hi))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(() => clamp(new Decimal(1), new Decimal(2), new Decimal(0))).toThrow(RangeError);
  });
});

describe('snapping to a step', () => {
  /** Whether r equals k·s exactly (BigInt arithmetic, no rounding). */
  function isMultiple(r: Decimal, k: bigint, s: Decimal): boolean {
    const a = parts(r);
    const b = parts(s);
    const e = Math.min(a.e, b.e);
    return a.m * 10n ** BigInt(a.e - e) === k * b.m * 10n ** BigInt(b.e - e);
  }
  const pow10 = fc.constantFrom('1', '0.1', '0.01', '0.00001', '0.0000001').map((x) => new Decimal(x));
  it('floorToStep and ceilToStep are exact for any value on power-of-ten steps (property)', () => {
    fc.assert(
      fc.property(value, pow10, (x, s) => {
        const k = exactFloorDiv(x, s);
        const onGrid = isMultiple(x, k, s);
        expect(isMultiple(floorToStep(x, s), k, s)).toBe(true);
        expect(isMultiple(ceilToStep(x, s), onGrid ? k : k + 1n, s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('and exact on other steps while x/step fits the precision (property)', () => {
    const short = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 36n }), fc.integer({ min: -20, max: 3 }), fc.boolean())
      .map(([m, e, neg]) => new Decimal(`${neg ? '-' : ''}${m}e${e}`));
    fc.assert(
      fc.property(short, step, (x, s) => {
        const k = exactFloorDiv(x, s);
        const onGrid = isMultiple(x, k, s);
        expect(isMultiple(floorToStep(x, s), k, s)).toBe(true);
        expect(isMultiple(ceilToStep(x, s), onGrid ? k : k + 1n, s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('floorQuotientToStep is floor(x/divisor) on the step grid, exactly, while the lot count fits the precision (property)', () => {
    const positive = value.filter((v) => v.gt(0) && v.lt('1e12'));
    fc.assert(
      fc.property(positive, positive, step, (x, d, s) => {
        fc.pre(x.dividedBy(d.times(s)).lt('1e37'));
        const k = exactFloorDiv(exactFloorDivInput(x), d.times(s));
        expect(isMultiple(floorQuotientToStep(x, d, s), k, s)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it('a quotient a hair below a lot boundary is not rounded up onto it', () => {
    // 1000.000…0001 / 1000 (45 digits) rounds to 1.000… at 40 digits; the floor must still be 1.
    const x = new Decimal('999.99999999999999999999999999999999999999999');
    expect(floorQuotientToStep(x, new Decimal(1000), new Decimal('0.00001')).toString()).toBe('0.99999');
    expect(floorToStep(new Decimal('61837.62999999999999999999999999999999999999999'), new Decimal('0.01')).toString()).toBe('61837.62');
  });
});
