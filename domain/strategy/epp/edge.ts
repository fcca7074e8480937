/**
 * The edge model (strategy-epp §7):
 * `netEdge = fill_factor·spread − maker_fee_pct − slippage_est_pct − adverse_drift_est_pct
 *  − turnover_penalty_pct − funding_cost_est`, with `funding_cost_est = |funding_rate|·(refresh_s/28800)`
 * on perps and 0 on spot. Non-decreasing in spread whenever fill_factor ≥ 0.
 */
import { type Decimal, ZERO } from '../../money/decimal.ts';
import type { EppConfig } from './config.ts';

/** Seconds in one 8-hour funding period. */
export const FUNDING_PERIOD_S = 28_800;

/** `|funding_rate|·(refresh_s/28800)` on perps with a known rate; 0 otherwise. */
export function fundingCostEst(config: EppConfig, refreshS: number, fundingRate: Decimal | null): Decimal {
  if (config.market !== 'perp' || fundingRate === null) return ZERO;
  return fundingRate.abs().times(refreshS).dividedBy(FUNDING_PERIOD_S);
}

/** The costs subtracted from the expected capture (everything but `fill_factor·spread`). */
export function edgeCosts(config: EppConfig, refreshS: number, fundingRate: Decimal | null): Decimal {
  return config.makerFeePct
    .plus(config.slippageEstPct)
    .plus(config.adverseDriftEstPct)
    .plus(config.turnoverPenaltyPct)
    .plus(fundingCostEst(config, refreshS, fundingRate));
}

/**
 * Funding-free edge costs by config and `refresh_s`: without a funding term they depend on the
 * config alone, so they are summed once (a config is immutable and compared by identity).
 */
const FIXED_COSTS = new WeakMap<EppConfig, Map<number, Decimal>>();

function costsOf(config: EppConfig, refreshS: number, fundingRate: Decimal | null): Decimal {
  if (config.market === 'perp' && fundingRate !== null) return edgeCosts(config, refreshS, fundingRate);
  let byRefresh = FIXED_COSTS.get(config);
  if (byRefresh === undefined) FIXED_COSTS.set(config, (byRefresh = new Map()));
  let c = byRefresh.get(refreshS);
  if (c === undefined) byRefresh.set(refreshS, (c = edgeCosts(config, refreshS, null)));
  return c;
}

/** Net edge of quoting at `spread`. */
export function netEdge(spread: Decimal, config: EppConfig, refreshS: number, fundingRate: Decimal | null): Decimal {
  return config.fillFactor.times(spread).minus(costsOf(config, refreshS, fundingRate));
}
