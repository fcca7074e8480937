/**
 * Running exponential moving average over bar closes (strategy-epp §2):
 * `ema = α·close + (1 − α)·ema_prev`, `α = 2/(n + 1)`, seeded with the first close.
 * O(1) per sample; every update returns a new state and leaves its input untouched.
 */
import { type Decimal, ONE, TWO } from '../money/decimal.ts';

/** State of a running EMA. `value` is null until the first close. */
export interface EmaState {
  readonly period: number;
  /** Smoothing factor 2/(period + 1). */
  readonly alpha: Decimal;
  readonly value: Decimal | null;
  /** Number of closes folded in so far. */
  readonly count: number;
}

/** Checks that an indicator period is an integer ≥ 1. */
export function assertPeriod(what: string, period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`${what} period: expected an integer ≥ 1, got ${period}`);
}

/** α = 2/(n + 1) for an EMA of period n. */
export function emaAlpha(period: number): Decimal {
  assertPeriod('ema', period);
  return TWO.dividedBy(period + 1);
}

/** A fresh EMA of `period` closes. RangeError when `period` is not an integer ≥ 1. */
export function emaInit(period: number): EmaState {
  return { period, alpha: emaAlpha(period), value: null, count: 0 };
}

/** Folds one close into the EMA (the first close seeds it). */
export function emaUpdate(s: EmaState, close: Decimal): EmaState {
  const value = s.value === null ? close : s.alpha.times(close).plus(ONE.minus(s.alpha).times(s.value));
  return { period: s.period, alpha: s.alpha, value, count: s.count + 1 };
}

/**
 * From-scratch EMA of `closes` (null for an empty list), for tests and verification.
 * Uses the closed form rather than the recurrence, so it is an independent computation:
 * `ema_m = (1−α)^m·c_0 + Σ_{i=1..m} α·(1−α)^(m−i)·c_i`.
 */
export function emaBrute(closes: readonly Decimal[], period: number): Decimal | null {
  const alpha = emaAlpha(period);
  const m = closes.length - 1;
  const first = closes[0];
  if (first === undefined) return null;
  const keep = ONE.minus(alpha);
  let acc = keep.pow(m).times(first);
  for (let i = 1; i <= m; i++) {
    const c = closes[i] as Decimal;
    acc = acc.plus(alpha.times(keep.pow(m - i)).times(c));
  }
  return acc;
}
