/**
 * The inspection behind `desk data inspect`: reads capture or OHLCV files (several files are
 * one continuous stream) and reports what they hold.
 *
 * The kind is decided by the file name: `*.csv[.gz]` is OHLCV CSV, `*.json[.gz]` is
 * ccxt/freqtrade OHLCV JSON, anything else is a recorded capture (gzip or plain, detected by
 * content). Mixing kinds in one call is refused: they can't form one stream.
 */
import { OhlcvCollector, type OhlcvSummary, parseOhlcvCsvHeader, parseOhlcvCsvRow, parseOhlcvJson, type CsvLayout } from '../../domain/market/index.ts';
import { CaptureInspector, type CaptureSummary } from './capture-inspector.ts';
import { CaptureFormatError } from './errors.ts';
import { type LineBatch, readLineBatches } from './read-lines.ts';

export type InputKind = 'capture' | 'ohlcv-csv' | 'ohlcv-json';

/** A capture's report. */
export interface CaptureReport extends CaptureSummary {
  readonly type: 'capture';
  readonly files: readonly string[];
}

/** An OHLCV series' report. */
export interface OhlcvReport extends OhlcvSummary {
  readonly type: 'ohlcv';
  readonly format: 'csv' | 'json';
  readonly files: readonly string[];
}

export type InspectReport = CaptureReport | OhlcvReport;

/** Progress callback: the file being read and the last line read in it. */
export type InspectProgress = (file: string, line: number) => void;

export interface InspectOptions {
  readonly onProgress?: InspectProgress;
  /** Lines between progress callbacks. Default 100 000. */
  readonly progressEvery?: number;
}

/** The input kind of a file, by its name. */
export function inputKindOf(file: string): InputKind {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv')) return 'ohlcv-csv';
  if (name.endsWith('.json')) return 'ohlcv-json';
  return 'capture';
}

/** Wraps the line reader with throttled progress reports. */
async function* withProgress(files: readonly string[], options: InspectOptions): AsyncGenerator<LineBatch> {
  const every = options.progressEvery ?? 100_000;
  let sinceReport = 0;
  for await (const batch of readLineBatches(files)) {
    yield batch;
    sinceReport += batch.lines.length;
    if (options.onProgress !== undefined && sinceReport >= every) {
      sinceReport = 0;
      options.onProgress(batch.file, batch.firstLine + batch.lines.length - 1);
    }
  }
}

async function inspectCapture(files: readonly string[], options: InspectOptions): Promise<CaptureReport> {
  const inspector = new CaptureInspector();
  for await (const { file, firstLine, lines } of withProgress(files, options)) {
    for (let i = 0; i < lines.length; i++) inspector.push(lines[i] as string, file, firstLine + i);
  }
  return { type: 'capture', files: [...files], ...inspector.summary() };
}

async function inspectCsv(files: readonly string[], options: InspectOptions): Promise<OhlcvReport> {
  const collector = new OhlcvCollector();
  let layout: CsvLayout | null = null;
  let layoutFile = '';
  for await (const { file, firstLine, lines } of withProgress(files, options)) {
    for (let i = 0; i < lines.length; i++) {
      const text = lines[i] as string;
      const line = firstLine + i;
      if (text.trim() === '') continue;
      // Every file starts with its own header.
      if (layout === null || layoutFile !== file) {
        const parsed = parseOhlcvCsvHeader(text);
        if (typeof parsed === 'string') throw new CaptureFormatError(file, line, parsed);
        layout = parsed;
        layoutFile = file;
        continue;
      }
      const bar = parseOhlcvCsvRow(text, layout);
      if (typeof bar === 'string') collector.reject(line, bar, file);
      else collector.add(bar, line, file);
    }
  }
  return { type: 'ohlcv', format: 'csv', files: [...files], ...collector.summary() };
}

async function inspectJson(files: readonly string[], options: InspectOptions): Promise<OhlcvReport> {
  const collector = new OhlcvCollector();
  for (const file of files) {
    const parts: string[] = [];
    for await (const batch of withProgress([file], options)) parts.push(...batch.lines);
    let rows;
    try {
      rows = parseOhlcvJson(parts.join('\n'));
    } catch (e) {
      throw new CaptureFormatError(file, 1, e instanceof Error ? e.message : String(e), { cause: e });
    }
    for (const { line, bar } of rows) {
      if (typeof bar === 'string') collector.reject(line, bar, file);
      else collector.add(bar, line, file);
    }
  }
  return { type: 'ohlcv', format: 'json', files: [...files], ...collector.summary() };
}

/**
 * Inspects `files` as one stream. Throws a CaptureReadError (missing file, truncated gzip) or
 * a CaptureFormatError (malformed line, mixed kinds); bad OHLCV rows are reported, not thrown.
 */
export async function inspectFiles(files: readonly string[], options: InspectOptions = {}): Promise<InspectReport> {
  const first = files[0];
  if (first === undefined) throw new RangeError('inspectFiles: no files given');
  const kind = inputKindOf(first);
  const other = files.find((f) => inputKindOf(f) !== kind);
  if (other !== undefined) throw new CaptureFormatError(other, 0, `is ${inputKindOf(other)} but ${first} is ${kind}; inspect one kind of input at a time`);
  if (kind === 'ohlcv-csv') return inspectCsv(files, options);
  if (kind === 'ohlcv-json') return inspectJson(files, options);
  return inspectCapture(files, options);
}
