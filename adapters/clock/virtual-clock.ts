/**
 * A clock for tests and replays: time stands still until `advanceTo`/`advanceBy`, which fire
 * the timers that come due in time order (FIFO among equal times), each at its own time.
 */
import type { CancelTimer, Clock } from './types.ts';

interface Timer {
  readonly atMs: number;
  /** Scheduling order, the tie-break among equal times. */
  readonly seq: number;
  readonly fn: () => void;
}

const before = (a: Timer, b: Timer): boolean => a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);

/** Virtual time starting at `startMs` (default 0). */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  /** Pending timers, kept sorted by (atMs, seq). */
  #timers: Timer[] = [];
  #advancing = false;

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`startMs: expected a finite number, got ${startMs}`);
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Number of timers not yet fired or cancelled. */
  get pending(): number {
    return this.#timers.length;
  }

  setTimer(atMs: number, fn: () => void): CancelTimer {
    if (Number.isNaN(atMs)) throw new RangeError(`atMs: expected a number, got NaN`);
    // A past time fires at the current time, after timers already due then (FIFO).
    const timer: Timer = { atMs: Math.max(atMs, this.#now), seq: this.#seq++, fn };
    let i = this.#timers.length;
    while (i > 0 && before(timer, this.#timers[i - 1] as Timer)) i--;
    this.#timers.splice(i, 0, timer);
    return () => {
      const at = this.#timers.indexOf(timer);
      if (at >= 0) this.#timers.splice(at, 1);
    };
  }

  /**
   * Moves time to `ms`, firing every timer due by then, including ones scheduled by a firing
   * timer. Throws a RangeError when `ms` is before now, and an Error when called from a timer.
   */
  advanceTo(ms: number): void {
    if (!(ms >= this.#now)) throw new RangeError(`ms: expected a time ≥ now (${this.#now}), got ${ms}`);
    // A nested advance would move time past the outer loop's next timer and back again.
    if (this.#advancing) throw new Error('advanceTo: called from within a timer callback');
    this.#advancing = true;
    try {
      for (let next = this.#timers[0]; next !== undefined && next.atMs <= ms; next = this.#timers[0]) {
        this.#timers.shift();
        this.#now = next.atMs;
        next.fn();
      }
      this.#now = ms;
    } finally {
      this.#advancing = false;
    }
  }

  /** Moves time forward by `deltaMs` (≥ 0); see `advanceTo`. */
  advanceBy(deltaMs: number): void {
    if (!(deltaMs >= 0)) throw new RangeError(`deltaMs: expected a duration ≥ 0, got ${deltaMs}`);
    this.advanceTo(this.#now + deltaMs);
  }
}
