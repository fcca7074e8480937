/**
 * Matching arithmetic of the paper engine (strategy-epp §12): when an order crosses the book,
 * how much one fill takes (the partial-fill rule), and how a taker fill walks the book's
 * levels and pays slippage. Pure functions over Decimal.
 */
import type { Side } from '../instrument/rules.ts';
import type { BookTop, PriceLevel } from '../market/types.ts';
import { type Decimal, ONE, ZERO, dmin, floorToStep, sum } from '../money/decimal.ts';

/** Whether an order at `price` (null = market) would take liquidity from `top`. */
export function crossesBook(side: Side, price: Decimal | null, top: BookTop): boolean {
  if (price === null) return (side === 'buy' ? top.asks : top.bids).length > 0;
  return side === 'buy' ? price.gte(top.ask) : price.lte(top.bid);
}

/**
 * Amount of one fill: `ratio × remaining`, floored to the lot step, capped by `available`.
 * - a fill is at least one lot (or the whole remainder when that is smaller);
 * - when what would remain is below one lot, the fill takes the whole remainder (no dust);
 * - when capped by `available`, the amount is floored to the lot (it may then be 0: no fill).
 * The result is never above `remaining` nor above `available`.
 */
export function fillAmount(remaining: Decimal, available: Decimal, ratio: Decimal, lotStep: Decimal): Decimal {
  if (remaining.lte(ZERO) || available.lte(ZERO)) return ZERO;
  let want = floorToStep(remaining.times(ratio), lotStep);
  if (want.lt(lotStep)) want = dmin(lotStep, remaining);
  if (remaining.minus(want).lt(lotStep)) want = remaining;
  if (want.lte(available)) return want;
  return floorToStep(available, lotStep);
}

/** Opposing levels an order on `side` takes from: asks for a buy, bids for a sell. */
function opposing(side: Side, top: BookTop): readonly PriceLevel[] {
  return side === 'buy' ? top.asks : top.bids;
}

function takenAt(taken: readonly PriceLevel[], price: Decimal): Decimal {
  return sum(taken.filter((t) => t.price.eq(price)).map((t) => t.size));
}

/**
 * Opposing levels still available to us: displayed size minus what our earlier taker fills
 * took from this same book, limited to prices at or better than `limit` (null = any price).
 */
export function takeableLevels(side: Side, limit: Decimal | null, top: BookTop, taken: readonly PriceLevel[]): PriceLevel[] {
  const out: PriceLevel[] = [];
  for (const level of opposing(side, top)) {
    if (limit !== null && (side === 'buy' ? level.price.gt(limit) : level.price.lt(limit))) break;
    const size = level.size.minus(takenAt(taken, level.price));
    if (size.gt(ZERO)) out.push({ price: level.price, size });
  }
  return out;
}

export interface TakerFill {
  readonly amount: Decimal;
  /** Volume-weighted price of the levels walked, before slippage. */
  readonly vwap: Decimal;
  /** Per level, what this fill took (to add to the book's `taken`). */
  readonly took: readonly PriceLevel[];
}

/** Walks `levels` (best first) for `amount`, which must not exceed their total size. */
export function walkLevels(levels: readonly PriceLevel[], amount: Decimal): TakerFill {
  const took: PriceLevel[] = [];
  let left = amount;
  let notional = ZERO;
  for (const level of levels) {
    if (left.lte(ZERO)) break;
    const q = dmin(left, level.size);
    took.push({ price: level.price, size: q });
    notional = notional.plus(q.times(level.price));
    left = left.minus(q);
  }
  if (left.gt(ZERO)) throw new RangeError(`walkLevels: ${amount.toString()} exceeds the levels' size`);
  return { amount, vwap: notional.dividedBy(amount), took };
}

/**
 * Taker price after slippage: a buy pays `vwap·(1 + slip)`, a sell gets `vwap·(1 − slip)`,
 * but a limit order never fills beyond its limit, so the result is clamped to it.
 */
export function takerPrice(side: Side, vwap: Decimal, slippagePct: Decimal, limit: Decimal | null): Decimal {
  const slipped = side === 'buy' ? vwap.times(ONE.plus(slippagePct)) : vwap.times(ONE.minus(slippagePct));
  if (limit === null) return slipped;
  return side === 'buy' ? dmin(slipped, limit) : (slipped.lt(limit) ? limit : slipped);
}

/** Fee in quote units: `price·amount·feePct`. */
export function feeOf(price: Decimal, amount: Decimal, feePct: Decimal): Decimal {
  return price.times(amount).times(feePct);
}
