import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureFormatError, CaptureReadError } from './errors.ts';
import { inputKindOf, inspectFiles, type OhlcvReport } from './inspect.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MIN = 60_000;
const T0 = Date.UTC(2022, 0, 1);
let dir = '';
const at = (name: string): string => join(dir, name);
const csvRows = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `${T0 + (from + i) * MIN},1,2,0.5,1.5,10`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-inspect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ohlcv(files: string[]): Promise<OhlcvReport> {
  const r = await inspectFiles(files);
  if (r.type !== 'ohlcv') throw new Error(`expected an OHLCV report, got ${r.type}`);
  return r;
}

describe('inputKindOf', () => {
  it.each([
    ['a.csv', 'ohlcv-csv'], ['A.CSV.GZ', 'ohlcv-csv'], ['x/y.json', 'ohlcv-json'], ['b.json.gz', 'ohlcv-json'],
    ['btcusdt_20240808.gz', 'capture'], ['capture.txt', 'capture'], ['csv', 'capture'],
  ])('%s → %s', (file, kind) => {
    expect(inputKindOf(file)).toBe(kind);
  });
});

describe('inspectFiles', () => {
  it('refuses no files and mixed kinds', async () => {
    await expect(inspectFiles([])).rejects.toThrow(RangeError);
    await expect(inspectFiles(['a.csv', 'b.json'])).rejects.toThrow(CaptureFormatError);
    await expect(inspectFiles(['a.csv', 'b.json'])).rejects.toThrow('b.json: is ohlcv-json but a.csv is ohlcv-csv; inspect one kind of input at a time');
  });

  it('CSV across files (each with its own header, gzip or plain) is one series', async () => {
    await writeFile(at('p1.csv'), ['timestamp,open,high,low,close,volume', ...csvRows(0, 3), ''].join('\n'));
    await writeFile(at('p2.csv.gz'), gzipSync(['Date,Open,High,Low,Close,Volume', ...csvRows(3, 2), ...csvRows(8, 1)].join('\r\n')));
    const r = await ohlcv([at('p1.csv'), at('p2.csv.gz')]);
    expect(r).toMatchObject({ format: 'csv', rows: 6, badRows: 0, intervalMs: MIN, gaps: 1, missingBars: 3, firstTs: T0, lastTs: T0 + 8 * MIN });
    expect(r.files).toEqual([at('p1.csv'), at('p2.csv.gz')]);
  });

  it('bad CSV rows are reported with file and line, the rest still counted', async () => {
    const rows = ['timestamp,open,high,low,close,volume', ...csvRows(0, 2), 'oops,1,2,0.5,1.5,10', '', csvRows(2, 1)[0], csvRows(2, 1)[0]];
    await writeFile(at('bad.csv'), rows.join('\n'));
    const r = await ohlcv([at('bad.csv')]);
    expect(r.rows).toBe(3);
    expect(r.badRows).toBe(2);
    expect(r.issues.map((i) => [i.file, i.line])).toEqual([[at('bad.csv'), 4], [at('bad.csv'), 7]]);
    expect(r.issues[0]?.reason).toMatch(/timestamp "oops"/);
    expect(r.issues[1]?.reason).toMatch(/is not after the previous row/);
  });

  it('a CSV without an OHLCV header is a CaptureFormatError on its first non-blank line', async () => {
    await writeFile(at('nohead.csv'), `\n${csvRows(0, 2).join('\n')}\n`);
    await expect(inspectFiles([at('nohead.csv')])).rejects.toMatchObject({ name: 'CaptureFormatError', file: at('nohead.csv'), line: 2 });
  });

  it('JSON files are one series; bad rows get their line; invalid JSON is a CaptureFormatError', async () => {
    await writeFile(at('a.json'), `[\n[${T0}, 1, 2, 0.5, 1.5, 10],\n[${T0 + MIN}, 1, 2, 3, 1.5, 10]\n]\n`);
    await writeFile(at('b.json.gz'), gzipSync(JSON.stringify([[T0 + 2 * MIN, 1, 2, 0.5, 1.5, 10]])));
    const r = await ohlcv([at('a.json'), at('b.json.gz')]);
    expect(r).toMatchObject({ format: 'json', rows: 2, badRows: 1, firstTs: T0, lastTs: T0 + 2 * MIN });
    expect(r.issues).toEqual([{ file: at('a.json'), line: 3, reason: 'row 2: low 3 is above min(open, close) 1' }]);
    await writeFile(at('broken.json'), '[[1,2');
    await expect(inspectFiles([at('broken.json')])).rejects.toMatchObject({ name: 'CaptureFormatError', file: at('broken.json'), line: 1 });
  });

  it('a capture slice (plain text) is replayed; progress is reported per batch', async () => {
    const text = gunzipSync(readFileSync(join(ROOT, 'data/binance-spot-20240808/btcusdt_20240808.gz'))).toString('utf8');
    const lines = text.split('\n').slice(0, 400);
    await writeFile(at('slice.txt'), `${lines.join('\n')}\n`);
    const seen: number[] = [];
    const r = await inspectFiles([at('slice.txt')], { progressEvery: 1, onProgress: (f, l) => f === at('slice.txt') && seen.push(l) });
    expect(r).toMatchObject({ type: 'capture', venue: 'binance', symbol: 'BTCUSDT', gaps: 0, crossed: 0, tickerMismatches: 0, synced: true });
    expect(r.type === 'capture' && r.counts.snapshot).toBe(1);
    expect(seen.at(-1)).toBe(400);
  });

  it('read and format errors keep their types', async () => {
    await expect(inspectFiles([at('missing.gz')])).rejects.toBeInstanceOf(CaptureReadError);
    await writeFile(at('garbage.txt'), 'not a capture line\n');
    await expect(inspectFiles([at('garbage.txt')])).rejects.toThrow(`${at('garbage.txt')}:1: expected "<local_receive_ns> <json>"`);
  });
});
