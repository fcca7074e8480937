/**
 * Floating-point *filters* for exact Decimal decisions: a double estimate decides a discrete
 * outcome (which integer a floor lands on, which side of a threshold a value is) when, and only
 * when, the estimate is provably far enough from the decision boundary; otherwise the caller
 * falls back to the exact Decimal computation. Outputs stay exact Decimals either way — the
 * double only chooses the integer, never rounds a money value. (The technique is the standard
 * one of exact geometric predicates: a cheap filter, certified by an error bound, in front of
 * exact arithmetic.)
 *
 * Error budget. `approxNumber` is within 8 ulps (relative 8u, u = 2^−53 ≈ 1.1e−16) of the exact
 * value; each further double operation adds at most u (or, for a subtraction, the callers bound
 * the amplification explicitly). Callers keep their estimates within 200u ≈ 2.2e−14 relative of
 * the exact quantity, and the certification margin below is 1e−12 relative, 45× that. A value
 * computed by the Decimal chain the filter replaces differs from the exact quantity by a few
 * units of the 40th digit (≈1e−39 relative), far inside the margin too, so a certified
 * outcome is the outcome of that chain — bit for bit.
 */
import type { Decimal } from './decimal.ts';

/** Relative margin an estimate must keep from a decision boundary to be trusted. */
export const FILTER_MARGIN = 1e-12;

/** Largest integer a filter will hand out (well inside the doubles' exact integers). */
const MAX_FILTERED = 2 ** 50;

/** 10^p as correctly rounded doubles for p in [−350, 308] (parsed, so each is within u/2). */
const POW10_OFFSET = 350;
const POW10 = Float64Array.from({ length: POW10_OFFSET + 309 }, (_, i) => Number(`1e${i - POW10_OFFSET}`));

/**
 * A double within 8 ulps of the Decimal's value (NaN for NaN/±Infinity, or when the value is
 * outside [1e−300, 1e300] in magnitude, where the bound is not guaranteed).
 *
 * Reads the documented fields `d` (base-1e7 words), `e` (base-10 exponent) and `s` (sign):
 * the value is Σ d[i]·10^(7(E − i)) with E = ⌊e/7⌋. The first four words (≥ 22 digits) are
 * folded into a double (≤ 4 roundings), the rest are below 1e−21 relative; one multiplication
 * by a correctly rounded power of ten (≤ u + u/2) scales it. Cheaper than `toNumber`, which
 * formats the whole digit string and parses it back.
 */
export function approxNumber(x: Decimal): number {
  const d = x.d as number[] | null;
  if (d === null || d === undefined) return Number.NaN;
  const d0 = d[0] as number;
  if (d0 === 0) return 0;
  if (x.e < -300 || x.e > 300) return Number.NaN;
  const n = d.length < 4 ? d.length : 4;
  let v = d0;
  for (let i = 1; i < n; i++) v = v * 1e7 + (d[i] as number);
  const p = 7 * (Math.floor(x.e / 7) - n + 1);
  return x.s * v * (POW10[p + POW10_OFFSET] as number);
}

/**
 * ⌊q⌋ when the estimate q is certified far from an integer (more than `FILTER_MARGIN·|q|`
 * away), for q in [0, 2^50]; undefined when the exact value might lie on the other side.
 */
export function certifiedFloor(q: number): number | undefined {
  if (!(q >= 0 && q <= MAX_FILTERED)) return undefined;
  const k = Math.floor(q);
  const m = q * FILTER_MARGIN;
  return q - k > m && k + 1 - q > m ? k : undefined;
}

/** ⌈q⌉ under the same certification as {@link certifiedFloor}. */
export function certifiedCeil(q: number): number | undefined {
  const k = certifiedFloor(q);
  return k === undefined ? undefined : k + 1;
}

/**
 * Whether a < b, decided from estimates a and b (non-negative, each within the callers' error
 * budget of its exact value): true or false when certain, undefined when too close to call.
 */
export function certifiedLess(a: number, b: number): boolean | undefined {
  if (!(a >= 0 && b >= 0 && a < Infinity && b < Infinity)) return undefined;
  const m = (a > b ? a : b) * FILTER_MARGIN;
  if (a < b - m) return true;
  if (a > b + m) return false;
  return undefined;
}
