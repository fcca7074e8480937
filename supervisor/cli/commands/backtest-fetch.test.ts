/**
 * `desk backtest --fetch` in-process against the venue simulator (Binance spot klines over its
 * replayed trade tape): the first run fetches through ccxt into the cache, the second — with the
 * simulator closed — reads the cache and writes a byte-identical summary.json; bad flags exit 2.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FastClock } from '../../../adapters/clock/fast-clock.fixtures.ts';
import { silentLogger } from '../../../otel/logger.ts';
import { type VenueSim, openVenueSim } from '../../../venue-sim/open.ts';
import { type CliRun, runCli } from '../run-cli.fixtures.ts';
import { parseFetchSpec } from './backtest.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SPOT = join(ROOT, 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');

let dir = '';
let sim: VenueSim | undefined;
let origin = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-cli-backtest-fetch-'));
  // 40× the wall: two minutes of venue time (and of the capture's trades) in three seconds. The
  // bars start at the first minute boundary after the first trade (reading the capture takes a
  // while, on the fast clock too); the tape keeps the latest 5000 trades, well over these minutes'.
  const clock = new FastClock(Math.floor(Date.now() / 60_000) * 60_000, 40);
  sim = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [SPOT], clock, logger: silentLogger(), balances: { USDT: '10000' } });
  for (;;) {
    const first = sim.publicTrades.list('BTCUSDT', { startTime: 0, limit: 1 })[0];
    if (first !== undefined) {
      origin = Math.ceil(first.time / 60_000) * 60_000;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  while (clock.now() < origin + 2 * 60_000 + 500) await new Promise((r) => setTimeout(r, 100));
}, 20_000);
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const desk = (...args: string[]): Promise<CliRun> => runCli(ROOT, 'backtest', ...args);

describe('desk backtest --fetch', () => {
  it('fetches 1m OHLCV through ccxt into the cache, then reuses it with the venue gone: identical summary.json', async () => {
    if (sim === undefined) throw new Error('no simulator');
    const cache = join(dir, 'cache');
    const args = (out: string, url: string): string[] => [
      '--strategy', 'ma-cross', '--fetch', 'binance:BTC/USDT:1m', '--url', url, '--cache', cache,
      '--start', String(origin), '--end', String(origin + 2 * 60_000), '--out', join(dir, out), '--json',
    ];
    const url = sim.url;
    const a = await desk(...args('d1', url));
    expect(a.err).not.toMatch(/cannot fetch/);
    expect(a.code).toBe(0);
    const file = join(cache, 'binance', 'BTC-USDT', '1m', `${origin}-${origin + 2 * 60_000}.json`);
    const rows = JSON.parse(await readFile(file, 'utf8')) as number[][];
    expect(rows.map((r) => r[0])).toEqual([origin, origin + 60_000]);
    const hash = (await readFile(`${file}.sha256`, 'utf8')).split(/\s+/)[0];
    const s1 = await readFile(join(dir, 'd1', 'summary.json'), 'utf8');
    expect(s1).toContain(JSON.stringify(file));
    expect(s1).toContain(`sha256:${hash}`);

    await sim.close();
    sim = undefined;
    const b = await desk(...args('d2', url));
    expect(b.err).not.toContain('--fetch');
    expect(b.code).toBe(0);
    expect(await readFile(join(dir, 'd2', 'summary.json'), 'utf8')).toBe(s1);

    // Another range is not cached: the venue is asked, and it is gone.
    const c = await desk(...args('d3', url).map((x) => (x === String(origin) ? String(origin + 60_000) : x)));
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/^desk: --fetch: cannot fetch BTC\/USDT 1m OHLCV from binance at http/);
  }, 20_000);

  it('a bad --fetch, both --data and --fetch, or --fetch without a range: exit 2 naming the flag', async () => {
    const out = join(dir, 'bad');
    const bad = await desk('--strategy', 'ma-cross', '--fetch', 'bad', '--start', '2024-08-08', '--end', '2024-08-09', '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^desk: --fetch: expected <venue>:<symbol>:<timeframe>/);
    const both = await desk('--strategy', 'ma-cross', '--fetch', 'binance:BTC/USDT:1m', '--data', 'x.csv', '--out', out);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/--data, --fetch: give exactly one/);
    const none = await desk('--strategy', 'ma-cross', '--out', out);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--data, --fetch: give exactly one/);
    const open = await desk('--strategy', 'ma-cross', '--fetch', 'binance:BTC/USDT:1m', '--start', '2024-08-08', '--out', out);
    expect(open.code).toBe(2);
    expect(open.err).toMatch(/--fetch: needs --start and --end/);
    expect(parseFetchSpec('binance:BTC/USDT:USDT:5m')).toEqual({ venue: 'binance', symbol: 'BTC/USDT:USDT', timeframe: '5m' });
  });
});
