import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, bpsToFraction, ceilToStep, clamp, dec, floorToStep, isOnStep, sum, ZERO } from './decimal.ts';

const step = fc.constantFrom('0.01', '0.1', '0.00001', '0.0001', '1', '0.5', '0.25').map((s) => new Decimal(s));
const value = fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 99_999_999 })).map(([i, f]) => new Decimal(`${i}.${String(f).padStart(8, '0')}`));

describe('dec', () => {
  it('parses decimal strings exactly (no binary float error)', () => {
    expect(dec('0.1').plus(dec('0.2')).eq(dec('0.3'))).toBe(true);
  });
  it('names the field when the value is not a number', () => {
    expect(() => dec('abc', 'tick_size')).toThrow(/tick_size: expected a decimal number/);
    expect(() => dec(Number.POSITIVE_INFINITY, 'price')).toThrow(/price: expected a finite/);
  });
});

describe('grid snapping', () => {
  it('floors and ceils onto the step', () => {
    expect(floorToStep(dec('61837.635'), dec('0.01')).toString()).toBe('61837.63');
    expect(ceilToStep(dec('61837.631'), dec('0.01')).toString()).toBe('61837.64');
    expect(ceilToStep(dec('61837.63'), dec('0.01')).toString()).toBe('61837.63');
  });
  it('floor ≤ x ≤ ceil, both on the grid, less than one step apart (property)', () => {
    fc.assert(
      fc.property(value, step, (x, s) => {
        const lo = floorToStep(x, s);
        const hi = ceilToStep(x, s);
        return lo.lte(x) && hi.gte(x) && isOnStep(lo, s) && isOnStep(hi, s) && hi.minus(lo).lte(s) && x.minus(lo).lt(s);
      }),
      { numRuns: 300 },
    );
  });
});

describe('helpers', () => {
  it('clamps and rejects inverted bounds', () => {
    expect(clamp(dec(5), dec(0), dec(1)).toString()).toBe('1');
    expect(clamp(dec(-5), dec(0), dec(1)).toString()).toBe('0');
    expect(() => clamp(dec(0), dec(1), dec(0))).toThrow(RangeError);
  });
  it('converts bps and sums', () => {
    expect(bpsToFraction(25).toString()).toBe('0.0025');
    expect(sum([dec('0.1'), dec('0.2')]).toString()).toBe('0.3');
    expect(sum([]).eq(ZERO)).toBe(true);
  });
});
