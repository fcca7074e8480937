/**
 * Inventory skew (strategy-epp §5): equity and base share of the account, the skew toward the
 * target base %, and the side spreads it yields (`buy + sell = 2·spread`).
 */
import { type Decimal, ONE, ZERO, clamp, cmp } from '../../money/decimal.ts';
import type { EppConfig, Regime } from './config.ts';
import type { PerpBalances, SpotBalances } from './types.ts';

/** Spot: `quote + base·mid`. Perps: `margin_balance + unrealized_pnl`. */
export function equityOf(b: SpotBalances | PerpBalances, mid: Decimal): Decimal {
  return b.kind === 'spot' ? b.quote.plus(b.base.times(mid)) : b.marginBalance.plus(b.unrealizedPnl);
}

/** `basePct = base·mid / equity` (perps: the signed position as base). Null when equity ≤ 0. */
export function basePctOf(b: SpotBalances | PerpBalances, mid: Decimal, equity: Decimal): Decimal | null {
  if (!(cmp(equity, ZERO) > 0)) return null;
  const base = b.kind === 'spot' ? b.base : b.position;
  return base.times(mid).dividedBy(equity);
}

/** The target base %: the operator's override clamped to [min, max], else the regime's. */
export function targetBasePct(regimeTarget: Decimal, override: Decimal | null, config: EppConfig): Decimal {
  return override === null ? regimeTarget : clamp(override, config.targetBasePctMin, config.targetBasePctMax);
}

/** `trend_skew_factor` in up/down, `neutral_skew_factor` otherwise. */
export function skewFactor(regime: Regime, config: EppConfig): Decimal {
  return regime === 'up' || regime === 'down' ? config.trendSkewFactor : config.neutralSkewFactor;
}

/** `skew = clamp((target − basePct)·factor, −skew_cap, +skew_cap)`. */
export function skewOf(target: Decimal, basePct: Decimal, factor: Decimal, cap: Decimal): Decimal {
  return clamp(target.minus(basePct).times(factor), cap.negated(), cap);
}

/** `buy = spread·(1 − skew)`, `sell = spread·(1 + skew)`: positive skew tightens bids. */
export function sideSpreads(spread: Decimal, skew: Decimal): { readonly buy: Decimal; readonly sell: Decimal } {
  return { buy: spread.times(ONE.minus(skew)), sell: spread.times(ONE.plus(skew)) };
}
