/**
 * Book staleness: `book.stale` when no book update has arrived for `maxBookAgeMs` (counted
 * from subscription, then from each update), `book.fresh` at the first update after that.
 * Time comes only from `scheduler`. After the source completes, a pending timeout still
 * fires (no update will come), then the stream completes.
 */
import { type OperatorFunction, type SchedulerLike, asyncScheduler, filter, map, scan, startWith, switchMap, timer } from 'rxjs';

export type StalenessEvent = { readonly type: 'book.stale'; readonly ts: number } | { readonly type: 'book.fresh'; readonly ts: number };

type Signal = { readonly kind: 'update' | 'timeout'; readonly ts: number };

export interface StalenessState {
  readonly stale: boolean;
  /** Event produced by the last signal, if any. */
  readonly event: StalenessEvent | null;
}

/** Pure reducer: an update or a timeout into the stale flag and the event it causes. */
export function stalenessReducer(state: StalenessState, signal: Signal): StalenessState {
  if (signal.kind === 'timeout') return state.stale ? { stale: true, event: null } : { stale: true, event: { type: 'book.stale', ts: signal.ts } };
  return state.stale ? { stale: false, event: { type: 'book.fresh', ts: signal.ts } } : { stale: false, event: null };
}

/** Operator: book updates → {@link StalenessEvent}s. */
export function staleness<T>(maxBookAgeMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, StalenessEvent> {
  if (!(Number.isFinite(maxBookAgeMs) && maxBookAgeMs > 0)) throw new RangeError(`maxBookAgeMs: expected a positive number, got ${maxBookAgeMs}`);
  const seed: StalenessState = { stale: false, event: null };
  return (source) =>
    source.pipe(
      map((): Signal['kind'] => 'update'),
      // Subscription starts the first countdown; it is not an update (the seed is fresh).
      startWith<Signal['kind'] | 'start'>('start'),
      switchMap((kind) => {
        const timeout$ = timer(maxBookAgeMs, scheduler).pipe(map((): Signal => ({ kind: 'timeout', ts: scheduler.now() })));
        return kind === 'start' ? timeout$ : timeout$.pipe(startWith<Signal>({ kind: 'update', ts: scheduler.now() }));
      }),
      scan(stalenessReducer, seed),
      map((s) => s.event),
      filter((e): e is StalenessEvent => e !== null),
    );
}
