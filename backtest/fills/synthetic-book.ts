/**
 * The synthetic book of the OHLCV fill models: `mid ± halfSpread`, where
 * `halfSpread = max(tick, spreadAtrMult·vol)` and `vol` is the Wilder ATR(atrPeriod) of the bars
 * folded in so far. Before the ATR has its `atrPeriod` bars, `vol` is the FIRST bar's
 * |close − open| (a body, not a range: the bar's high and low never set a quote directly), and
 * the one-tick floor keeps the spread open when that body is 0.
 *
 * The quotes are snapped onto the tick grid away from the mid (bid floors, ask ceils), so they
 * are prices an order can rest at and `ask − bid ≥ 2 ticks`. Levels carry size 0: OHLCV data
 * has no depth, and inventing some would be a fabricated number.
 */
import { type AtrState, atrInit, atrUpdate } from '../../domain/indicators/atr.ts';
import type { Bar, BookTop } from '../../domain/market/types.ts';
import { approxNumber, certifiedLess } from '../../domain/money/approx.ts';
import { type Decimal, ZERO, ceilToStep, dmax, floorToStep } from '../../domain/money/decimal.ts';

/** Running state of the half-spread estimate. */
export interface SpreadEstimate {
  readonly tick: Decimal;
  readonly mult: Decimal;
  readonly atr: AtrState;
  /** |close − open| of the first bar (null before any bar). */
  readonly firstBody: Decimal | null;
}

/** A fresh estimate (no bar yet). RangeError on a bad period, tick or multiplier. */
export function spreadInit(tick: Decimal, mult: Decimal, atrPeriod: number): SpreadEstimate {
  if (!tick.gt(0)) throw new RangeError(`synthetic book: tick must be > 0, got ${tick.toString()}`);
  if (!mult.isFinite() || mult.lt(0)) throw new RangeError(`synthetic book: spreadAtrMult must be ≥ 0, got ${mult.toString()}`);
  return { tick, mult, atr: atrInit(atrPeriod), firstBody: null };
}

/** Folds one closed bar into the estimate. */
export function spreadUpdate(s: SpreadEstimate, bar: Bar): SpreadEstimate {
  return { ...s, atr: atrUpdate(s.atr, bar), firstBody: s.firstBody ?? bar.close.minus(bar.open).abs() };
}

/** The current half spread, or null before any bar. */
export function halfSpread(s: SpreadEstimate): Decimal | null {
  const vol = s.atr.value ?? s.firstBody;
  if (vol === null) return null;
  return dmax(s.tick, s.mult.times(vol));
}

/** The synthetic quotes around `mid`: bid floored, ask ceiled to the tick. */
export function syntheticQuotes(mid: Decimal, half: Decimal, tick: Decimal): { readonly bid: Decimal; readonly ask: Decimal } {
  return { bid: floorToStep(mid.minus(half), tick), ask: ceilToStep(mid.plus(half), tick) };
}

/** The synthetic top at `ts` (one level a side, size 0). */
export function syntheticTop(ts: number, mid: Decimal, half: Decimal, tick: Decimal): BookTop {
  const { bid, ask } = syntheticQuotes(mid, half, tick);
  return { ts, bid, ask, bids: [{ price: bid, size: ZERO }], asks: [{ price: ask, size: ZERO }] };
}

/**
 * Whether a resting order at `price` (on the tick grid) is touched by the synthetic quotes
 * around `mid`, `throughTicks` (0 or 1) past its price — `syntheticQuotes(mid, half, tick).bid ≤
 * price − through` for a buy, `.ask ≥ price + through` for a sell — decided on double estimates
 * (`m`, `h`: `approxNumber` of mid and half), or undefined when the filter cannot certify it.
 *
 * Snapping drops out: with p on the grid, `floor_tick(x) ≤ p ⟺ x < p + tick` and
 * `ceil_tick(y) ≥ p ⟺ y > p − tick`. Estimates: m, h, price and tick are each within 8 ulps;
 * with h ≤ m/2 and price ≥ 2·tick, `m − h`, `m + h`, `p ± tick` stay within 25u of the exact
 * values — inside the 1e−12 margin of `certifiedLess` (money/approx.ts), which also covers the
 * 40-digit rounding of `mid ∓ half`. So a certified answer is the exact rule's answer; the OHLCV
 * fill models then skip building the quotes for every resting order on every bar.
 */
export function touchedCertified(side: 'buy' | 'sell', price: Decimal, throughTicks: number, m: number, h: number, tick: number): boolean | undefined {
  if (!(throughTicks === 0 || throughTicks === 1) || !(h >= 0 && h <= m / 2)) return undefined;
  const p = approxNumber(price);
  if (!(p >= 2 * tick && tick > 0)) return undefined;
  if (side === 'buy') return certifiedLess(m - h, throughTicks === 0 ? p + tick : p);
  return certifiedLess(throughTicks === 0 ? p - tick : p, m + h);
}
