/** Test fixture: a clock running a fixed multiple faster than the wall (a simulator replaying minutes in seconds). */
import type { CancelTimer, Clock } from './types.ts';

/** A clock `rate`× faster than the wall, starting at `origin` (epoch ms; the tests give a minute boundary). */
export class FastClock implements Clock {
  private readonly wall0 = Date.now();
  constructor(
    readonly origin: number,
    private readonly rate: number,
  ) {}
  now(): number {
    return this.origin + (Date.now() - this.wall0) * this.rate;
  }
  setTimer(atMs: number, fn: () => void): CancelTimer {
    const h = setTimeout(fn, Math.max(0, (atMs - this.now()) / this.rate));
    return () => clearTimeout(h);
  }
}
