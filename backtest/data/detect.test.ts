import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { DataError } from './errors.ts';
import { loadMarketData } from './load.ts';
import { type TempDir, csvBars, tempDir } from './test-helpers.ts';

const CAPTURE_LINE = '1723161253937085768 {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"61000.10","q":"0.5","T":1,"m":true,"M":true}}';
const ENVELOPE = '{"schemaVersion":1,"eventId":"bot.a:1","seq":1,"ts":1723161255030,"producer":"bot.a","botId":"a","correlationId":"c","causationId":null,"traceId":null,"type":"bot.started","payload":{"symbol":"BTCUSDT"}}';

describe('detectFormat', () => {
  it('recognises a capture line', () => {
    expect(detectFormat('x', `${CAPTURE_LINE}\n`)).toBe('capture');
  });
  it('recognises an OHLCV CSV header (any column order, quoted)', () => {
    expect(detectFormat('x', csvBars(0, 2))).toBe('ohlcv-csv');
    expect(detectFormat('x', '"Date","Open","High","Low","Close","Volume"\n')).toBe('ohlcv-csv');
  });
  it('recognises ccxt / freqtrade JSON, compact or pretty-printed', () => {
    expect(detectFormat('x', '[[1640995260000,1,2,0.5,1.5,10]]')).toBe('ohlcv-json');
    expect(detectFormat('x', '\uFEFF[\n  [\n    1640995260000, 1, 2, 0.5, 1.5, 10\n  ]\n]')).toBe('ohlcv-json');
    expect(detectFormat('x', '[]')).toBe('ohlcv-json');
  });
  it('recognises desk event envelopes, and any file of an events directory', () => {
    expect(detectFormat('x.jsonl', `${ENVELOPE}\n`)).toBe('events');
    expect(detectFormat('events-2024-08-08.jsonl', 'garbage', true)).toBe('events');
  });
  it('reports anything else as unknown_format naming the file and what was expected', () => {
    for (const text of ['', 'hello world\n', 'timestamp,price\n1,2\n', '{"a":1}\n', '[{"ts":1}]']) {
      const f = detectFormat('data/x.txt', text);
      expect(f).toMatchObject({ severity: 'error', code: 'unknown_format', file: 'data/x.txt' });
      expect(typeof f === 'string' ? '' : f.message).toMatch(/expected a Binance capture.*OHLCV CSV.*JSON array.*desk event/);
    }
  });
});

describe('loadMarketData format detection on files', () => {
  let t: TempDir;
  beforeAll(async () => {
    t = await tempDir();
  });
  afterAll(() => t.remove());

  it('detects gzip by content: a gzipped capture and a gzipped CSV', async () => {
    const cap = await loadMarketData({ files: [await t.file('c.gz', gzipSync(`${CAPTURE_LINE}\n`))], format: 'auto' });
    expect(cap.meta.format).toBe('capture');
    const csv = await loadMarketData({ files: [await t.file('b.csv.gz', gzipSync(csvBars(1_640_995_200_000, 3)))], format: 'auto' });
    expect(csv.meta.format).toBe('ohlcv-csv');
  });

  it('throws a DataError listing every unknown file', async () => {
    const a = await t.file('a.txt', 'hello\n');
    const b = await t.file('b.bin', 'x,y\n');
    const err = await loadMarketData({ files: [a, b], format: 'auto' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    const e = err as DataError;
    expect(e.findings.map((f) => [f.code, f.file])).toEqual([['unknown_format', a], ['unknown_format', b]]);
    expect(e.message).toContain(`${a}: unknown_format`);
    expect(e.message).toContain(`${b}: unknown_format`);
  });

  it('refuses files of different formats in one run', async () => {
    const csv = await t.file('m.csv', csvBars(1_640_995_200_000, 3));
    const json = await t.file('m.json', '[[1640995500000,1,2,0.5,1.5,10]]');
    await expect(loadMarketData({ files: [csv, json], format: 'auto' })).rejects.toThrow(/different formats/);
  });
});
