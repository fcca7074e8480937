import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FILTER_MARGIN, approxNumber, certifiedCeil, certifiedFloor, certifiedLess } from './approx.ts';
import { Decimal } from './decimal.ts';

const U = 2 ** -53;

/** Decimals of up to 40 significant digits over a wide exponent range, both signs. */
const decimal = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 40n - 1n }), fc.integer({ min: -80, max: 60 }), fc.boolean())
  .map(([m, e, neg]) => new Decimal(`${neg ? '-' : ''}${m}e${e}`));

describe('approxNumber', () => {
  it('is within 8 ulps of the correctly rounded double (property)', () => {
    fc.assert(
      fc.property(decimal, (x) => {
        const want = x.toNumber();
        const got = approxNumber(x);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(8 * U * Math.abs(want));
      }),
      { numRuns: 3000 },
    );
  });
  it('is exact on short values and NaN where it gives no guarantee', () => {
    expect(approxNumber(new Decimal('61837.63'))).toBe(61837.63);
    expect(approxNumber(new Decimal('0.01'))).toBe(0.01);
    expect(approxNumber(new Decimal(0))).toBe(0);
    expect(approxNumber(new Decimal('-2.5'))).toBe(-2.5);
    expect(approxNumber(new Decimal('1e-400'))).toBeNaN();
    expect(approxNumber(new Decimal(Number.POSITIVE_INFINITY))).toBeNaN();
    expect(approxNumber(new Decimal(Number.NaN))).toBeNaN();
  });
});

describe('certified decisions', () => {
  it('certify only estimates farther than the margin from the boundary', () => {
    expect(certifiedFloor(12.5)).toBe(12);
    expect(certifiedCeil(12.5)).toBe(13);
    expect(certifiedFloor(12)).toBeUndefined();
    expect(certifiedFloor(12 + 12 * FILTER_MARGIN * 0.5)).toBeUndefined();
    expect(certifiedFloor(-1)).toBeUndefined();
    expect(certifiedFloor(Number.NaN)).toBeUndefined();
    expect(certifiedLess(1, 2)).toBe(true);
    expect(certifiedLess(2, 1)).toBe(false);
    expect(certifiedLess(1, 1 + 1e-14)).toBeUndefined();
    expect(certifiedLess(-1, 2)).toBeUndefined();
  });
  it('a certified floor is the exact floor of any value within the error budget (property)', () => {
    // Perturb an exact ratio q by up to 200 ulps: the certified answer must be ⌊q⌋ regardless.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: -200, max: 200 }), (k, frac, ulps) => {
        const q = k + frac / 1_000_000;
        const est = q * (1 + ulps * U);
        const got = certifiedFloor(est);
        if (got !== undefined) expect(got).toBe(Math.floor(q));
      }),
      { numRuns: 3000 },
    );
  });
});
