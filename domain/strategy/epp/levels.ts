/**
 * Levels and sizing (strategy-epp §6). Level i of a side sits at
 * `spread_i = sideSpread·(1 + i·spread_step_multiplier)`; prices and amounts go through the
 * instrument's snapping (bids floor, asks ceil, amounts floor) and a level under the venue's
 * minimums is dropped, never rounded up. Level ids are `buy_0, buy_1, …, sell_0, …`.
 */
import type { InstrumentRules, Side } from '../../instrument/rules.ts';
import { amountForQuote, snapPrice } from '../../instrument/rules.ts';
import { approxNumber, certifiedCeil, certifiedFloor, certifiedLess } from '../../money/approx.ts';
import { type Decimal, ONE, ZERO, cmp } from '../../money/decimal.ts';
import type { EppConfig, OneSided } from './config.ts';
import { perLevelQuote, stepFactor } from './consts.ts';

/** One order the controller wants resting. */
export interface DesiredOrder {
  readonly levelId: string;
  readonly side: Side;
  readonly index: number;
  readonly price: Decimal;
  readonly amount: Decimal;
}

/** `buy_0`, `sell_2`, … */
export function levelId(side: Side, index: number): string {
  // The same string object for the same level, tick after tick: the order diff matches ids
  // by identity before it has to compare characters.
  if (index >= 0 && index < LEVEL_IDS && Number.isInteger(index)) return (side === 'buy' ? BUY_IDS : SELL_IDS)[index] as string;
  return `${side}_${index}`;
}

const LEVEL_IDS = 64;
const BUY_IDS: readonly string[] = Array.from({ length: LEVEL_IDS }, (_, i) => `buy_${i}`);
const SELL_IDS: readonly string[] = Array.from({ length: LEVEL_IDS }, (_, i) => `sell_${i}`);

/** Parses a level id; null when it is not one of ours. */
export function parseLevelId(id: string): { readonly side: Side; readonly index: number } | null {
  const m = /^(buy|sell)_(\d{1,3})$/.exec(id);
  if (m === null) return null;
  return { side: m[1] as Side, index: Number(m[2]) };
}

/** Whether `one_sided` lets a side quote. */
export function sideEnabled(side: Side, oneSided: OneSided): boolean {
  return oneSided === 'off' || (side === 'buy' ? oneSided === 'buy_only' : oneSided === 'sell_only');
}

export interface LevelInputs {
  readonly mid: Decimal;
  /** Side spreads after skew and the inside-book guard. */
  readonly buySpread: Decimal;
  readonly sellSpread: Decimal;
  readonly levels: number;
  readonly oneSided: OneSided;
}

/** The quote per level: `total_amount_quote / (2·levels)`. */
export function quotePerLevel(totalQuote: Decimal, levels: number): Decimal {
  return totalQuote.dividedBy(2 * levels);
}

/**
 * One side's snapped levels, nearest first; dropped levels are left out (ids keep their index).
 *
 * Each level is `snapPrice(mid·(1 ∓ spread_i))`, `amountForQuote(perLevel, price)` and the
 * minimum checks. The Decimal chain for that costs a dozen long multiplications and roundings
 * per level, and the ladder is rebuilt whenever the touch moves; so a double estimate first
 * picks the tick count k (price = k·tick) and the lot count (amount = n·lot), and is trusted
 * only when certified (money/approx.ts: far from the floor/ceil boundary given its error bound).
 * An uncertain level takes the exact chain. Prices and amounts are exact Decimals either way,
 * and equal to what the chain gives (the filter's margin covers the chain's own roundings).
 */
export function sideLevels(side: Side, sideSpread: Decimal, x: LevelInputs, perLevel: Decimal, config: EppConfig, rules: InstrumentRules): DesiredOrder[] {
  const out: DesiredOrder[] = [];
  const est = estimates(x.mid, sideSpread, perLevel, rules);
  for (let i = 0; i < x.levels; i++) {
    const k = est === null ? undefined : priceTicks(side, est, i === 0 ? 1 : approxNumber(stepFactor(config, i)));
    let price: Decimal;
    if (k !== undefined) {
      if (k <= 0) continue; // certified: the snapped price is ≤ 0
      price = rules.tickSize.times(k);
    } else {
      const spreadI = i === 0 ? sideSpread : sideSpread.times(stepFactor(config, i));
      const raw = side === 'buy' ? x.mid.times(ONE.minus(spreadI)) : x.mid.times(ONE.plus(spreadI));
      // Snapping is the instrument's (bids floor, asks ceil; amount = quote/price floored to the lot);
      // below-minimum levels are dropped exactly as `snapLevel` drops them.
      price = snapPrice(side, raw, rules);
      if (cmp(price, ZERO) <= 0) continue;
    }
    const lots = est === null || k === undefined ? undefined : certifiedFloor(est.perLevel / (k * est.tick * est.lot));
    const amount = lots === undefined ? amountForQuote(perLevel, price, rules) : rules.lotStep.times(lots);
    if (cmp(amount, ZERO) <= 0 || cmp(amount, rules.minAmount) < 0) continue;
    const short = est === null || k === undefined || lots === undefined ? undefined : certifiedLess(k * est.tick * (lots * est.lot), est.minNotional);
    if (short ?? cmp(price.times(amount), rules.minNotional) < 0) continue;
    out.push({ levelId: levelId(side, i), side, index: i, price, amount });
  }
  return out;
}

/** Double estimates (each within 8 ulps) of one side's inputs, or null when one is unusable. */
interface Estimates {
  readonly mid: number;
  readonly spread: number;
  readonly perLevel: number;
  readonly tick: number;
  readonly lot: number;
  readonly minNotional: number;
}

function estimates(mid: Decimal, spread: Decimal, perLevel: Decimal, rules: InstrumentRules): Estimates | null {
  const e: Estimates = {
    mid: approxNumber(mid),
    spread: approxNumber(spread),
    perLevel: approxNumber(perLevel),
    tick: approxNumber(rules.tickSize),
    lot: approxNumber(rules.lotStep),
    minNotional: approxNumber(rules.minNotional),
  };
  // Positive finite mid, tick, lot and budget, a non-negative spread; and a tick and lot of at most
  // two base-1e7 words (≤ 14 digits), so k·tick and n·lot (k, n < 2^50) are exact products.
  const short = rules.tickSize.d.length <= 2 && rules.lotStep.d.length <= 2;
  const ok = short && e.mid > 0 && e.tick > 0 && e.lot > 0 && e.perLevel > 0 && e.minNotional >= 0 && e.spread >= 0 && e.spread <= 1e6;
  return ok ? e : null;
}

/**
 * The snapped price of level i in ticks (floor for bids, ceil for asks), when certified.
 * Error: spread·factor within 17u; `1 − x` with x ≤ 0.9 amplifies it by at most x/(1 − x) ≤ 9
 * (hence the 0.1 bound), `1 + x` not at all; mid, tick and three more operations add ≤ 19u:
 * ≤ 172u in all, inside the filter's 200u budget.
 */
function priceTicks(side: Side, e: Estimates, factor: number): number | undefined {
  const x = e.spread * factor;
  const scale = side === 'buy' ? 1 - x : 1 + x;
  if (!(scale >= 0.1)) return undefined;
  const q = (e.mid * scale) / e.tick;
  return side === 'buy' ? certifiedFloor(q) : certifiedCeil(q);
}

/**
 * Both sides' desired orders in priority order (buy_0, sell_0, buy_1, sell_1, …) so that a cap
 * on active orders keeps the innermost levels. A side turned off by `one_sided` is empty.
 */
export function buildLevels(x: LevelInputs, config: EppConfig, rules: InstrumentRules): DesiredOrder[] {
  if (x.levels <= 0) return [];
  const perLevel = perLevelQuote(config, x.levels); // = quotePerLevel(total_amount_quote, levels), once per config
  const buys = sideEnabled('buy', x.oneSided) ? sideLevels('buy', x.buySpread, x, perLevel, config, rules) : [];
  const sells = sideEnabled('sell', x.oneSided) ? sideLevels('sell', x.sellSpread, x, perLevel, config, rules) : [];
  const out: DesiredOrder[] = [];
  for (let i = 0; i < x.levels; i++) {
    const b = buys.find((o) => o.index === i);
    const s = sells.find((o) => o.index === i);
    if (b !== undefined) out.push(b);
    if (s !== undefined) out.push(s);
  }
  return out;
}
