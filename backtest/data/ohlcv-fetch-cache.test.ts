import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheIntegrityError } from './errors.ts';
import { loadMarketData } from './load.ts';
import { type OhlcvExchange, cachePath, fetchOhlcvCached } from './ohlcv-fetch-cache.ts';
import { type TempDir, tempDir } from './test-helpers.ts';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

/** A fake exchange: 1-minute bars from T0 for `count` minutes, at most `limit` per call; records calls. */
function fakeExchange(count: number): OhlcvExchange & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    fetchOHLCV: (_symbol, _timeframe, since, limit) => {
      calls.push(since);
      const rows: number[][] = [];
      for (let i = 0; i < count && rows.length < limit; i++) {
        const ts = T0 + i * MIN;
        if (ts >= since) rows.push([ts, 100 + i, 102 + i, 99 + i, 101 + i, 5]);
      }
      return Promise.resolve(rows);
    },
  };
}

describe('fetchOhlcvCached', () => {
  let t: TempDir;
  beforeEach(async () => {
    t = await tempDir();
  });
  afterEach(() => t.remove());

  const req = (exchange: OhlcvExchange) => ({ exchange, venue: 'binance', symbol: 'BTC/USDT', timeframe: '1m', since: T0, until: T0 + 25 * MIN, cacheDir: t.dir, pageLimit: 10 });

  it('pages fetchOHLCV, writes ccxt JSON + .sha256 under venue/symbol/timeframe/since-until, then reads the cache', async () => {
    const ex = fakeExchange(100);
    const first = await fetchOhlcvCached(req(ex));
    expect(first).toMatchObject({ rows: 25, fromCache: false });
    expect(first.path).toBe(`${t.dir}/binance/BTC-USDT/1m/${T0}-${T0 + 25 * MIN}.json`);
    expect(first.path).toBe(cachePath(req(ex)));
    expect(ex.calls).toEqual([T0, T0 + 9 * MIN + 1, T0 + 19 * MIN + 1]);
    const rows = JSON.parse(await readFile(first.path, 'utf8')) as number[][];
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 25 }, (_, i) => T0 + i * MIN));
    expect((await readFile(`${first.path}.sha256`, 'utf8')).split(/\s+/)[0]).toBe(first.contentHash.slice('sha256:'.length));

    const again = await fetchOhlcvCached(req(ex));
    expect(again).toEqual({ ...first, fromCache: true });
    expect(ex.calls).toHaveLength(3); // no fetch the second time

    const md = await loadMarketData({ files: [first.path], format: 'auto' });
    expect(md.meta).toMatchObject({ format: 'ohlcv-json', events: 25, barIntervalMs: MIN, contentHash: first.contentHash });
  });

  it('a modified cache is an error, not a silent refetch', async () => {
    const ex = fakeExchange(100);
    const first = await fetchOhlcvCached(req(ex));
    await writeFile(first.path, (await readFile(first.path, 'utf8')).replace('100,', '999,'));
    await expect(fetchOhlcvCached(req(ex))).rejects.toThrow(CacheIntegrityError);
    await expect(fetchOhlcvCached(req(ex))).rejects.toThrow(/does not match the recorded/);
    expect(ex.calls).toHaveLength(3);
  });

  it('stops when the exchange runs out of data', async () => {
    const ex = fakeExchange(12);
    const r = await fetchOhlcvCached(req(ex));
    expect(r.rows).toBe(12);
    expect(ex.calls).toEqual([T0, T0 + 9 * MIN + 1]);
  });
});
