/** Small shared helpers of the reconciliation checks. */
import { type Decimal, ZERO } from '../money/decimal.ts';

/** |a − b| ≤ rel · max(|a|, |b|): equal within a relative tolerance (exactly equal when both are 0). */
export function withinRel(a: Decimal, b: Decimal, rel: Decimal): boolean {
  const scale = a.abs().gt(b.abs()) ? a.abs() : b.abs();
  return a.minus(b).abs().lte(scale.times(rel));
}

/** venue − local, as a signed decimal string. */
export const diffOf = (venue: Decimal, local: Decimal): string => venue.minus(local).toFixed();

export const str = (x: Decimal): string => x.toFixed();

export const isZero = (x: Decimal): boolean => x.eq(ZERO);

/** Code-unit order (not locale order), so the result is the same everywhere. */
export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
