/**
 * Time-window drift over (ts, mid) samples (strategy-epp §2, `drift30s`):
 * `drift = (mid_now − mid_ref) / mid_ref`, where `mid_ref` is the latest sample at or before
 * `now − windowMs` and `now` is the timestamp of the latest sample. Null until such a sample exists.
 *
 * Data structure: samples newer than the window edge wait in a persistent banker's queue
 * (`queue.ts`, two immutable cons lists). On each update the new sample is pushed and every
 * queued sample that has fallen to or behind `now − windowMs` is popped, the last one popped
 * becoming the reference; older references are dropped. Timestamps never go back, so a sample
 * is pushed once and popped once: O(1) amortized per sample, and nothing is mutated, so old
 * states stay valid. Equal timestamps are allowed (the later sample wins as the reference).
 */
import { type Decimal, ZERO, cmp } from '../money/decimal.ts';
import { type PQueue, queueEmpty, queuePeek, queuePop, queuePush } from './queue.ts';

/** One mid sample. */
export interface MidSample {
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly mid: Decimal;
}

/** State of a running drift. */
export interface DriftState {
  readonly windowMs: number;
  /** The latest sample (`now`), or null before the first. */
  readonly last: MidSample | null;
  /** The latest sample at or before `last.ts − windowMs`, or null while none exists. */
  readonly ref: MidSample | null;
  /** Samples newer than the window edge, oldest first (candidates for a future reference). */
  readonly pending: PQueue<MidSample>;
}

/** A fresh drift over `windowMs` (a positive finite number of milliseconds). */
export function driftInit(windowMs: number): DriftState {
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`drift window: expected a positive number of ms, got ${windowMs}`);
  return { windowMs, last: null, ref: null, pending: queueEmpty<MidSample>() };
}

/** Adds a sample. RangeError when `ts` is before the previous sample's or `mid ≤ 0`. */
export function driftUpdate(s: DriftState, ts: number, mid: Decimal): DriftState {
  if (!Number.isFinite(ts)) throw new RangeError(`drift: timestamp must be finite, got ${ts}`);
  if (s.last !== null && ts < s.last.ts) throw new RangeError(`drift: timestamp ${ts} is before the previous sample at ${s.last.ts}`);
  if (!(cmp(mid, ZERO) > 0)) throw new RangeError(`drift: mid must be > 0, got ${mid.toString()}`);
  const sample: MidSample = { ts, mid };
  const edge = ts - s.windowMs;
  let pending = queuePush(s.pending, sample);
  let ref = s.ref;
  for (let head = queuePeek(pending); head !== undefined && head.ts <= edge; head = queuePeek(pending)) {
    ref = head;
    pending = queuePop(pending);
  }
  return { windowMs: s.windowMs, last: sample, ref, pending };
}

/** `(mid_now − mid_ref) / mid_ref`, or null while no sample is at least `windowMs` old. */
export function driftValue(s: DriftState): Decimal | null {
  if (s.last === null || s.ref === null) return null;
  return s.last.mid.minus(s.ref.mid).dividedBy(s.ref.mid);
}

/** From-scratch drift of the whole sample list (its last sample is `now`), for tests. */
export function driftBrute(samples: readonly MidSample[], windowMs: number): Decimal | null {
  const last = samples[samples.length - 1];
  if (last === undefined) return null;
  let ref: MidSample | null = null;
  for (const x of samples) if (x.ts <= last.ts - windowMs) ref = x;
  return ref === null ? null : last.mid.minus(ref.mid).dividedBy(ref.mid);
}
