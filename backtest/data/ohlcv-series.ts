/**
 * Parsed OHLCV files → one bar series: files are put in time order (by first bar) and must not
 * overlap; inside a file timestamps must strictly increase. The interval is the most common
 * step (the domain's {@link OhlcvCollector}); every bar becomes a `bar` event at its CLOSE time
 * (open + interval), when a strategy could first know it.
 *
 * Findings: a timestamp equal to the previous one → `duplicate_ts`; earlier → `unsorted`;
 * a step shorter than the interval (overlapping bars) → `bad_row`; a single bar (no interval)
 * → `bad_row`; a missing bar → a `gap` warning with its span. A gap is never filled. Pure.
 */
import { OhlcvCollector } from '../../domain/market/ohlcv-summary.ts';
import type { DataFinding, MarketEvent } from '../types.ts';
import { type GapFinding, error } from './findings.ts';
import type { OhlcvFileRows, OhlcvRow } from './ohlcv-rows.ts';

export interface BarSeries {
  readonly events: readonly MarketEvent[];
  readonly intervalMs: number | null;
  readonly findings: readonly DataFinding[];
}

const iso = (ts: number): string => new Date(ts).toISOString();

interface Located extends OhlcvRow {
  readonly file: string;
}

/**
 * Rows of one file that keep increasing; the others become errors: a timestamp seen before in
 * the file → `duplicate_ts` (naming the first line), else one before the previous row → `unsorted`.
 */
function increasing(f: OhlcvFileRows, findings: DataFinding[]): Located[] {
  const out: Located[] = [];
  const lineOf = new Map<number, number>();
  for (const r of f.rows) {
    const prev = out[out.length - 1];
    const first = lineOf.get(r.bar.ts);
    if (first !== undefined) {
      findings.push(error('duplicate_ts', f.file, `duplicate timestamp ${iso(r.bar.ts)} (also on line ${first})`, r.line));
      continue;
    }
    lineOf.set(r.bar.ts, r.line);
    if (prev !== undefined && r.bar.ts < prev.bar.ts) {
      findings.push(error('unsorted', f.file, `timestamp ${iso(r.bar.ts)} is before line ${prev.line}'s ${iso(prev.bar.ts)} (rows out of order)`, r.line));
      continue;
    }
    out.push({ ...r, file: f.file });
  }
  return out;
}

/** Files in time order (by first bar; a file without bars keeps its place at the end). */
function inTimeOrder(files: readonly Located[][]): Located[][] {
  return files
    .map((rows, i) => ({ rows, i }))
    .sort((a, b) => (a.rows[0]?.bar.ts ?? Infinity) - (b.rows[0]?.bar.ts ?? Infinity) || a.i - b.i)
    .map((x) => x.rows);
}

/** Concatenates files; a file starting at or before the previous one's last bar is an error. */
function concatenate(files: readonly Located[][], findings: DataFinding[]): Located[] {
  const all: Located[] = [];
  for (const rows of inTimeOrder(files)) {
    const last = all[all.length - 1];
    const first = rows[0];
    if (last !== undefined && first !== undefined && first.bar.ts <= last.bar.ts) {
      const same = first.bar.ts === last.bar.ts;
      findings.push(
        error(same ? 'duplicate_ts' : 'unsorted', first.file, `files overlap: this file starts at ${iso(first.bar.ts)}, at or before the end of ${last.file} (${iso(last.bar.ts)}, line ${last.line})`, first.line),
      );
      continue;
    }
    all.push(...rows);
  }
  return all;
}

function gapFinding(after: Located, before: Located, intervalMs: number, missing: number): GapFinding {
  const start = after.bar.ts + intervalMs;
  const end = start + (missing - 1) * intervalMs;
  const irregular = (before.bar.ts - after.bar.ts) % intervalMs === 0 ? '' : ' (the step is not a whole number of intervals)';
  return {
    severity: 'warning', code: 'gap', file: before.file, line: before.line,
    message: `gap: ${missing} missing bar(s) from ${iso(start)} to ${iso(end)} (open times), between line ${after.line} and this one; no bar is fabricated${irregular}`,
    span: { start, end, missing },
  };
}

/** Validates and joins parsed files into bar events at close time. */
export function barSeries(files: readonly OhlcvFileRows[]): BarSeries {
  const findings: DataFinding[] = files.flatMap((f) => f.findings);
  const rows = concatenate(files.map((f) => increasing(f, findings)), findings);
  const collector = new OhlcvCollector({ maxListed: Number.POSITIVE_INFINITY });
  for (const r of rows) collector.add(r.bar, r.line, r.file);
  const intervalMs = collector.summary().intervalMs;
  if (intervalMs === null) {
    const only = rows[0];
    if (only !== undefined) findings.push(error('bad_row', only.file, 'a single bar: the bar interval (and so its close time) cannot be inferred', only.line));
    return { events: [], intervalMs: null, findings };
  }
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1] as Located;
    const b = rows[i] as Located;
    const step = b.bar.ts - a.bar.ts;
    if (step < intervalMs) {
      findings.push(error('bad_row', b.file, `bar opens ${step} ms after line ${a.line}'s, less than the ${intervalMs} ms interval (overlapping bars)`, b.line));
    } else if (step > intervalMs) {
      findings.push(gapFinding(a, b, intervalMs, Math.ceil(step / intervalMs) - 1));
    }
  }
  const events: MarketEvent[] = rows.map((r) => ({ kind: 'bar', ts: r.bar.ts + intervalMs, bar: r.bar, intervalMs }));
  return { events, intervalMs, findings };
}
