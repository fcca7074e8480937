/**
 * Running Wilder ATR over bars (strategy-epp §2).
 *
 * - True range: `max(high − low, |high − prevClose|, |low − prevClose|)`; the first bar has no
 *   previous close, so its TR is `high − low`.
 * - Seed: the mean of the first n TRs; after that `atr = (atr_prev·(n − 1) + TR) / n`.
 * - `value` is null until n TRs exist (the strategy's warm-up).
 *
 * O(1) per bar; updates return a new state and never mutate their input.
 */
import { Decimal, ZERO, cmp, dmax } from '../money/decimal.ts';
import { assertPeriod } from './ema.ts';

/** The bar fields the ATR needs (a `Bar` fits). */
export interface HlcBar {
  readonly high: Decimal;
  readonly low: Decimal;
  readonly close: Decimal;
}

/** State of a running Wilder ATR. */
export interface AtrState {
  readonly period: number;
  /** The ATR, or null while fewer than `period` true ranges exist. */
  readonly value: Decimal | null;
  /** Close of the last bar folded in (null before the first bar). */
  readonly prevClose: Decimal | null;
  /** Number of bars (= true ranges) folded in so far. */
  readonly count: number;
  /** Sum of the TRs during the seeding phase (kept after seeding, no longer updated). */
  readonly seedSum: Decimal;
}

/** A fresh ATR of `period` bars. RangeError when `period` is not an integer ≥ 1. */
export function atrInit(period: number): AtrState {
  assertPeriod('atr', period);
  return { period, value: null, prevClose: null, count: 0, seedSum: ZERO };
}

/** `|x|`, without `abs()`'s copy when x is already non-negative (same value). */
function absOf(x: Decimal): Decimal {
  return x.s < 0 ? x.abs() : x;
}

/** True range of `bar` given the previous close (null for the first bar ⇒ `high − low`). */
export function trueRange(bar: HlcBar, prevClose: Decimal | null): Decimal {
  if (cmp(bar.high, bar.low) < 0) throw new RangeError(`trueRange: high ${bar.high.toString()} is below low ${bar.low.toString()}`);
  const hl = bar.high.minus(bar.low);
  if (prevClose === null) return hl;
  return dmax(hl, dmax(absOf(bar.high.minus(prevClose)), absOf(bar.low.minus(prevClose))));
}

/** Folds one bar into the ATR. */
export function atrUpdate(s: AtrState, bar: HlcBar): AtrState {
  const tr = trueRange(bar, s.prevClose);
  const count = s.count + 1;
  const n = s.period;
  if (s.value !== null) {
    const value = s.value.times(n - 1).plus(tr).dividedBy(n);
    return { period: n, value, prevClose: bar.close, count, seedSum: s.seedSum };
  }
  const seedSum = s.seedSum.plus(tr);
  const value = count === n ? seedSum.dividedBy(n) : null;
  return { period: n, value, prevClose: bar.close, count, seedSum };
}

/** Whether the ATR has its n true ranges (its value is defined). */
export function isWarm(s: AtrState): boolean {
  return s.value !== null;
}

/**
 * From-scratch Wilder ATR of `bars` (null while fewer than `period` bars), for tests.
 * Independent of the recurrence: with k = 1/n and seed S = mean(TR_0..TR_{n−1}),
 * `atr_m = (1−k)^(m−n+1)·S + Σ_{j=n..m} k·(1−k)^(m−j)·TR_j` (m = last index).
 */
export function atrBrute(bars: readonly HlcBar[], period: number): Decimal | null {
  assertPeriod('atr', period);
  if (bars.length < period) return null;
  const trs: Decimal[] = [];
  let prev: Decimal | null = null;
  for (const b of bars) {
    trs.push(trueRange(b, prev));
    prev = b.close;
  }
  const seed = trs.slice(0, period).reduce((a, t) => a.plus(t), ZERO).dividedBy(period);
  const k = new Decimal(1).dividedBy(period);
  const keep = new Decimal(1).minus(k);
  const m = trs.length - 1;
  let acc = keep.pow(m - period + 1).times(seed);
  for (let j = period; j <= m; j++) acc = acc.plus(k.times(keep.pow(m - j)).times(trs[j] as Decimal));
  return acc;
}
