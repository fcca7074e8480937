import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, dec } from '../money/decimal.ts';
import { type HlcBar, atrBrute, atrInit, atrUpdate, isWarm, trueRange } from './atr.ts';
import { bandPct } from './band.ts';

const TOL = dec('1e-12');
const bar = (high: number | string, low: number | string, close: number | string): HlcBar => ({ high: dec(high), low: dec(low), close: dec(close) });

/** Random bars on a 0.01 grid: low > 0, high ≥ low, low ≤ close ≤ high. */
const barArb = fc
  .tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 20_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([low, range, f]) => {
    const close = low + Math.round(range * f);
    const s = (x: number): Decimal => new Decimal(x).dividedBy(100);
    return { high: s(low + range), low: s(low), close: s(close) };
  });

describe('trueRange', () => {
  it('is high − low on the first bar', () => {
    expect(trueRange(bar(12, 10, 11), null).toString()).toBe('2');
  });
  it('covers gaps up and down against the previous close', () => {
    expect(trueRange(bar(15, 14, 14.5), dec(10)).toString()).toBe('5');
    expect(trueRange(bar(8, 7, 7.5), dec(10)).toString()).toBe('3');
    expect(trueRange(bar(12.5, 9, 10), dec(12)).toString()).toBe('3.5');
  });
  it('rejects high < low', () => {
    expect(() => trueRange(bar(9, 10, 9.5), null)).toThrow(RangeError);
  });
});

describe('atr (Wilder)', () => {
  it('rejects a bad period', () => {
    expect(() => atrInit(0)).toThrow(RangeError);
    expect(() => atrInit(1.5)).toThrow(RangeError);
  });

  it('hand-computed period 3: seed is the mean of 3 TRs, then Wilder smoothing', () => {
    const bars = [bar(12, 10, 11), bar(13, 11, 12), bar(12.5, 9, 10), bar(15, 14, 14.5)];
    let s = atrInit(3);
    s = atrUpdate(s, bars[0] as HlcBar); // TR 2
    expect(s.value).toBeNull();
    expect(isWarm(s)).toBe(false);
    s = atrUpdate(s, bars[1] as HlcBar); // TR 2
    expect(s.value).toBeNull();
    s = atrUpdate(s, bars[2] as HlcBar); // TR 3.5 → seed (2+2+3.5)/3 = 2.5
    expect(s.value?.toString()).toBe('2.5');
    expect(isWarm(s)).toBe(true);
    expect(s.seedSum.toString()).toBe('7.5');
    s = atrUpdate(s, bars[3] as HlcBar); // TR 5 → (2.5·2 + 5)/3 = 10/3
    expect(s.value?.toDecimalPlaces(12).toString()).toBe('3.333333333333');
    expect(s.count).toBe(4);
    expect(s.prevClose?.toString()).toBe('14.5');
    expect(atrBrute(bars, 3)?.minus(s.value as Decimal).abs().lt(TOL)).toBe(true);
    expect(atrBrute(bars.slice(0, 2), 3)).toBeNull();
  });

  it('does not mutate its input (frozen state)', () => {
    const s0 = Object.freeze(atrInit(2));
    const s1 = Object.freeze(atrUpdate(s0, bar(11, 10, 10.5)));
    atrUpdate(s1, bar(12, 10, 11));
    expect(s0.count).toBe(0);
    expect(s1.count).toBe(1);
    expect(s1.value).toBeNull();
  });

  it('running ATR and band % equal the from-scratch computation to 12 decimal places', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(barArb, { minLength: 1, maxLength: 40 }), (period, bars) => {
        let s = atrInit(period);
        bars.forEach((b, i) => {
          s = atrUpdate(s, b);
          const brute = atrBrute(bars.slice(0, i + 1), period);
          expect(isWarm(s)).toBe(i + 1 >= period);
          if (brute === null) {
            expect(s.value).toBeNull();
            return;
          }
          const v = s.value as Decimal;
          expect(v.minus(brute).abs().lt(TOL)).toBe(true);
          const band = bandPct(v, b.close);
          const bandBrute = bandPct(brute, b.close);
          expect(band.minus(bandBrute).abs().lt(TOL)).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('bandPct', () => {
  it('is atr / close', () => {
    expect(bandPct(dec(50), dec(10000)).toString()).toBe('0.005');
  });
  it('rejects close ≤ 0', () => {
    expect(() => bandPct(dec(1), dec(0))).toThrow(RangeError);
    expect(() => bandPct(dec(1), dec(-5))).toThrow(RangeError);
  });
  it('equals atr/close computed from scratch (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 100_000_000 }), (a, c) => {
        const atr = new Decimal(a).dividedBy(1000);
        const close = new Decimal(c).dividedBy(100);
        expect(bandPct(atr, close).times(close).minus(atr).abs().lt(TOL)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
