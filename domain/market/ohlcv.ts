/**
 * OHLCV input as users bring it: CSV with a `timestamp,open,high,low,close,volume` header
 * (column order free, extra columns ignored) and ccxt `fetchOHLCV` / freqtrade JSON
 * (`[[ts_ms, open, high, low, close, volume], ...]`).
 *
 * Rows are validated one by one (high ≥ max(open, close), low ≤ min(open, close), prices > 0,
 * volume ≥ 0, strictly increasing timestamps); a bad row is reported with its line and left
 * out, so one typo doesn't hide the rest of the file's problems. {@link OhlcvCollector} then
 * summarises rows, span, the bar interval (the most common step) and gaps.
 *
 * Timestamps: epoch ms; a number below 1e11 is taken as epoch *seconds* (1e11 ms is 1973,
 * 1e11 s is year 5138, so real data is never ambiguous); dates (`2021-12-31 23:01:00.000000`,
 * ISO 8601 with `T`, optional `Z` or offset, or a bare `YYYY-MM-DD`) are UTC unless an offset says otherwise.
 */
import { type Decimal, ZERO, dec, dmax, dmin } from '../money/decimal.ts';
import type { Bar } from './types.ts';

/** A rejected row: where it is and why. `file` is an opaque label the caller may set. */
export interface OhlcvIssue {
  readonly file?: string;
  readonly line: number;
  readonly reason: string;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function offsetMs(tz: string | undefined): number {
  if (tz === undefined || tz.toUpperCase() === 'Z') return 0;
  const sign = tz.startsWith('-') ? -1 : 1;
  const digits = tz.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

function parseDate(m: RegExpExecArray): number | undefined {
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
  // Date.UTC rolls 2022-02-30 over to March; a round trip catches impossible dates.
  const back = new Date(ms);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  return ms - offsetMs(tz);
}

/** Parses an OHLCV timestamp (ms, seconds or a date) to epoch ms, or undefined if it is none. */
export function parseOhlcvTimestamp(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? Math.round(raw < 1e11 ? raw * 1000 : raw) : undefined;
  const s = raw.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return parseOhlcvTimestamp(Number(s));
  const m = DATE_RE.exec(s);
  return m === null ? undefined : parseDate(m);
}

/** Why a bar is impossible, or null if it is consistent. */
export function ohlcvBarProblem(bar: Bar): string | null {
  if (bar.open.lte(ZERO) || bar.high.lte(ZERO) || bar.low.lte(ZERO) || bar.close.lte(ZERO)) return 'prices must be > 0';
  if (bar.high.lt(dmax(bar.open, bar.close))) return `high ${bar.high.toString()} is below max(open, close) ${dmax(bar.open, bar.close).toString()}`;
  if (bar.low.gt(dmin(bar.open, bar.close))) return `low ${bar.low.toString()} is above min(open, close) ${dmin(bar.open, bar.close).toString()}`;
  if (bar.volume.lt(ZERO)) return `volume ${bar.volume.toString()} is negative`;
  return null;
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
type Field = (typeof FIELDS)[number];

/** Column positions found in a CSV header. */
export interface CsvLayout {
  readonly ts: number;
  readonly cols: Readonly<Record<Field, number>>;
  readonly width: number;
}

const TS_NAMES = new Set(['timestamp', 'time', 'date', 'datetime', 'open_time']);

/** Reads the header; returns the layout or the reason it is not an OHLCV header. */
export function parseOhlcvCsvHeader(line: string): CsvLayout | string {
  const names = line.split(',').map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  const ts = names.findIndex((n) => TS_NAMES.has(n));
  const cols = {} as Record<Field, number>;
  const missing: string[] = ts < 0 ? ['timestamp'] : [];
  for (const f of FIELDS) {
    cols[f] = names.indexOf(f);
    if (cols[f] < 0) missing.push(f);
  }
  if (missing.length > 0) return `header ${JSON.stringify(line.slice(0, 80))} lacks column(s) ${missing.join(', ')} (expected timestamp,open,high,low,close,volume)`;
  return { ts, cols, width: names.length };
}

function toBar(ts: number | undefined, tsRaw: unknown, values: Readonly<Record<Field, unknown>>): Bar | string {
  if (ts === undefined) return `timestamp ${JSON.stringify(tsRaw)} is neither epoch ms/s nor a date`;
  const out: Partial<Record<Field, Decimal>> = {};
  for (const f of FIELDS) {
    const v = values[f];
    if ((typeof v !== 'string' || v.trim() === '') && typeof v !== 'number') return `${f} is missing`;
    try {
      out[f] = dec(typeof v === 'string' ? v.trim() : v, f);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  const bar = { ts, ...(out as Record<Field, Decimal>) };
  return ohlcvBarProblem(bar) ?? bar;
}

/** Parses one CSV data row; returns the bar or the reason it is bad. */
export function parseOhlcvCsvRow(line: string, layout: CsvLayout): Bar | string {
  const cells = line.split(',');
  if (cells.length < layout.width) return `expected ${layout.width} columns, found ${cells.length}`;
  const tsRaw = (cells[layout.ts] ?? '').trim().replace(/^"|"$/g, '');
  const values = {} as Record<Field, string>;
  for (const f of FIELDS) values[f] = (cells[layout.cols[f]] ?? '').replace(/^\s*"|"\s*$/g, '');
  return toBar(parseOhlcvTimestamp(tsRaw), tsRaw, values);
}

/** Line (1-based) on which each top-level element of a JSON array starts. */
function rowLines(text: string): number[] {
  const lines: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  // Inside the outer array, the next non-blank character starts a row — whatever its type
  // (a `null` or a number is a bad row, but it must still get its own line).
  let expectRow = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      continue;
    }
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (expectRow && depth === 1 && c !== ' ' && c !== '\t' && c !== '\r' && c !== ']') {
      lines.push(line);
      expectRow = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectRow = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectRow = true;
  }
  return lines;
}

/** One parsed JSON row: the bar, or the reason it is bad, with its line. */
export interface OhlcvJsonRow {
  readonly line: number;
  readonly bar: Bar | string;
}

/** Parses ccxt/freqtrade OHLCV JSON. Throws a RangeError if the text is not a JSON array. */
export function parseOhlcvJson(input: string): OhlcvJsonRow[] {
  // Editors on Windows save "UTF-8" with a byte-order mark, which JSON.parse refuses.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (!Array.isArray(data)) throw new RangeError('expected a JSON array of [ts_ms, open, high, low, close, volume] rows');
  const lines = rowLines(text);
  return data.map((row: unknown, i) => {
    const line = lines[i] ?? 1;
    if (!Array.isArray(row) || row.length < 6) return { line, bar: `row ${i + 1}: expected [ts_ms, open, high, low, close, volume]` };
    const [t, open, high, low, close, volume] = row as unknown[];
    const ts = typeof t === 'number' || typeof t === 'string' ? parseOhlcvTimestamp(t) : undefined;
    const bar = toBar(ts, t, { open, high, low, close, volume });
    return { line, bar: typeof bar === 'string' ? `row ${i + 1}: ${bar}` : bar };
  });
}
