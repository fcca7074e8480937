/**
 * How the report prints Decimals, so the same run gives the same bytes: always plain decimal
 * notation (never `1e-7`), never a float. Sums and products of the inputs are printed exactly;
 * quotients and square roots (which carry the 40 significant digits of the desk's Decimal) are
 * rounded half-even to `RATIO_DP` decimal places first.
 */
import type { Decimal } from '../../domain/money/decimal.ts';

export const RATIO_DP = 12;

/** Exact plain notation (`-0` prints as `0`). */
export function exact(d: Decimal): string {
  return d.toFixed();
}

/** Rounded to RATIO_DP places (half-even), plain notation, no trailing zeros. */
export function ratio(d: Decimal): string {
  return d.toDecimalPlaces(RATIO_DP).toFixed();
}
