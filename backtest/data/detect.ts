/**
 * Format detection for `--format auto`, from what a file is and how its text starts (gzip is
 * already decoded by the reader, so a gzipped CSV is still a CSV):
 * - a file found in an events directory → `events`;
 * - a first line `<ns> {json}` (7–20 digits, a space, a JSON object) → `capture`;
 * - a JSON array whose first row is an array starting with a number (or an empty array) → `ohlcv-json`;
 * - a first line that is a JSON object with the envelope fields (`schemaVersion`, `eventId`,
 *   `type`, `payload`) → `events` (a `*.jsonl` copied out of the store);
 * - a CSV header the OHLCV parser accepts (timestamp/time/date, open, high, low, close, volume) → `ohlcv-csv`;
 * - anything else → an `unknown_format` error finding naming the file and what was expected.
 * Pure: no I/O.
 */
import { parseOhlcvCsvHeader } from '../../domain/market/ohlcv.ts';
import type { DataFinding, DataFormat } from '../types.ts';
import { error } from './findings.ts';

export const EXPECTED_FORMATS =
  'expected a Binance capture (`<receive_ns> {json}` lines, plain or gzip), an OHLCV CSV with a header ' +
  'timestamp,open,high,low,close,volume, a JSON array of [ts_ms, open, high, low, close, volume] rows ' +
  '(ccxt fetchOHLCV / freqtrade), or desk event envelopes (an events directory or a *.jsonl of them)';

const CAPTURE_LINE = /^\d{7,20} \{/;
const OHLCV_JSON_START = /^\[\s*(?:\]|\[\s*-?\d)/;
const ENVELOPE_FIELDS = ['schemaVersion', 'eventId', 'type', 'payload'] as const;

/** The first non-blank line (BOM and `\r` removed), at most 64 KiB of it. */
export function firstLine(text: string): string {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let i = start;
  while (i < text.length) {
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    const line = text.slice(i, Math.min(end, i + 65_536)).replace(/\r$/, '');
    if (line.trim() !== '') return line.trim();
    i = end + 1;
  }
  return '';
}

function isEnvelope(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && ENVELOPE_FIELDS.every((k) => k in v);
  } catch {
    return false;
  }
}

/** What a file holds, judged from its text; `inEventsDir` = it was found in an events directory. */
export function detectFormat(file: string, text: string, inEventsDir = false): DataFormat | DataFinding {
  if (inEventsDir) return 'events';
  const line = firstLine(text);
  if (CAPTURE_LINE.test(line)) return 'capture';
  // Pretty-printed JSON puts the `[` alone on the first line: judge the text's head instead.
  if (OHLCV_JSON_START.test(text.replace(/^\uFEFF/, '').trimStart().slice(0, 256))) return 'ohlcv-json';
  if (isEnvelope(line)) return 'events';
  if (line !== '' && typeof parseOhlcvCsvHeader(line) !== 'string') return 'ohlcv-csv';
  const seen = line === '' ? 'the file is empty' : `it starts with ${JSON.stringify(line.slice(0, 60))}`;
  return error('unknown_format', file, `unknown data format: ${seen}; ${EXPECTED_FORMATS}`);
}
