/**
 * Time windowing: the events with `start <= ts < end` (either bound optional), by binary search
 * over events already in time order. Pure.
 */
import type { MarketEvent } from '../types.ts';

/** Index of the first event with `ts >= t` (events sorted by ts). */
function lowerBound(events: readonly MarketEvent[], t: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as MarketEvent).ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The events in `[start, end)`, in order. */
export function windowEvents(events: readonly MarketEvent[], start?: number, end?: number): readonly MarketEvent[] {
  const from = start === undefined ? 0 : lowerBound(events, start);
  const to = end === undefined ? events.length : lowerBound(events, end);
  return from === 0 && to === events.length ? events : events.slice(from, Math.max(from, to));
}
