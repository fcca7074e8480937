/**
 * The mid the events let us reconstruct. The desk's order and fill events carry no mid; its
 * `state.snapshot` does, implicitly: on spot the equity is marked at the book mid,
 * `equity = quote + base·mid` (domain/accounting/ledger.ts `snapshot`), so
 * `mid = (equity − quote) / base` whenever base ≠ 0. Perp snapshots (margin accounting) and
 * snapshots with no base give no mid.
 *
 * Between two snapshots the mid is linearly interpolated; a time outside the snapshots, or
 * between two more than `maxGapMs` apart, has no mid. At the default one snapshot a minute
 * this is a coarse reference (its error is of the order of a minute's price move) — the
 * analyses report how many fills were measurable and how far the nearest sample was. Pure.
 */
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import type { Snapshot } from './events.ts';

export interface MidPoint {
  readonly ts: number;
  readonly mid: Decimal;
}

/** Default: two minute-spaced snapshots and a missed one in between still count. */
export const DEFAULT_MAX_MID_GAP_MS = 150_000;

/** The snapshot-derived mids, in time order. */
export function midSeries(snapshots: readonly Snapshot[]): MidPoint[] {
  const out: MidPoint[] = [];
  for (const s of snapshots) {
    if (s.perp || s.base.isZero()) continue;
    const mid = s.equity.minus(s.quote).dividedBy(s.base);
    if (mid.gt(ZERO)) out.push({ ts: s.ts, mid });
  }
  return out;
}

export interface MidAt {
  readonly mid: Decimal;
  /** Distance to the farther of the two samples it was interpolated from (0 on a sample). */
  readonly staleMs: number;
}

/** The interpolated mid at `t`, or null when it cannot be had (see the module comment). */
export function midAt(series: readonly MidPoint[], t: number, maxGapMs = DEFAULT_MAX_MID_GAP_MS): MidAt | null {
  let lo = 0;
  let hi = series.length - 1;
  if (hi < 0) return null;
  // First index with ts >= t.
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((series[m]?.ts ?? 0) < t) lo = m + 1;
    else hi = m;
  }
  const after = series[lo];
  if (after === undefined || after.ts < t) return null;
  if (after.ts === t) return { mid: after.mid, staleMs: 0 };
  const before = series[lo - 1];
  if (before === undefined || after.ts - before.ts > maxGapMs) return null;
  const f = new Decimal(t - before.ts).dividedBy(after.ts - before.ts);
  return { mid: before.mid.plus(after.mid.minus(before.mid).times(f)), staleMs: Math.max(t - before.ts, after.ts - t) };
}
