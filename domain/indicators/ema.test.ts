import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../money/decimal.ts';
import { emaBrute, emaInit, emaUpdate } from './ema.ts';

const TOL = dec('1e-12');
const d = (x: string | number): Decimal => dec(x);
const closeArb = fc.integer({ min: 1, max: 10_000_000 }).map((c) => new Decimal(c).dividedBy(100));

describe('ema', () => {
  it('rejects a period below 1 or not an integer', () => {
    expect(() => emaInit(0)).toThrow(RangeError);
    expect(() => emaInit(-3)).toThrow(RangeError);
    expect(() => emaInit(2.5)).toThrow(RangeError);
    expect(() => emaInit(Number.NaN)).toThrow(RangeError);
  });

  it('uses α = 2/(n+1) and seeds with the first close', () => {
    const s0 = emaInit(3);
    expect(s0.alpha.toString()).toBe('0.5');
    expect(s0.value).toBeNull();
    const s1 = emaUpdate(s0, d(10));
    expect(s1.value?.toString()).toBe('10');
    const s2 = emaUpdate(s1, d(11));
    expect(s2.value?.toString()).toBe('10.5');
    const s3 = emaUpdate(s2, d(12));
    expect(s3.value?.toString()).toBe('11.25');
    expect(s3.count).toBe(3);
  });

  it('hand-computed period 4 (α = 0.4)', () => {
    let s = emaInit(4);
    for (const c of [100, 105, 95]) s = emaUpdate(s, d(c));
    // 100 → 0.4·105 + 0.6·100 = 102 → 0.4·95 + 0.6·102 = 99.2
    expect(s.value?.toString()).toBe('99.2');
  });

  it('period 1 follows the close', () => {
    let s = emaInit(1);
    for (const c of [5, 7, 3]) s = emaUpdate(s, d(c));
    expect(s.value?.toString()).toBe('3');
  });

  it('does not mutate its input (frozen state)', () => {
    const s1 = Object.freeze(emaUpdate(emaInit(5), d(10)));
    const s2 = emaUpdate(s1, d(20));
    expect(s1.value?.toString()).toBe('10');
    expect(s1.count).toBe(1);
    expect(s2.value?.toString()).toBe(d(10).plus(d(10).dividedBy(3)).toString());
  });

  it('emaBrute of an empty list is null', () => {
    expect(emaBrute([], 5)).toBeNull();
  });

  it('running EMA equals the from-scratch closed form to 12 decimal places', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(closeArb, { minLength: 1, maxLength: 40 }), (period, closes) => {
        let s = emaInit(period);
        closes.forEach((c, i) => {
          s = emaUpdate(s, c);
          const brute = emaBrute(closes.slice(0, i + 1), period);
          expect(brute).not.toBeNull();
          expect(s.value?.minus(brute as Decimal).abs().lt(TOL)).toBe(true);
          expect(s.value?.toDecimalPlaces(12).eq((brute as Decimal).toDecimalPlaces(12)) || s.value?.minus(brute as Decimal).abs().lt('1e-30')).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });
});
