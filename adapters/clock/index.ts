/** The clock port and its live and virtual implementations. */
export type { CancelTimer, Clock } from './types.ts';
export { WallClock } from './wall-clock.ts';
export { VirtualClock } from './virtual-clock.ts';
