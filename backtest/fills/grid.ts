/**
 * The instrument-grid check every fill simulator applies to a new order before anything else:
 * prices on the tick grid, amounts on the lot grid, and the venue minimums. A strategy that
 * submits an off-grid order gets a reject naming the field (a venue would refuse it too) —
 * the simulator never snaps it silently.
 */
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { type Decimal, isOnStep } from '../../domain/money/decimal.ts';

/** Why an order failed the grid check; each reason names the field and the rule it broke. */
export type GridRejectReason =
  | 'price_not_positive'
  | 'price_off_tickSize'
  | 'amount_not_positive'
  | 'amount_off_lotStep'
  | 'amount_below_minAmount'
  | 'notional_below_minNotional';

/** The first grid rule `price`/`amount` break (checked in the order of the union), or null. */
export function gridReject(rules: InstrumentRules, price: Decimal, amount: Decimal): GridRejectReason | null {
  if (!price.isFinite() || !price.gt(0)) return 'price_not_positive';
  if (!isOnStep(price, rules.tickSize)) return 'price_off_tickSize';
  if (!amount.isFinite() || !amount.gt(0)) return 'amount_not_positive';
  if (!isOnStep(amount, rules.lotStep)) return 'amount_off_lotStep';
  if (amount.lt(rules.minAmount)) return 'amount_below_minAmount';
  if (price.times(amount).lt(rules.minNotional)) return 'notional_below_minNotional';
  return null;
}
