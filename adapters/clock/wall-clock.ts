/** The live clock: `Date.now` and `setTimeout`. */
import type { CancelTimer, Clock } from './types.ts';

/** setTimeout's largest delay (2^31−1 ms); longer waits re-arm in steps. */
const MAX_DELAY_MS = 2_147_483_647;

/** Wall-clock time and real timers. */
export class WallClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimer(atMs: number, fn: () => void): CancelTimer {
    let handle: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const arm = (): void => {
      const delay = atMs - Date.now();
      // Node fires a delay above the 32-bit limit after 1 ms, so a far deadline waits in steps.
      handle = delay > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(fire, Math.max(0, delay));
    };
    const fire = (): void => {
      if (!live) return;
      // Node may run a timer up to ~1 ms early (it rounds); the port promises "at or after".
      if (Date.now() < atMs) {
        arm();
        return;
      }
      live = false;
      fn();
    };
    arm();
    return () => {
      live = false;
      if (handle !== undefined) clearTimeout(handle);
    };
  }
}
