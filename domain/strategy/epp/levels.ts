/**
 * Levels and sizing (strategy-epp §6). Level i of a side sits at
 * `spread_i = sideSpread·(1 + i·spread_step_multiplier)`; prices and amounts go through the
 * instrument's snapping (bids floor, asks ceil, amounts floor) and a level under the venue's
 * minimums is dropped, never rounded up. Level ids are `buy_0, buy_1, …, sell_0, …`.
 */
import type { InstrumentRules, Side } from '../../instrument/rules.ts';
import { amountForQuote, snapPrice } from '../../instrument/rules.ts';
import { type Decimal, ONE, ZERO } from '../../money/decimal.ts';
import type { EppConfig, OneSided } from './config.ts';

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
  return `${side}_${index}`;
}

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

/** One side's snapped levels, nearest first; dropped levels are left out (ids keep their index). */
export function sideLevels(side: Side, sideSpread: Decimal, x: LevelInputs, perLevel: Decimal, config: EppConfig, rules: InstrumentRules): DesiredOrder[] {
  const out: DesiredOrder[] = [];
  for (let i = 0; i < x.levels; i++) {
    const spreadI = i === 0 ? sideSpread : sideSpread.times(config.spreadStepMultiplier.times(i).plus(ONE));
    const raw = side === 'buy' ? x.mid.times(ONE.minus(spreadI)) : x.mid.times(ONE.plus(spreadI));
    // Snapping is the instrument's (bids floor, asks ceil; amount = quote/price floored to the lot);
    // below-minimum levels are dropped exactly as `snapLevel` drops them.
    const price = snapPrice(side, raw, rules);
    if (!price.gt(ZERO)) continue;
    const amount = amountForQuote(perLevel, price, rules);
    if (amount.lte(ZERO) || amount.lt(rules.minAmount) || price.times(amount).lt(rules.minNotional)) continue;
    out.push({ levelId: levelId(side, i), side, index: i, price, amount });
  }
  return out;
}

/**
 * Both sides' desired orders in priority order (buy_0, sell_0, buy_1, sell_1, …) so that a cap
 * on active orders keeps the innermost levels. A side turned off by `one_sided` is empty.
 */
export function buildLevels(x: LevelInputs, config: EppConfig, rules: InstrumentRules): DesiredOrder[] {
  if (x.levels <= 0) return [];
  const perLevel = quotePerLevel(config.totalAmountQuote, x.levels);
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
