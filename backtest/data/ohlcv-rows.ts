/**
 * One OHLCV file's text → its bars with their lines, through the domain parsers
 * (domain/market/ohlcv.ts). Every rejected row becomes an error finding with its line — a bad
 * price (`bad_price`: not a finite number, ≤ 0, high below max(open, close), low above
 * min(open, close)) or a malformed row (`bad_row`: columns, timestamp, volume) — and is never
 * silently skipped. Order, duplicates, interval and gaps are judged over all files together in
 * ohlcv-series.ts. Pure: no I/O.
 */
import { parseOhlcvCsvHeader, parseOhlcvCsvRow, parseOhlcvJson } from '../../domain/market/ohlcv.ts';
import type { Bar } from '../../domain/market/types.ts';
import type { DataFinding } from '../types.ts';
import { error } from './findings.ts';

/** A parsed bar and the 1-based line it came from. */
export interface OhlcvRow {
  readonly line: number;
  readonly bar: Bar;
}

export interface OhlcvFileRows {
  readonly file: string;
  readonly rows: readonly OhlcvRow[];
  readonly findings: readonly DataFinding[];
}

const PRICE_FIELD = /^(?:row \d+: )?(?:(?:open|high|low|close)(?::| is missing)|prices must be|(?:high|low) \S+ is (?:below|above))/;

/** `bad_price` for a reason about a price, `bad_row` for anything else (columns, timestamp, volume). */
export function classifyRowProblem(reason: string): 'bad_price' | 'bad_row' {
  return PRICE_FIELD.test(reason) ? 'bad_price' : 'bad_row';
}

/** Parses an OHLCV CSV (header first; blank lines ignored). */
export function parseCsvFile(file: string, text: string): OhlcvFileRows {
  const lines = text.split('\n');
  const rows: OhlcvRow[] = [];
  const findings: DataFinding[] = [];
  let layout: ReturnType<typeof parseOhlcvCsvHeader> | null = null;
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).replace(/\r$/, '');
    if (i === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.trim() === '') continue;
    if (layout === null) {
      layout = parseOhlcvCsvHeader(line);
      if (typeof layout === 'string') return { file, rows: [], findings: [error('unknown_format', file, `not an OHLCV CSV: ${layout}`, i + 1)] };
      continue;
    }
    if (typeof layout === 'string') break;
    const bar = parseOhlcvCsvRow(line, layout);
    if (typeof bar === 'string') findings.push(error(classifyRowProblem(bar), file, bar, i + 1));
    else rows.push({ line: i + 1, bar });
  }
  return { file, rows, findings };
}

/** Parses a ccxt / freqtrade OHLCV JSON array. */
export function parseJsonFile(file: string, text: string): OhlcvFileRows {
  let parsed;
  try {
    parsed = parseOhlcvJson(text);
  } catch (e) {
    return { file, rows: [], findings: [error('bad_row', file, `not an OHLCV JSON array: ${e instanceof Error ? e.message : String(e)}`)] };
  }
  const rows: OhlcvRow[] = [];
  const findings: DataFinding[] = [];
  for (const r of parsed) {
    if (typeof r.bar === 'string') findings.push(error(classifyRowProblem(r.bar), file, r.bar, r.line));
    else rows.push({ line: r.line, bar: r.bar });
  }
  return { file, rows, findings };
}
