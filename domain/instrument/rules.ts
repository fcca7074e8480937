/**
 * Instrument trading rules and the one place where prices and amounts are snapped to the
 * venue grid: bids floor to the tick, asks ceil, amounts floor to the lot step. A level that
 * falls below the venue's minimum amount or notional is dropped — never rounded up.
 */
import { type Decimal, ceilToStep, floorQuotientToStep, floorToStep, ZERO } from '../money/decimal.ts';

export type Side = 'buy' | 'sell';

export interface InstrumentRules {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Price grid step (> 0). */
  readonly tickSize: Decimal;
  /** Amount grid step in base units (> 0). */
  readonly lotStep: Decimal;
  /** Smallest order amount in base units (≥ 0). */
  readonly minAmount: Decimal;
  /** Smallest order notional (price × amount) in quote units (≥ 0). */
  readonly minNotional: Decimal;
}

/** Throws a RangeError naming the field when rules are not usable. */
export function assertValidRules(rules: InstrumentRules): void {
  if (!rules.tickSize.gt(0)) throw new RangeError(`instrument ${rules.symbol}: tickSize must be > 0, got ${rules.tickSize.toString()}`);
  if (!rules.lotStep.gt(0)) throw new RangeError(`instrument ${rules.symbol}: lotStep must be > 0, got ${rules.lotStep.toString()}`);
  if (rules.minAmount.lt(0)) throw new RangeError(`instrument ${rules.symbol}: minAmount must be ≥ 0`);
  if (rules.minNotional.lt(0)) throw new RangeError(`instrument ${rules.symbol}: minNotional must be ≥ 0`);
}

/** Snaps a price to the tick grid away from the market: bids floor, asks ceil. */
export function snapPrice(side: Side, price: Decimal, rules: InstrumentRules): Decimal {
  return side === 'buy' ? floorToStep(price, rules.tickSize) : ceilToStep(price, rules.tickSize);
}

/** Snaps an amount down to the lot grid (never up: we never trade more than asked). */
export function snapAmount(amount: Decimal, rules: InstrumentRules): Decimal {
  return floorToStep(amount, rules.lotStep);
}

export interface SnappedLevel {
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
}

export type SnapResult =
  | { readonly ok: true; readonly level: SnappedLevel }
  | { readonly ok: false; readonly reason: 'non_positive_price' | 'below_min_amount' | 'below_min_notional' };

/**
 * Snaps a desired level (price, amount in base) to the venue grid and checks minimums.
 * A level that ends below min amount or min notional is dropped with the reason.
 */
export function snapLevel(side: Side, price: Decimal, amount: Decimal, rules: InstrumentRules): SnapResult {
  const p = snapPrice(side, price, rules);
  if (!p.gt(ZERO)) return { ok: false, reason: 'non_positive_price' };
  const a = snapAmount(amount, rules);
  if (a.lte(ZERO) || a.lt(rules.minAmount)) return { ok: false, reason: 'below_min_amount' };
  if (p.times(a).lt(rules.minNotional)) return { ok: false, reason: 'below_min_notional' };
  return { ok: true, level: { side, price: p, amount: a } };
}

/**
 * Snaps a quote budget at a price into a base amount: floor(quote / price) to the lot, exactly
 * (the lots come from an integer division, so a quotient just below a lot boundary is never
 * rounded up onto it — see `floorQuotientToStep`).
 */
export function amountForQuote(quote: Decimal, price: Decimal, rules: InstrumentRules): Decimal {
  return floorQuotientToStep(quote, price, rules.lotStep);
}
