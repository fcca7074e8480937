/**
 * Read files → a validated, windowed {@link MarketData}: format resolution, the format's
 * parser, windowing, the content hash and the meta. Pure over the bytes the reader produced
 * (files.ts), so every rule here is testable without a disk.
 */
import type { DataFinding, DataFormat, DataMeta, DataRequest, MarketData, MarketEvent } from '../types.ts';
import { captureSeries } from './capture-events.ts';
import { contentHash } from './content-hash.ts';
import { detectFormat } from './detect.ts';
import { DataError } from './errors.ts';
import { FindingList, error, hasErrors } from './findings.ts';
import { parseCsvFile, parseJsonFile } from './ohlcv-rows.ts';
import { barSeries } from './ohlcv-series.ts';
import { storeSeries } from './store-events.ts';
import { windowEvents } from './window.ts';

/** What {@link buildMarketData} needs of a read file (see files.ts `SourceFile`). */
export interface Source {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly dir?: string | null;
}

interface Series {
  readonly events: readonly MarketEvent[];
  readonly symbol: string | null;
  readonly intervalMs: number | null;
  readonly findings: readonly DataFinding[];
}

/** The one format of all files, or the findings that say why there is none. */
export function resolveFormat(sources: readonly Source[], requested: DataRequest['format']): DataFormat | DataFinding[] {
  if (requested !== 'auto') return requested;
  const detected = sources.map((s) => ({ s, f: detectFormat(s.path, s.text, (s.dir ?? null) !== null) }));
  const unknown = detected.flatMap((d) => (typeof d.f === 'string' ? [] : [d.f]));
  if (unknown.length > 0) return unknown;
  const formats = [...new Set(detected.map((d) => d.f as DataFormat))];
  if (formats.length === 1 && formats[0] !== undefined) return formats[0];
  const listing = detected.map((d) => `${d.s.path}: ${String(d.f)}`).join('; ');
  return [error('unknown_format', sources[0]?.path ?? '', `the files are of different formats (${listing}); one run reads one format`)];
}

function series(format: DataFormat, sources: readonly Source[]): Series {
  const inputs = sources.map((s) => ({ file: s.path, text: s.text }));
  switch (format) {
    case 'capture':
      return { ...captureSeries(inputs), intervalMs: null };
    case 'events':
      return { ...storeSeries(inputs), intervalMs: null };
    case 'ohlcv-csv':
    case 'ohlcv-json': {
      const parse = format === 'ohlcv-csv' ? parseCsvFile : parseJsonFile;
      return { ...barSeries(inputs.map((i) => parse(i.file, i.text))), symbol: null };
    }
  }
}

const iso = (ts: number | undefined): string => (ts === undefined ? '…' : new Date(ts).toISOString());

function emptyWindow(sources: readonly Source[], all: readonly MarketEvent[], req: DataRequest): DataFinding {
  const file = sources.map((s) => s.path).join(', ');
  if (all.length === 0) return error('empty_window', file, 'the data holds no market events');
  const span = `${iso(all[0]?.ts)} – ${iso(all[all.length - 1]?.ts)}`;
  return error('empty_window', file, `no events in the window [${iso(req.start)}, ${iso(req.end)}) (the data spans ${span})`);
}

/**
 * Validates and windows read files. Throws a {@link DataError} listing every error finding;
 * warnings travel in `meta.findings`.
 */
export function buildMarketData(sources: readonly Source[], req: DataRequest): MarketData {
  const list = new FindingList();
  const format = resolveFormat(sources, req.format);
  if (typeof format !== 'string') {
    for (const f of format) list.add(f);
    throw new DataError(list.all());
  }
  const s = series(format, sources);
  for (const f of s.findings) list.add(f);
  const events = Object.freeze([...windowEvents(s.events, req.start, req.end)]);
  // With no events at all because of errors (mixed symbols, every row bad), "empty" is no news.
  if (events.length === 0 && (s.events.length > 0 || !hasErrors(s.findings))) list.add(emptyWindow(sources, s.events, req));
  const findings = list.all();
  if (hasErrors(findings)) throw new DataError(findings);
  const meta: DataMeta = {
    format,
    files: sources.map((x) => x.path),
    contentHash: contentHash(sources.map((x) => x.bytes)),
    symbol: s.symbol,
    start: events[0]?.ts ?? null,
    end: events[events.length - 1]?.ts ?? null,
    barIntervalMs: s.intervalMs,
    events: events.length,
    findings,
  };
  return { meta, events: () => events };
}
