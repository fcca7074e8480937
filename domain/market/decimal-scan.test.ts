import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalScan, isDigits, isPlainDecimal, scanPlainDecimal } from './decimal-scan.ts';

const PLAIN = /^\d+(?:\.\d+)?$/;

/** Strings over the characters that matter (digits, dots, a sign, an exponent, spaces). */
const messy = fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', '-', 'e', ' ', 'x'), maxLength: 24 });
/** Plain decimals with leading and trailing zeros, up to 30 digits. */
const plain = fc
  .tuple(fc.string({ unit: fc.constantFrom('0', '1', '2', '7', '9'), minLength: 1, maxLength: 15 }), fc.option(fc.string({ unit: fc.constantFrom('0', '3', '5', '8'), minLength: 1, maxLength: 15 })))
  .map(([i, f]) => (f === null ? i : `${i}.${f}`));

describe('isPlainDecimal / isDigits', () => {
  it('accepts exactly what /^\\d+(?:\\.\\d+)?$/ accepts', () => {
    fc.assert(
      fc.property(fc.oneof(messy, plain), (s) => {
        expect(isPlainDecimal(s)).toBe(PLAIN.test(s));
      }),
      { numRuns: 3000 },
    );
  });
  it('isDigits checks a non-empty range of digits', () => {
    expect(isDigits('12a45', 0, 2)).toBe(true);
    expect(isDigits('12a45', 1, 4)).toBe(false);
    expect(isDigits('12345', 2, 2)).toBe(false);
  });
});

describe('scanPlainDecimal', () => {
  it('validates like the regular expression and yields Number(s)', () => {
    fc.assert(
      fc.property(fc.oneof(messy, plain), (s) => {
        const out = new DecimalScan();
        const ok = scanPlainDecimal(s, out);
        expect(ok).toBe(PLAIN.test(s));
        if (ok) expect(Object.is(out.value, Number(s))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it('flags as wide exactly the decimals with more than 15 significant digits', () => {
    const out = new DecimalScan();
    for (const [s, wide] of [
      ['61837.63000000', false],
      ['000123456789012345.000', false], // 15 significant digits
      ['1234567890123456', true],
      ['1.00000000000000001', true],
      ['0.000000000000000000001', false],
      ['0', false],
    ] as const) {
      expect(scanPlainDecimal(s, out)).toBe(true);
      expect(out.wide).toBe(wide);
    }
  });
  it('two non-wide decimals have equal doubles only when they are equal numbers (property)', () => {
    // 15 significant digits on a scaled grid: distinct decimals must give distinct doubles.
    const dec15 = fc.tuple(fc.bigInt({ min: 1n, max: 999_999_999_999_999n }), fc.integer({ min: 0, max: 20 })).map(([m, k]) => {
      const s = m.toString().padStart(k + 1, '0');
      return k === 0 ? s : `${s.slice(0, s.length - k)}.${s.slice(s.length - k)}`;
    });
    fc.assert(
      fc.property(dec15, dec15, (a, b) => {
        const x = new DecimalScan();
        const y = new DecimalScan();
        scanPlainDecimal(a, x);
        scanPlainDecimal(b, y);
        expect(x.wide || y.wide).toBe(false);
        const same = BigInt(a.replace('.', '')) * 10n ** BigInt(b.split('.')[1]?.length ?? 0) === BigInt(b.replace('.', '')) * 10n ** BigInt(a.split('.')[1]?.length ?? 0);
        expect(x.value === y.value).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});
