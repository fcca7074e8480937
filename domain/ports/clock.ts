/**
 * The clock port: the one way desk code reads time and waits (a type only: the core never reads time itself). Live code gets `WallClock`;
 * tests and replays get `VirtualClock`, where time moves only when told to.
 */

/** Cancels a pending timer; a no-op once it has fired or been cancelled. */
export type CancelTimer = () => void;

/** Reads the time and schedules callbacks at absolute times. */
export interface Clock {
  /** Current time, epoch milliseconds. */
  now(): number;
  /**
   * Calls `fn` once, at `atMs` (epoch ms) or as soon as possible after it; a time already
   * past fires at the next opportunity. Returns a handle that cancels the timer.
   */
  setTimer(atMs: number, fn: () => void): CancelTimer;
}
