/**
 * The quote of one tick (strategy-epp §4, §5, §7): spread with its floor, skewed and guarded side
 * spreads, level count and net edge for the regime in effect. Level prices (§6) are built from
 * it only when the bot is going to quote (`levels.ts`).
 */
import { approxNumber, certifiedLess } from '../../money/approx.ts';
import { type Decimal, clamp } from '../../money/decimal.ts';
import type { EppConfig, OneSided, Regime } from './config.ts';
import { eppConsts } from './consts.ts';
import { netEdge } from './edge.ts';
import type { RegimeThresholds } from './regime.ts';
import { type FloorCache, flooredSpread, guardSideSpread, levelCount, marketSpreadPct, minSideSpread, regimeSpread, volPosition } from './spread.ts';
import { sideSpreads, skewFactor, targetBasePct } from './skew.ts';

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
  return computeQuoteReusing(x, config, null);
}

/**
 * {@link computeQuote}, taking the regime part of the quote — vol position, spread and floor,
 * target, level count, net edge: everything that does not depend on the touch or the balances —
 * from `same` when given. The caller passes a quote computed under the same config, regime,
 * thresholds, floor, target override and funding rate (see `sameRegimeInputs`), so those fields
 * would be recomputed to the very same values; the touch part (base %, skew, side spreads, the
 * inside-book guard) is always computed.
 */
export function computeQuoteReusing(x: QuoteInputs, config: EppConfig, same: EppQuote | null): EppQuote {
  const spec = config.regimes[x.regime];
  let v: Decimal;
  let spread: Decimal;
  let target: Decimal;
  let levels: number;
  let edge: Decimal;
  if (same !== null) {
    ({ v, spread, targetBasePct: target, levels, netEdge: edge } = same);
  } else {
    v = volPosition(x.thresholds.bandPct, config);
    spread = flooredSpread(regimeSpread(spec, v), x.floor.value);
    target = targetBasePct(spec.targetBasePct, x.targetOverride, config);
    levels = levelCount(spec, v);
    edge = netEdge(spread, config, spec.refreshS, x.fundingRate);
  }
  // = skewOf(target, basePct, factor, skew_cap), with −skew_cap negated once per config.
  const skew = clamp(target.minus(x.basePct).times(skewFactor(x.regime, config)), eppConsts(config).negSkewCap, config.skewCap);
  const sides = guardedSides(x, sideSpreads(spread, skew), config);
  return {
    regime: x.regime,
    mid: x.mid,
    bandPct: x.thresholds.bandPct,
    v,
    spread,
    floor: x.floor.value,
    targetBasePct: target,
    basePct: x.basePct,
    skew,
    buySpread: sides.buy,
    sellSpread: sides.sell,
    levels,
    netEdge: edge,
    refreshS: spec.refreshS,
    oneSided: spec.oneSided,
  };
}

/**
 * The never-inside-the-book guard on both side spreads: `max(side, marketSpreadPct/2 + buffer)`.
 * The market's half spread plus buffer is tiny next to a quoting spread (a tick at ~60k is
 * 0.00008% against 0.25%), so the guard almost never binds; a double estimate of it (the
 * bid–ask difference is exact, every other term within 8 ulps, ≤ 19u after the operations on
 * non-negative terms) certifies that, and only then is the exact guard — a division — skipped.
 * The result is the very Decimal `guardSideSpread` returns: the side spread itself.
 */
function guardedSides(x: QuoteInputs, sides: { readonly buy: Decimal; readonly sell: Decimal }, config: EppConfig): { readonly buy: Decimal; readonly sell: Decimal } {
  const buffer = approxNumber(config.insideBookBufferPct);
  if (buffer >= 0) {
    const half = (approxNumber(x.ask.minus(x.bid)) / approxNumber(x.mid)) * 0.5 + buffer;
    if (certifiedLess(half, approxNumber(sides.buy)) === true && certifiedLess(half, approxNumber(sides.sell)) === true) return sides;
  }
  const minSide = minSideSpread(marketSpreadPct(x.bid, x.ask, x.mid), config);
  return { buy: guardSideSpread(sides.buy, minSide), sell: guardSideSpread(sides.sell, minSide) };
}
