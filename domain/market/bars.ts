/**
 * Bar builder: folds (ts, price, volume) samples into bars of a fixed interval.
 * Pure and immutable: `barUpdate` returns the new builder state and the bars that closed
 * (a sample in a later interval closes the current bar; intervals with no sample produce no
 * bar — gaps stay visible to the caller instead of being filled with invented prices).
 */
import { type Decimal, ZERO, cmp } from '../money/decimal.ts';
import type { Bar } from './types.ts';

export interface BarBuilderState {
  readonly intervalMs: number;
  /** The bar being built, or null before the first sample (and after a flush). */
  readonly current: Bar | null;
  /**
   * Set by {@link barFlush}: samples before this time belong to a bar already closed and are
   * refused, so no interval ever yields two bars.
   */
  readonly closedUntil?: number;
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

/**
 * `{ ...state, current }`, written out: the EPP step updates the bar on every tick, and V8's
 * object spread was a measurable part of that tick.
 */
function withCurrent(state: BarBuilderState, current: Bar): BarBuilderState {
  return state.closedUntil === undefined ? { intervalMs: state.intervalMs, current } : { intervalMs: state.intervalMs, current, closedUntil: state.closedUntil };
}

/**
 * Adds one sample. A sample older than the current bar's open (or, after a flush, older than
 * the end of the flushed bar) is rejected with a RangeError.
 */
export function barUpdate(state: BarBuilderState, ts: number, price: Decimal, volume: Decimal = ZERO): BarUpdate {
  const open = barOpenTime(ts, state.intervalMs);
  const cur = state.current;
  if (cur === null && state.closedUntil !== undefined && ts < state.closedUntil) {
    throw new RangeError(`bar builder: sample at ${ts} falls in a bar already closed (until ${state.closedUntil})`);
  }
  if (cur === null) return { state: { ...state, current: { ts: open, open: price, high: price, low: price, close: price, volume } }, closed: [] };
  if (open < cur.ts) throw new RangeError(`bar builder: sample at ${ts} is older than the open bar at ${cur.ts}`);
  if (open === cur.ts) {
    const next: Bar = {
      ts: cur.ts,
      open: cur.open,
      // `cmp`: the comparisons without decimal.js's argument copy; a zero volume (the EPP's mid
      // samples) leaves the sum as it is. A bar is updated on every tick of the EPP step.
      high: cmp(price, cur.high) > 0 ? price : cur.high,
      low: cmp(price, cur.low) < 0 ? price : cur.low,
      close: price,
      volume: volume.isZero() ? cur.volume : cur.volume.plus(volume),
    };
    return { state: withCurrent(state, next), closed: [] };
  }
  return { state: { ...state, current: { ts: open, open: price, high: price, low: price, close: price, volume } }, closed: [cur] };
}

/** Closes the current bar if `now` is past its interval (for time-driven closing without a new sample). */
export function barFlush(state: BarBuilderState, now: number): BarUpdate {
  const cur = state.current;
  if (cur !== null && now >= cur.ts + state.intervalMs) return { state: { ...state, current: null, closedUntil: cur.ts + state.intervalMs }, closed: [cur] };
  return { state, closed: [] };
}
