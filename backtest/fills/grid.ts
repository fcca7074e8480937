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

/**
 * Decimal places k when `step` is 10^−k (k ≥ 0), else −1 — read from decimal.js's documented
 * fields (`d` base-1e7 words, `e` exponent): a power of ten is one word that is a power of ten.
 */
function stepPlaces(step: Decimal): number {
  const d = step.d as number[] | null;
  if (d === null || step.s !== 1 || d.length !== 1 || step.e > 0) return -1;
  const w = d[0] as number;
  return w === 1 || w === 10 || w === 100 || w === 1000 || w === 10_000 || w === 100_000 || w === 1_000_000 ? -step.e : -1;
}

/**
 * `isOnStep(x, step)`: on a power-of-ten grid, "no more than k decimal places" (exact, and
 * without the `mod`, a division, that every order placed used to pay twice).
 */
function onStep(x: Decimal, step: Decimal): boolean {
  const k = stepPlaces(step);
  return k >= 0 && x.isFinite() ? x.decimalPlaces() <= k : isOnStep(x, step);
}

/** The first grid rule `price`/`amount` break (checked in the order of the union), or null. */
export function gridReject(rules: InstrumentRules, price: Decimal, amount: Decimal): GridRejectReason | null {
  if (!price.isFinite() || !price.gt(0)) return 'price_not_positive';
  if (!onStep(price, rules.tickSize)) return 'price_off_tickSize';
  if (!amount.isFinite() || !amount.gt(0)) return 'amount_not_positive';
  if (!onStep(amount, rules.lotStep)) return 'amount_off_lotStep';
  if (amount.lt(rules.minAmount)) return 'amount_below_minAmount';
  if (price.times(amount).lt(rules.minNotional)) return 'notional_below_minNotional';
  return null;
}
