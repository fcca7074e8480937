/**
 * The quote of one tick (strategy-epp §4, §5, §7): spread with its floor, skewed and guarded side
 * spreads, level count and net edge for the regime in effect. Level prices (§6) are built from
 * it only when the bot is going to quote (`levels.ts`).
 */
import type { Decimal } from '../../money/decimal.ts';
import type { EppConfig, OneSided, Regime } from './config.ts';
import { netEdge } from './edge.ts';
import type { RegimeThresholds } from './regime.ts';
import { type FloorCache, flooredSpread, guardSideSpread, levelCount, marketSpreadPct, minSideSpread, regimeSpread, volPosition } from './spread.ts';
import { sideSpreads, skewFactor, skewOf, targetBasePct } from './skew.ts';

/** Every number behind a tick's quote (also the telemetry snapshot). */
export interface EppQuote {
  readonly regime: Regime;
  readonly mid: Decimal;
  readonly bandPct: Decimal;
  /** Vol position v ∈ [0, 1]. */
  readonly v: Decimal;
  /** Spread after the floor. */
  readonly spread: Decimal;
  readonly floor: Decimal;
  readonly targetBasePct: Decimal;
  readonly basePct: Decimal;
  readonly skew: Decimal;
  /** Side spreads after skew and the inside-book guard. */
  readonly buySpread: Decimal;
  readonly sellSpread: Decimal;
  readonly levels: number;
  readonly netEdge: Decimal;
  readonly refreshS: number;
  readonly oneSided: OneSided;
}

export interface QuoteInputs {
  readonly now: number;
  readonly regime: Regime;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly mid: Decimal;
  readonly thresholds: RegimeThresholds;
  readonly basePct: Decimal;
  readonly targetOverride: Decimal | null;
  readonly fundingRate: Decimal | null;
  /** The current floor (`floorAt`). */
  readonly floor: FloorCache;
}

/** Computes the quote of one tick. */
export function computeQuote(x: QuoteInputs, config: EppConfig): EppQuote {
  const spec = config.regimes[x.regime];
  const band = x.thresholds.bandPct;
  const v = volPosition(band, config);
  const floor = x.floor;
  const spread = flooredSpread(regimeSpread(spec, v), floor.value);
  const target = targetBasePct(spec.targetBasePct, x.targetOverride, config);
  const skew = skewOf(target, x.basePct, skewFactor(x.regime, config), config.skewCap);
  const sides = sideSpreads(spread, skew);
  const minSide = minSideSpread(marketSpreadPct(x.bid, x.ask, x.mid), config);
  return {
    regime: x.regime,
    mid: x.mid,
    bandPct: band,
    v,
    spread,
    floor: floor.value,
    targetBasePct: target,
    basePct: x.basePct,
    skew,
    buySpread: guardSideSpread(sides.buy, minSide),
    sellSpread: guardSideSpread(sides.sell, minSide),
    levels: levelCount(spec, v),
    netEdge: netEdge(spread, config, spec.refreshS, x.fundingRate),
    refreshS: spec.refreshS,
    oneSided: spec.oneSided,
  };
}
