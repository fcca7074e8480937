/**
 * The report writer: `<out>/summary.json` and `<out>/bars.jsonl`, both canonical JSON (sorted
 * keys; summary 2-space indented with a trailing newline; one row per line), so the same inputs
 * give byte-identical files. Nothing about the run itself goes in — no wall-clock time, no host,
 * no absolute path that is not the user's own: data files appear as they were given.
 *
 * Identity: `configHash` = sha256 of the canonical JSON of the effective configuration (every
 * default filled in), `dataHash` = the provider's content hash, and `runId` = sha256 of the
 * canonical JSON of { strategy, configHash, dataHash, fillModel, window }.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from './canonical-json.ts';
import type { BarRow, EngineResult } from './engine.ts';
import type { Decimal } from '../domain/money/decimal.ts';
import type { DataMeta, FillModelBias } from './types.ts';

export const SUMMARY_SCHEMA_VERSION = 1;

/** The requested window (ms; null = open). */
export interface RunWindow {
  readonly start: number | null;
  readonly end: number | null;
}

export interface SummaryInput {
  readonly strategy: string;
  /** The effective configuration, hashed canonically (Decimals as fixed strings). */
  readonly config: unknown;
  readonly meta: DataMeta;
  readonly fillModel: string;
  readonly bias: FillModelBias;
  readonly window: RunWindow;
  /** The metrics, JSON-ready (Decimals may stay Decimals: they serialize as fixed strings). */
  readonly metrics: unknown;
  readonly run: Pick<EngineResult, 'intents' | 'rejects' | 'events'> & { readonly decisions: number; readonly fills: number };
}

export const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The summary object (before serialization). */
export function buildSummary(i: SummaryInput): Record<string, unknown> {
  const configHash = sha256(canonicalJson(i.config, 0));
  const window = { start: i.window.start, end: i.window.end, startIso: iso(i.window.start), endIso: iso(i.window.end) };
  const runId = sha256(canonicalJson({ strategy: i.strategy, configHash, dataHash: i.meta.contentHash, fillModel: i.fillModel, window }, 0)).slice('sha256:'.length);
  const m = i.meta;
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    runId,
    strategy: i.strategy,
    configHash,
    dataHash: m.contentHash,
    data: {
      format: m.format, files: m.files, symbol: m.symbol, start: m.start, end: m.end, startIso: iso(m.start), endIso: iso(m.end),
      intervalMs: m.barIntervalMs, events: m.events, findings: m.findings,
    },
    fillModel: i.fillModel,
    fill_model_bias: i.bias,
    window,
    run: { decisions: i.run.decisions, events: i.run.events, fills: i.run.fills, orders: { placed: i.run.intents.places, cancelled: i.run.intents.cancels, rejected: i.run.rejects } },
    metrics: i.metrics,
  };
}

/** The summary as written: canonical JSON, 2-space indent, trailing newline. */
export function summaryText(summary: unknown): string {
  return `${canonicalJson(summary, 2)}\n`;
}

/** `JSON.stringify(d.toFixed())`, remembering the last Decimal it wrote (holdings change only on fills). */
function fixedWriter(): (d: Decimal) => string {
  let last: Decimal | null = null;
  let text = '';
  return (d) => {
    if (d !== last) {
      last = d;
      text = JSON.stringify(d.toFixed());
    }
    return text;
  };
}

const q = JSON.stringify;

/**
 * One bars.jsonl line (no newline): the canonical JSON of the row plus its ISO time, written
 * out by hand in sorted key order (it runs once per decision; the generic writer was a
 * measurable part of a 45k-bar run). `report.test.ts` checks it equals `canonicalJson`.
 */
export function barLine(r: BarRow): string {
  return barLineWith(r, (d) => q(d.toFixed()), (d) => q(d.toFixed()));
}

function barLineWith(r: BarRow, base: (d: Decimal) => string, quote: (d: Decimal) => string): string {
  return (
    `{"ask":${q(r.ask.toFixed())},"base":${base(r.base)},"bid":${q(r.bid.toFixed())},"cancelled":${r.cancelled},"equity":${q(r.equity.toFixed())},` +
    `"fills":${r.fills},"iso":${q(iso(r.ts))},"mid":${q(r.mid.toFixed())},"openOrders":${r.openOrders},"placed":${r.placed},"quote":${quote(r.quote)},` +
    `"regime":${q(r.regime)},"rejected":${r.rejected},"ts":${r.ts}}`
  );
}

/** Writes `<out>/summary.json` and `<out>/bars.jsonl`; returns their paths. */
export async function writeReport(out: string, summary: unknown, rows: readonly BarRow[]): Promise<{ summary: string; bars: string }> {
  await mkdir(out, { recursive: true });
  const paths = { summary: join(out, 'summary.json'), bars: join(out, 'bars.jsonl') };
  await writeFile(paths.summary, summaryText(summary), 'utf8');
  const lines: string[] = [];
  // A run's base and quote holdings stay the same Decimals from one fill to the next.
  const base = fixedWriter();
  const quote = fixedWriter();
  for (const r of rows) lines.push(barLineWith(r, base, quote));
  await writeFile(paths.bars, lines.length === 0 ? '' : `${lines.join('\n')}\n`, 'utf8');
  return paths;
}
