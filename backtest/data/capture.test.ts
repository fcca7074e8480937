import { describe, expect, it } from 'vitest';
import type { DataFinding, MarketEvent } from '../types.ts';
import type { DataError } from './errors.ts';
import { loadMarketData } from './load.ts';
import { buildMarketData } from './market-data.ts';

const SPOT = (name: string): string => new URL(`../../data/binance-spot-20240808/${name}`, import.meta.url).pathname;

/** `@trade` lines of btcusdt_20240809.gz (`zcat … | grep -c '@trade"'`). */
const TRADES_0809 = 10_147;

const ns = (ms: number): string => `${ms}000000`;
const depth = (ms: number, U: number, u: number, bids: string[][], asks: string[][] = []): string =>
  `${ns(ms)} ${JSON.stringify({ stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: ms, s: 'BTCUSDT', U, u, b: bids, a: asks } })}`;
const snapshot = (ms: number, id: number): string => `${ns(ms)} ${JSON.stringify({ lastUpdateId: id, bids: [['10', '1'], ['9', '1']], asks: [['11', '1'], ['12', '1']] })}`;
const trade = (ms: number, sym = 'btcusdt'): string =>
  `${ns(ms)} ${JSON.stringify({ stream: `${sym}@trade`, data: { e: 'trade', E: ms, s: sym.toUpperCase(), t: ms, p: '10.5', q: '0.1', T: ms, m: true, M: true } })}`;

function build(files: Record<string, string>) {
  const sources = Object.entries(files).map(([path, text]) => ({ path, text, bytes: Buffer.from(text) }));
  return buildMarketData(sources, { files: Object.keys(files), format: 'auto' });
}

function isSorted(events: readonly MarketEvent[]): boolean {
  return events.every((e, i) => i === 0 || (events[i - 1] as MarketEvent).ts <= e.ts);
}

describe('L2 captures', () => {
  it('a real capture (two files of one symbol, given out of order) gives 5-level book tops and trades in receive-time order', async () => {
    const md = await loadMarketData({ files: [SPOT('btcusdt_20240809.gz'), SPOT('btcusdt_20240808.gz')], format: 'auto' });
    // The sequence ids continue across midnight: one continuous book, no book gap.
    expect(md.meta).toMatchObject({ format: 'capture', symbol: 'BTCUSDT', barIntervalMs: null, findings: [] });
    const events = [...md.events()];
    const books = events.filter((e) => e.kind === 'book');
    const trades = events.filter((e) => e.kind === 'trade');
    expect(trades).toHaveLength(9757 + TRADES_0809); // every @trade line of both files
    expect(books.length).toBeGreaterThan(3000);
    expect(isSorted(events)).toBe(true);
    for (const b of books.filter((_, i) => i % 50 === 0)) {
      if (b.kind !== 'book') continue;
      expect(b.top.bids).toHaveLength(5);
      expect(b.top.asks).toHaveLength(5);
      expect(b.top.bid.lt(b.top.ask)).toBe(true);
    }
    expect(md.meta.start).toBe(events[0]?.ts);
    expect(md.meta.end).toBe(events[events.length - 1]?.ts);
    expect(md.meta.start).toBeLessThan(Date.UTC(2024, 7, 8, 23, 55));
    expect(md.meta.end).toBeGreaterThan(Date.UTC(2024, 7, 9, 0, 5));
  });

  it('files of different symbols → mixed_symbols', () => {
    const err = (() => {
      try {
        build({ 'btc.txt': trade(1000), 'eth.txt': trade(1001, 'ethusdt') });
      } catch (e) {
        return e as DataError;
      }
      throw new Error('expected a DataError');
    })();
    expect(err.findings.map((f: DataFinding) => [f.severity, f.code, f.file])).toEqual([
      ['error', 'mixed_symbols', 'btc.txt'],
      ['error', 'mixed_symbols', 'eth.txt'],
    ]);
    expect(err.message).toMatch(/btc.txt: BTCUSDT; eth.txt: ETHUSDT/);
  });

  it('a depth sequence gap → book_gap warning with its line; tops stop until a snapshot re-syncs', () => {
    const text = [
      depth(1000, 99, 101, [['10', '2']]),
      snapshot(1001, 100),
      depth(1002, 102, 103, [['10', '3']]),
      depth(1003, 106, 107, [['10', '4']]), // expected U = 104: gap
      trade(1004),
      snapshot(1005, 107),
      depth(1006, 108, 108, [['10', '5']]),
    ].join('\n');
    const md = build({ 'gap.txt': text });
    expect(md.meta.findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'book_gap', file: 'gap.txt', line: 4 })]);
    const events = [...md.events()];
    expect(events.map((e) => `${e.kind}@${e.ts}`)).toEqual(['book@1001', 'book@1002', 'trade@1004', 'book@1005', 'book@1006']);
    const last = events[events.length - 1];
    expect(last?.kind === 'book' && last.top.bids[0]?.size.toString()).toBe('5');
  });

  it('a malformed line and a receive time going backwards are errors with their lines', () => {
    const err = (() => {
      try {
        build({ 'bad.txt': [trade(2000), '123456789 {not json', trade(1000)].join('\n') });
      } catch (e) {
        return e as DataError;
      }
      throw new Error('expected a DataError');
    })();
    expect(err.findings.map((f) => [f.code, f.line])).toEqual([['bad_row', 2], ['unsorted', 3]]);
  });
});
