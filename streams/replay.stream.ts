/**
 * Replay source: emits recorded messages at their recorded (receive) times on the given
 * scheduler's clock, scaled by `speed`. Timing comes only from the scheduler, so tests run
 * on a TestScheduler and replays run on virtual time.
 */
import { Observable, type SchedulerAction, type SchedulerLike, asyncScheduler } from 'rxjs';

/** Replay speed: 1 = real time, 20 = twenty times faster, 'max' = no waiting (order kept). */
export type ReplaySpeed = number | 'max';

export interface ReplayOptions {
  readonly speed?: ReplaySpeed;
  /** Clock and timers of the replay; defaults to `asyncScheduler` (live time). */
  readonly scheduler?: SchedulerLike;
}

// Floating-point slack: `now + (due - now)` need not equal `due` exactly.
const EPSILON_MS = 1e-9;

/**
 * Replays `messages` (in iteration order) so that message i is emitted
 * `(ts_i - ts_0) / speed` ms after subscription. A message whose `ts` is earlier than its
 * predecessor's is emitted at once after it (order is never changed). All messages due at
 * the same instant are emitted in one scheduler action.
 */
export function replay$<T extends { readonly ts: number }>(messages: Iterable<T>, options: ReplayOptions = {}): Observable<T> {
  const speed = options.speed ?? 1;
  if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) throw new RangeError(`replay speed: expected a positive number or 'max', got ${speed}`);
  const scheduler = options.scheduler ?? asyncScheduler;
  return new Observable<T>((subscriber) => {
    const it = messages[Symbol.iterator]();
    let next = it.next();
    const t0 = next.done === true ? 0 : next.value.ts;
    const start = scheduler.now();
    const dueOf = (ts: number): number => (speed === 'max' ? start : start + Math.max(0, ts - t0) / speed);
    const action = scheduler.schedule(function (this: SchedulerAction<undefined>) {
      const now = scheduler.now();
      while (next.done !== true) {
        if (subscriber.closed) return;
        const wait = dueOf(next.value.ts) - now;
        if (wait > EPSILON_MS) {
          this.schedule(undefined, wait);
          return;
        }
        subscriber.next(next.value);
        next = it.next();
      }
      subscriber.complete();
    }, 0);
    return () => {
      action.unsubscribe();
      it.return?.();
    };
  });
}
