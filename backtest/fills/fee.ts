/** Fees of the estimated (OHLCV) fill models: a percentage of the fill's notional, in quote. */
import type { Decimal } from '../../domain/money/decimal.ts';

/** `price·amount·feePct` in quote; a negative `feePct` is a rebate (negative fee). */
export function feeQuote(price: Decimal, amount: Decimal, feePct: Decimal): Decimal {
  return price.times(amount).times(feePct);
}
