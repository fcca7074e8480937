/**
 * Exact decimal strings as venues send them ("61837.63000000").
 *
 * Why not convert to Decimal at once: on the BTCUSDT capture, building a Decimal for every
 * price and size of every message cost about three times as much as `JSON.parse` of the same
 * lines (97k vs 290–380k msg/s measured), and the book bench must stay within 2× of that
 * floor. A validated decimal string is just as exact; the book keys levels by its canonical
 * form and converts to Decimal only when a caller asks for a level.
 */
import { Decimal } from '../money/decimal.ts';
import { isPlainDecimal } from './decimal-scan.ts';

declare const decimalStringBrand: unique symbol;
/** A non-negative plain decimal string (`\d+(\.\d+)?`), validated, not yet a Decimal. */
export type DecimalString = string & { readonly [decimalStringBrand]: true };

/**
 * Whether `s` is a non-negative plain decimal (no sign, no exponent): `/^\d+(?:\.\d+)?$/`,
 * tested by the character loop of decimal-scan.ts, the grammar the book's price scanner
 * applies too (as fast as the regular expression on capture prices, and one definition).
 */
export function isDecimalString(s: unknown): s is DecimalString {
  return typeof s === 'string' && isPlainDecimal(s);
}

/** Validates and brands a decimal string; throws a RangeError naming `what` otherwise. */
export function decimalString(s: string, what = 'value'): DecimalString {
  if (!isDecimalString(s)) throw new RangeError(`${what}: expected a plain non-negative decimal, got ${JSON.stringify(s)}`);
  return s;
}

/**
 * Canonical form: no trailing fractional zeros, no leading integer zeros ("061.500" → "61.5",
 * "0.000" → "0"). Two decimal strings denote the same number iff their canonical forms are equal.
 */
export function canonicalDecimal(s: string): string {
  let end = s.length;
  if (s.indexOf('.') >= 0) {
    while (end > 0 && s.charCodeAt(end - 1) === 48 /* 0 */) end--;
    if (end > 0 && s.charCodeAt(end - 1) === 46 /* . */) end--;
  }
  let start = 0;
  // Keep one zero before the point ("0.5") and a lone "0".
  while (start < end - 1 && s.charCodeAt(start) === 48 && s.charCodeAt(start + 1) !== 46) start++;
  if (start === 0 && end === s.length) return s;
  const out = s.slice(start, end);
  return out === '' ? '0' : out;
}

/** Whether a plain decimal string is zero, without building a Decimal (qty "0.00000000" removes a level). */
export function isZeroDecimalString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}

/** Converts a validated decimal string to a Decimal (exact). */
export function toDecimal(s: DecimalString | string): Decimal {
  return new Decimal(s);
}
