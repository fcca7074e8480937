/**
 * The spread engine (strategy-epp §4): vol position, regime spread and level count, the spread
 * floor (recomputed at most every `spread_floor_recalc_s`) and the never-inside-the-book guard.
 */
import { type Decimal, Decimal as D, ONE, ZERO, clamp, dmax } from '../../money/decimal.ts';
import type { EppConfig, RegimeSpec } from './config.ts';
import { eppConsts } from './consts.ts';

const HALF = new D('0.5');

/** `v = clamp((bandPct − band_lo)/(band_hi − band_lo), 0, 1)`. */
export function volPosition(bandPct: Decimal, config: EppConfig): Decimal {
  const width = eppConsts(config).bandWidth;
  if (!width.gt(ZERO)) return bandPct.gte(config.bandHi) ? ONE : ZERO;
  return clamp(bandPct.minus(config.bandLo).dividedBy(width), ZERO, ONE);
}

/** `spread = spread_min + (spread_max − spread_min)·v` (before the floor). */
export function regimeSpread(spec: RegimeSpec, v: Decimal): Decimal {
  return spec.spreadMin.plus(spec.spreadMax.minus(spec.spreadMin).times(v));
}

/**
 * `levels = levels_max − round((levels_max − levels_min)·v)`; `round` is half-up (0.5 → 1),
 * the usual reading of the Python plan's `round` for non-negative values.
 */
export function levelCount(spec: RegimeSpec, v: Decimal): number {
  const steps = new D(spec.levelsMax - spec.levelsMin).times(v).toDecimalPlaces(0, D.ROUND_HALF_UP).toNumber();
  return spec.levelsMax - steps;
}

/**
 * `floor = 2·maker_fee_pct + slippage_est_pct + adverse_drift_est_pct + min_net_edge_bps/10000
 *  + vol_penalty_multiplier·bandPct`.
 */
export function spreadFloor(bandPct: Decimal, config: EppConfig): Decimal {
  // The constant part is summed once per config, in the same order (so the same roundings).
  return eppConsts(config).floorBase.plus(config.volPenaltyMultiplier.times(bandPct));
}

/** The floor as last computed, and when. */
export interface FloorCache {
  readonly value: Decimal;
  readonly computedAt: number;
}

/** Returns the cached floor, recomputing it when absent or `spread_floor_recalc_s` old. */
export function floorAt(cache: FloorCache | null, bandPct: Decimal, now: number, config: EppConfig): FloorCache {
  if (cache !== null && now - cache.computedAt < config.spreadFloorRecalcS * 1000) return cache;
  return { value: spreadFloor(bandPct, config), computedAt: now };
}

/** `max(regime spread, floor)`. */
export function flooredSpread(spread: Decimal, floor: Decimal): Decimal {
  return dmax(spread, floor);
}

/** `(ask − bid)/mid`. */
export function marketSpreadPct(bid: Decimal, ask: Decimal, mid: Decimal): Decimal {
  return ask.minus(bid).dividedBy(mid);
}

/** The smallest side spread that keeps a quote outside the book: `marketSpreadPct/2 + buffer`. */
export function minSideSpread(mktSpreadPct: Decimal, config: EppConfig): Decimal {
  // ·0.5 rather than /2: the same correctly rounded value, without a long division.
  return mktSpreadPct.times(HALF).plus(config.insideBookBufferPct);
}

/** Applies the never-inside-the-book guard to one side's spread. */
export function guardSideSpread(sideSpread: Decimal, minSide: Decimal): Decimal {
  return dmax(sideSpread, minSide);
}
