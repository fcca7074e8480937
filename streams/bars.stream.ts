/**
 * `bars$`: book tops → mid-price bars of a fixed interval, through the domain bar builder
 * folded with `scan`. A bar is emitted when a top in a later interval closes it; when the
 * source completes, the bar still open is emitted too (a replay's last bar is not lost).
 * Intervals without a top yield no bar.
 */
import { type OperatorFunction, concatWith, mergeMap, of, scan } from 'rxjs';
import { type Bar, type BarBuilderState, type BookTop, barBuilderInit, barFlush, barUpdate, midOf } from '../domain/market/index.ts';

const END = Symbol('end');
type BarInput = Pick<BookTop, 'ts' | 'bid' | 'ask'> | typeof END;

export interface MidBarsState {
  readonly builder: BarBuilderState;
  /** Bars closed by the last input. */
  readonly closed: readonly Bar[];
}

/** Pure reducer: one top (or the end of the source) into the builder. */
export function midBarsReducer(state: MidBarsState, input: BarInput): MidBarsState {
  const step = input === END ? barFlush(state.builder, Number.POSITIVE_INFINITY) : barUpdate(state.builder, input.ts, midOf(input));
  return { builder: step.state, closed: step.closed };
}

/** Operator: tops → mid bars of `intervalMs` (volume is zero: mids carry none). */
export function midBars(intervalMs: number): OperatorFunction<Pick<BookTop, 'ts' | 'bid' | 'ask'>, Bar> {
  const seed: MidBarsState = { builder: barBuilderInit(intervalMs), closed: [] };
  return (source) =>
    source.pipe(
      concatWith(of(END)),
      scan(midBarsReducer, seed),
      mergeMap((s) => s.closed),
    );
}
