/**
 * Reading one evidence report and judging its freshness: missing, unreadable, carrying no time,
 * older than its max age, or more than {@link FUTURE_TOLERANCE_MS} in the future ⇒ not fresh.
 */
import { readFile } from 'node:fs/promises';
import { formatDuration } from '../validation/window.ts';
import type { CarriedTime } from './evidence-time.ts';
import type { EvidenceInput } from './types.ts';

/** A report time this far ahead of the run is a clock problem or a hand edit, not fresh evidence. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface MaxAge {
  readonly ms: number;
  readonly text: string;
}

export interface EvidenceRead {
  readonly input: EvidenceInput;
  /** The parsed report, when it could be read (even when stale: its content is still reported). */
  readonly report: Record<string, unknown> | null;
  /** Age at the run's start (ms), when it carries a time. */
  readonly ageMs: number | null;
}

export type TimeOf = (file: string, report: Record<string, unknown>) => CarriedTime | null | string | Promise<CarriedTime | null | string>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Reads `file` (shown as `shown`) as evidence `input`, judged against `maxAge` at `nowMs`. */
export async function readEvidence(input: string, file: string, shown: string, timeOf: TimeOf, maxAge: MaxAge, nowMs: number): Promise<EvidenceRead> {
  const base = { input, path: shown, produced: false, maxAge: maxAge.text };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `${shown} is missing` : `${shown} cannot be read (${code ?? String(e)})`;
    return { input: { ...base, exists: false, time: null, timeSource: null, fresh: false, problem }, report: null, ageMs: null };
  }
  let report: unknown;
  try {
    report = JSON.parse(text) as unknown;
  } catch {
    return { input: { ...base, exists: true, time: null, timeSource: null, fresh: false, problem: `${shown} is not valid JSON` }, report: null, ageMs: null };
  }
  if (typeof report !== 'object' || report === null || Array.isArray(report)) {
    return { input: { ...base, exists: true, time: null, timeSource: null, fresh: false, problem: `${shown} is not a JSON object` }, report: null, ageMs: null };
  }
  const rec = report as Record<string, unknown>;
  const t = await timeOf(file, rec);
  if (t === null || typeof t === 'string') {
    const problem = typeof t === 'string' ? `${shown} carries no time: ${t}` : `${shown} carries no time (nothing to judge its freshness by)`;
    return { input: { ...base, exists: true, time: null, timeSource: null, fresh: false, problem }, report: rec, ageMs: null };
  }
  const ageMs = nowMs - t.ms;
  const timed = { ...base, exists: true, time: iso(t.ms), timeSource: t.source };
  if (ageMs > maxAge.ms) {
    return { input: { ...timed, fresh: false, problem: `${shown} is stale: its time ${iso(t.ms)} (${t.source}) is more than ${maxAge.text} before the run` }, report: rec, ageMs };
  }
  if (-ageMs > FUTURE_TOLERANCE_MS) {
    return { input: { ...timed, fresh: false, problem: `${shown} is dated in the future: ${iso(t.ms)} (${t.source}) is more than ${formatDuration(FUTURE_TOLERANCE_MS)} after the run started` }, report: rec, ageMs };
  }
  return { input: { ...timed, fresh: true }, report: rec, ageMs };
}

/** An input the run produced itself: fresh by construction. */
export function producedInput(input: string, shown: string, exists = true): EvidenceInput {
  return { input, path: shown, produced: true, exists, time: null, timeSource: null, maxAge: null, fresh: exists, ...(exists ? {} : { problem: `${shown} was not produced` }) };
}
