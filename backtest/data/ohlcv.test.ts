import { describe, expect, it } from 'vitest';
import type { DataFinding, MarketEvent } from '../types.ts';
import { DataError } from './errors.ts';
import { isGapFinding } from './findings.ts';
import { loadMarketData } from './load.ts';
import { buildMarketData } from './market-data.ts';
import { csvBars } from './test-helpers.ts';

const FTX = new URL('../../data/ftx-btcperp-1m-2022/ftx_btc-perp_1m_20211231-20220201.csv', import.meta.url).pathname;
const T0 = Date.UTC(2022, 0, 1); // 2022-01-01 00:00 UTC

/** Builds from in-memory text (no disk) and returns the DataError's findings, or fails. */
function findingsOf(files: Record<string, string>, range: { start?: number; end?: number } = {}): readonly DataFinding[] {
  const sources = Object.entries(files).map(([path, text]) => ({ path, text, bytes: Buffer.from(text) }));
  try {
    buildMarketData(sources, { files: Object.keys(files), format: 'auto', ...range });
  } catch (e) {
    if (e instanceof DataError) return e.findings;
    throw e;
  }
  throw new Error('expected a DataError');
}

/** Only the error findings (a rejected row also leaves a gap warning behind it). */
function errorsOf(files: Record<string, string>, range: { start?: number; end?: number } = {}): readonly DataFinding[] {
  return findingsOf(files, range).filter((f) => f.severity === 'error');
}

function build(files: Record<string, string>, range: { start?: number; end?: number } = {}) {
  const sources = Object.entries(files).map(([path, text]) => ({ path, text, bytes: Buffer.from(text) }));
  return buildMarketData(sources, { files: Object.keys(files), format: 'auto', ...range });
}

describe('FTX BTC-PERP 1-minute CSV', () => {
  it('loads 45,031 bars at close time, 60 s interval, no gap, the same hash twice', async () => {
    const a = await loadMarketData({ files: [FTX], format: 'auto' });
    const b = await loadMarketData({ files: [FTX], format: 'ohlcv-csv' });
    expect(a.meta).toMatchObject({ format: 'ohlcv-csv', events: 45_031, barIntervalMs: 60_000, symbol: null, findings: [] });
    expect(a.meta.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.meta.contentHash).toBe(a.meta.contentHash);
    const first = [...a.events()][0];
    // 2021-12-31 23:01 opens, closes a minute later.
    expect(first).toMatchObject({ kind: 'bar', ts: Date.UTC(2021, 11, 31, 23, 2), intervalMs: 60_000 });
    expect(a.meta.start).toBe(Date.UTC(2021, 11, 31, 23, 2));
    expect(a.meta.end).toBe(Date.UTC(2022, 1, 1, 5, 32));
  });
});

describe('OHLCV JSON (ccxt / freqtrade)', () => {
  it('loads bars with their close time', () => {
    const rows = [0, 1, 2].map((i) => [T0 + i * 300_000, 10 + i, 12 + i, 9 + i, 11 + i, 5]);
    const md = build({ 'x.json': JSON.stringify(rows) });
    expect(md.meta).toMatchObject({ format: 'ohlcv-json', events: 3, barIntervalMs: 300_000 });
    const events = [...md.events()];
    expect(events.map((e) => e.ts)).toEqual([1, 2, 3].map((i) => T0 + i * 300_000));
    expect(events[1]?.kind === 'bar' && events[1].bar.close.toString()).toBe('12');
  });
});

describe('OHLCV bad input', () => {
  it('rows out of order → unsorted with the line', () => {
    // Rows 2 and 3 swapped: the row on line 5 opens before line 4's.
    const csv = csvBars(T0, 5, (row, i) => (i === 2 ? [String(T0 + 180_000), ...row.slice(1)] : i === 3 ? [String(T0 + 120_000), ...row.slice(1)] : row));
    expect(errorsOf({ 'u.csv': csv })).toEqual([expect.objectContaining({ severity: 'error', code: 'unsorted', file: 'u.csv', line: 5 })]);
  });
  it('a repeated timestamp → duplicate_ts with the line', () => {
    const csv = csvBars(T0, 4, (row, i) => (i === 2 ? [String(T0 + 60_000), ...row.slice(1)] : row));
    expect(errorsOf({ 'd.csv': csv })).toEqual([expect.objectContaining({ severity: 'error', code: 'duplicate_ts', file: 'd.csv', line: 4 })]);
  });
  it('a NaN price → bad_price with the line (not skipped)', () => {
    const csv = csvBars(T0, 4, (row, i) => (i === 1 ? [row[0] as string, 'NaN', ...row.slice(2)] : row));
    expect(errorsOf({ 'n.csv': csv })).toEqual([expect.objectContaining({ severity: 'error', code: 'bad_price', file: 'n.csv', line: 3 })]);
  });
  it('a negative price → bad_price with the line', () => {
    const csv = csvBars(T0, 4, (row, i) => (i === 2 ? [row[0] as string, row[1] as string, row[2] as string, '-5', ...row.slice(4)] : row));
    expect(errorsOf({ 'neg.csv': csv })).toEqual([expect.objectContaining({ severity: 'error', code: 'bad_price', line: 4 })]);
  });
  it('high below max(open, close) → bad_price; a bad timestamp → bad_row', () => {
    const csv = csvBars(T0, 4, (row, i) => (i === 1 ? [row[0] as string, '100', '99', ...row.slice(3)] : i === 2 ? ['yesterday', ...row.slice(1)] : row));
    expect(errorsOf({ 'h.csv': csv }).map((f) => [f.code, f.line])).toEqual([['bad_price', 3], ['bad_row', 4]]);
  });
  it('JSON rows with null or a string price are reported, not skipped', () => {
    const json = JSON.stringify([[T0, 1, 2, 0.5, 1.5, 1], [T0 + 60_000, null, 2, 0.5, 1.5, 1], [T0 + 120_000, 1, 2, 0.5, 1.5, -1], [T0 + 180_000, 1, 2, 0.5, 1.5, 1], [T0 + 240_000, 1, 2, 0.5, 1.5, 1]], null, 1);
    expect(errorsOf({ 'j.json': json }).map((f) => [f.code, f.line])).toEqual([['bad_price', 10], ['bad_row', 18]]);
  });
  it('a missing bar → gap warning with its span, and no fabricated bar', () => {
    const csv = csvBars(T0, 6, (row, i) => (i === 2 || i === 3 ? null : row));
    const md = build({ 'g.csv': csv });
    expect(md.meta.events).toBe(4);
    expect([...md.events()].map((e) => e.ts)).toEqual([1, 2, 5, 6].map((i) => T0 + i * 60_000));
    expect(md.meta.findings).toHaveLength(1);
    const gap = md.meta.findings[0] as DataFinding;
    expect(gap).toMatchObject({ severity: 'warning', code: 'gap', file: 'g.csv', line: 4 });
    expect(isGapFinding(gap) && gap.span).toEqual({ start: T0 + 2 * 60_000, end: T0 + 3 * 60_000, missing: 2 });
    expect(gap.message).toContain('2022-01-01T00:02:00.000Z to 2022-01-01T00:03:00.000Z');
  });
  it('a window with no events → empty_window', () => {
    expect(findingsOf({ 'w.csv': csvBars(T0, 5) }, { start: T0 + 3_600_000, end: T0 + 7_200_000 })).toEqual([
      expect.objectContaining({ severity: 'error', code: 'empty_window', file: 'w.csv' }),
    ]);
    expect(findingsOf({ 'h.csv': 'timestamp,open,high,low,close,volume\n' })).toEqual([expect.objectContaining({ code: 'empty_window' })]);
  });
  it('several files are put in time order; overlapping files are an error', () => {
    const md = build({ 'late.csv': csvBars(T0 + 300_000, 3), 'early.csv': csvBars(T0, 5) });
    expect(md.meta.events).toBe(8);
    expect(md.meta.findings).toEqual([]);
    expect(md.meta.files).toEqual(['late.csv', 'early.csv']);
    expect(findingsOf({ 'a.csv': csvBars(T0, 5), 'b.csv': csvBars(T0 + 240_000, 3) })).toEqual([
      expect.objectContaining({ severity: 'error', code: 'duplicate_ts', file: 'b.csv', line: 2 }),
    ]);
  });
  it('a file bad on every row lists 50 findings and counts the rest (none silently dropped)', () => {
    const csv = csvBars(T0, 120, (row) => [row[0] as string, '-1', ...row.slice(2)]);
    const errors = errorsOf({ 'all-bad.csv': csv });
    expect(errors).toHaveLength(51);
    expect(errors[50]).toMatchObject({ code: 'bad_price', file: 'all-bad.csv', message: '70 more bad_price finding(s) in this file not listed (120 in all)' });
  });
  it('every error finding is in the DataError message', () => {
    const csv = csvBars(T0, 5, (row, i) => (i === 1 ? [row[0] as string, 'NaN', ...row.slice(2)] : i === 3 ? [String(T0), ...row.slice(1)] : row));
    const err = (() => {
      try {
        build({ 'e.csv': csv });
      } catch (e) {
        return e as DataError;
      }
      throw new Error('expected a DataError');
    })();
    expect(err.message).toContain('e.csv:3: bad_price');
    expect(err.message).toContain('e.csv:5: duplicate_ts');
  });
});

describe('windowing', () => {
  it('keeps [start, end) by close time', () => {
    const md = build({ 'w.csv': csvBars(T0, 10) }, { start: T0 + 3 * 60_000, end: T0 + 6 * 60_000 });
    expect([...md.events()].map((e: MarketEvent) => e.ts)).toEqual([3, 4, 5].map((i) => T0 + i * 60_000));
    expect(md.meta).toMatchObject({ start: T0 + 180_000, end: T0 + 300_000, events: 3 });
  });
  it('events() is re-iterable and identical', () => {
    const md = build({ 'r.csv': csvBars(T0, 10) });
    expect([...md.events()]).toEqual([...md.events()]);
  });
});
