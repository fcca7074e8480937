/**
 * Fill accounting for one order: the cumulative filled amount never exceeds the order amount.
 * An overfill (a venue reporting more than was ordered) is clamped and returned separately so
 * the reconciler can surface it instead of it vanishing.
 */
import { Decimal, ZERO } from '../money/decimal.ts';

export interface FillOutcome {
  /** Cumulative filled amount after the fill, at most the order amount. */
  readonly filled: Decimal;
  /** True when the order amount is now fully filled. */
  readonly complete: boolean;
  /** The part of the fill beyond the order amount (zero in the normal case). */
  readonly overfill: Decimal;
}

/** Applies a fill of `fill` to an order of `amount` that has `filled` so far. Throws a RangeError on a non-positive fill. */
export function applyFill(amount: Decimal, filled: Decimal, fill: Decimal): FillOutcome {
  if (!fill.isFinite() || fill.lte(ZERO)) throw new RangeError(`fill: expected a positive amount, got ${fill.toString()}`);
  const total = filled.plus(fill);
  if (total.lt(amount)) return { filled: total, complete: false, overfill: ZERO };
  return { filled: amount, complete: true, overfill: total.minus(amount) };
}

/** Remaining amount to fill; zero once complete. */
export function remaining(amount: Decimal, filled: Decimal): Decimal {
  return Decimal.max(ZERO, amount.minus(filled));
}
