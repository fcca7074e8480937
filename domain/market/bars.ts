/**
 * Bar builder: folds (ts, price, volume) samples into bars of a fixed interval.
 * Pure and immutable: `barUpdate` returns the new builder state and the bars that closed
 * (a sample in a later interval closes the current bar; intervals with no sample produce no
 * bar — gaps stay visible to the caller instead of being filled with invented prices).
 */
import { type Decimal, ZERO } from '../money/decimal.ts';
import type { Bar } from './types.ts';

export interface BarBuilderState {
  readonly intervalMs: number;
  /** The bar being built, or null before the first sample. */
  readonly current: Bar | null;
}

export function barBuilderInit(intervalMs: number): BarBuilderState {
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`bar interval: expected a positive integer of ms, got ${intervalMs}`);
  return { intervalMs, current: null };
}

export function barOpenTime(ts: number, intervalMs: number): number {
  return Math.floor(ts / intervalMs) * intervalMs;
}

export interface BarUpdate {
  readonly state: BarBuilderState;
  /** Bars completed by this sample (0 or 1). */
  readonly closed: readonly Bar[];
}

/** Adds one sample. A sample older than the current bar's open is rejected with a RangeError. */
export function barUpdate(state: BarBuilderState, ts: number, price: Decimal, volume: Decimal = ZERO): BarUpdate {
  const open = barOpenTime(ts, state.intervalMs);
  const cur = state.current;
  if (cur === null) return { state: { ...state, current: { ts: open, open: price, high: price, low: price, close: price, volume } }, closed: [] };
  if (open < cur.ts) throw new RangeError(`bar builder: sample at ${ts} is older than the open bar at ${cur.ts}`);
  if (open === cur.ts) {
    const next: Bar = {
      ts: cur.ts,
      open: cur.open,
      high: price.gt(cur.high) ? price : cur.high,
      low: price.lt(cur.low) ? price : cur.low,
      close: price,
      volume: cur.volume.plus(volume),
    };
    return { state: { ...state, current: next }, closed: [] };
  }
  return { state: { ...state, current: { ts: open, open: price, high: price, low: price, close: price, volume } }, closed: [cur] };
}

/** Closes the current bar if `now` is past its interval (for time-driven closing without a new sample). */
export function barFlush(state: BarBuilderState, now: number): BarUpdate {
  const cur = state.current;
  if (cur !== null && now >= cur.ts + state.intervalMs) return { state: { ...state, current: null }, closed: [cur] };
  return { state, closed: [] };
}
