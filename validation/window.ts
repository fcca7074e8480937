/**
 * Time windows and warm-up, over event time (never the wall clock). Pure.
 *
 * Warm-up (the definition every validator uses): a bot warms up from each `bot.started` /
 * `bot.restarted` event (or from its first event, when the data begins with the bot in
 * `Starting`/`WarmingUp`) until the first of
 * - an `order.created` event (a warming bot places no orders, strategy-epp §3), or
 * - a `state.snapshot` whose state is neither `Starting` nor `WarmingUp`.
 * A warm-up with neither never ends within the data. Samples and rejects inside a warm-up are
 * left out of the KPIs that say "after warm-up".
 */
import type { BotEvents } from './events.ts';

export const MINUTE_MS = 60_000;
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: MINUTE_MS, h: 3_600_000, d: 86_400_000 };

/** `all` (the whole data) or a duration in ms. */
export type WindowSpec = { readonly kind: 'all' } | { readonly kind: 'last'; readonly ms: number };

/**
 * Parses `90s`, `30m`, `2h`, `1d`, `1h30m`, a bare number of seconds, or `all`; throws a
 * RangeError naming the input otherwise.
 */
export function parseDuration(text: string): WindowSpec {
  const t = text.trim().toLowerCase();
  if (t === 'all') return { kind: 'all' };
  if (/^\d+(\.\d+)?$/.test(t)) return { kind: 'last', ms: Math.round(Number(t) * 1000) };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let ms = 0;
  let at = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    ms += Number(m[1]) * (UNITS[m[2] ?? ''] ?? Number.NaN);
    at = re.lastIndex;
  }
  if (t.length === 0 || at !== t.length || !Number.isFinite(ms) || ms <= 0) throw new RangeError(`window: ${JSON.stringify(text)} is not a duration (e.g. 2h, 30m, 90s, 1h30m, or all)`);
  return { kind: 'last', ms: Math.round(ms) };
}

/** Formats a duration for people: `2h`, `10m 50s`, `1.5s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  const parts: string[] = [];
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) parts.push(`${h}h`);
  if (m > 0) parts.push(`${m}m`);
  if (sec > 0 || parts.length === 0) parts.push(`${sec}s`);
  return parts.join(' ');
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** An inclusive interval of event time. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export type WindowChoice =
  | { readonly ok: true; readonly window: Interval }
  | { readonly ok: false; readonly dataMs: number; readonly requestedMs: number };

/**
 * The last `spec` of a bot's event time: `[last − ms + 1, last]` (inclusive, so exactly `ms`
 * long: the last 10 minutes of minute samples are 10 samples); refused when the data is shorter.
 */
export function lastWindow(bot: Pick<BotEvents, 'firstTs' | 'lastTs'>, spec: WindowSpec): WindowChoice {
  if (spec.kind === 'all') return { ok: true, window: { start: bot.firstTs, end: bot.lastTs } };
  const start = bot.lastTs - spec.ms + 1;
  if (start < bot.firstTs) return { ok: false, dataMs: bot.lastTs - bot.firstTs + 1, requestedMs: spec.ms };
  return { ok: true, window: { start, end: bot.lastTs } };
}

export const inside = (ts: number, w: Interval): boolean => ts >= w.start && ts <= w.end;

const WARMING = new Set(['Starting', 'WarmingUp']);

/** The bot's warm-up intervals (see the module comment); `end` is +Infinity when it never ends. */
export function warmups(bot: BotEvents): Interval[] {
  const starts = [...bot.starts];
  const first = bot.snapshots[0];
  if (first !== undefined && WARMING.has(first.state) && (starts.length === 0 || first.ts < (starts[0] ?? Infinity))) starts.unshift(bot.firstTs);
  starts.sort((a, b) => a - b);
  const out: Interval[] = [];
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i] ?? 0;
    const next = starts[i + 1] ?? Infinity;
    const order = bot.orders.find((o) => o.ts >= s && o.ts < next);
    const snap = bot.snapshots.find((x) => x.ts >= s && x.ts < next && !WARMING.has(x.state));
    const end = Math.min(order?.ts ?? Infinity, snap?.ts ?? Infinity);
    // A warm-up ended by the next start is still running when that start begins another.
    out.push({ start: s, end: end === Infinity && next !== Infinity ? next : end });
  }
  return out;
}

/** Whether `ts` lies in a warm-up (an order or snapshot at the exact end counts as after it). */
export function inWarmup(ts: number, intervals: readonly Interval[]): boolean {
  return intervals.some((w) => ts >= w.start && ts < w.end);
}

/** Buckets of `ms` aligned to multiples of `ms` since the epoch, clipped to `span`. */
export function buckets(span: Interval, ms: number): Interval[] {
  const out: Interval[] = [];
  for (let b = Math.floor(span.start / ms) * ms; b <= span.end; b += ms) {
    out.push({ start: Math.max(b, span.start), end: Math.min(b + ms - 1, span.end) });
  }
  return out;
}
