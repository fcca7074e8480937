/**
 * The time each evidence report carries, read from its own content (never the file's mtime, which
 * a copy or a `touch` refreshes). Reports that carry no time of their own take it from the report
 * written beside them in the same run (docs/promotion-gates.md, "Freshness").
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface CarriedTime {
  readonly ms: number;
  readonly source: string;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function msOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

function maxOf(values: readonly unknown[]): number | null {
  let best: number | null = null;
  for (const v of values) {
    const t = msOf(v);
    if (t !== null && (best === null || t > best)) best = t;
  }
  return best;
}

const carried = (ms: number | null, source: string): CarriedTime | null => (ms === null ? null : { ms, source });

/** paper_soak/latest.json: the end of the latest judged window (event time). */
export function soakTime(report: Json): CarriedTime | null {
  return carried(maxOf(arr(report['bots']).map((b) => (isRecord(b) && isRecord(b['window']) ? b['window']['end'] : null))), 'max(bots[].window.end)');
}

/** parity/latest.json: the end of the latest compared overlap (event time). */
export function parityTime(report: Json): CarriedTime | null {
  return carried(maxOf(arr(report['bots']).map((b) => (isRecord(b) && isRecord(b['overlap']) ? b['overlap']['end'] : null))), 'max(bots[].overlap.end)');
}

/** reconciliation/latest.json: `ts`, the run's time (ms since the epoch). */
export function reconTime(report: Json): CarriedTime | null {
  return carried(msOf(report['ts']), 'ts');
}

/**
 * analysis/*.json (fill_factor_calibration, post_trade_validation) carry no time: `desk analyze`
 * writes edge_report.json beside them in the same run, whose per-fill times do. The latest fill
 * is the time; a different `source` in the two files means they are not from the same run.
 */
export async function analysisTime(file: string, report: Json): Promise<CarriedTime | null | string> {
  const edgeFile = join(dirname(file), 'edge_report.json');
  let edge: unknown;
  try {
    edge = JSON.parse(await readFile(edgeFile, 'utf8')) as unknown;
  } catch {
    return `${edgeFile} (the time of ${file}) is missing or unreadable`;
  }
  if (!isRecord(edge)) return `${edgeFile} is not a JSON object`;
  if (edge['source'] !== report['source']) return `${edgeFile} is from another run (source ${String(edge['source'])} vs ${String(report['source'])})`;
  const fills = arr(edge['bots']).flatMap((b) => (isRecord(b) ? arr(b['perFill']) : []));
  return carried(maxOf(fills.map((f) => (isRecord(f) ? f['ts'] : null))), 'max(edge_report.json bots[].perFill[].ts)');
}
