/**
 * Band % (strategy-epp §2): the ATR as a fraction of the close, `bandPct = atr / close`.
 */
import type { Decimal } from '../money/decimal.ts';

/** `atr / close`. RangeError when `close ≤ 0` (a band relative to a non-positive price is meaningless). */
export function bandPct(atr: Decimal, close: Decimal): Decimal {
  if (!close.gt(0)) throw new RangeError(`bandPct: close must be > 0, got ${close.toString()}`);
  return atr.dividedBy(close);
}
