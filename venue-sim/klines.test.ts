/**
 * Binance spot `GET /api/v3/klines` over the public trade tape: the aggregation, the wire
 * errors, and a real ccxt `binance.fetchOHLCV` against the simulator replaying a capture.
 */
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FastClock } from '../adapters/clock/fast-clock.fixtures.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { silentLogger } from '../otel/logger.ts';
import { simClient } from './ccxt-client.fixtures.ts';
import { aggregateKlines, binanceKlines, bucketOf, klineRow } from './klines.ts';
import { type VenueSim, openVenueSim } from './open.ts';
import { PublicTradeTape } from './public-trades.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SPOT = join(ROOT, 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');

/** The first minute boundary after the replay's first trade (the capture is read before the first one plays). */
async function firstFullMinute(sim: VenueSim): Promise<number> {
  for (;;) {
    const first = sim.publicTrades.list('BTCUSDT', { startTime: 0, limit: 1 })[0];
    if (first !== undefined) return Math.ceil(first.time / 60_000) * 60_000;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sims: VenueSim[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

describe('klines aggregation', () => {
  const mkTape = (): { tape: PublicTradeTape; set: (t: number) => void } => {
    let now = 0;
    const tape = new PublicTradeTape(() => now);
    return { tape, set: (t) => (now = t) };
  };

  it('buckets trades into bars; gaps are zero-volume bars at the previous close; the open bar is included', () => {
    const { tape, set } = mkTape();
    const rec = (t: number, p: string, q: string, side: 'buy' | 'sell'): void => {
      set(t);
      tape.record('BTCUSDT', { price: new Decimal(p), amount: new Decimal(q), takerSide: side });
    };
    rec(60_500, '100', '1', 'buy');
    rec(61_000, '105', '2', 'sell');
    rec(119_999, '99', '1', 'buy');
    rec(180_001, '101', '0.5', 'sell');
    const rows = aggregateKlines(tape.list('BTCUSDT', { limit: Infinity }), '1m', 200_000).map(klineRow);
    expect(rows).toEqual([
      [60_000, '100', '105', '99', '99', '4', 119_999, '409', 3, '2', '199', '0'],
      [120_000, '99', '99', '99', '99', '0', 179_999, '0', 0, '0', '0', '0'],
      [180_000, '101', '101', '101', '101', '0.5', 239_999, '50.5', 1, '0', '0', '0'],
    ]);
    const p = (q: string): URLSearchParams => new URLSearchParams(q);
    const body = (q: string): unknown => binanceKlines(tape, 'BTCUSDT', p(q), 200_000).body;
    expect((body('interval=1m&startTime=120000&limit=1') as unknown[][]).map((r) => r[0])).toEqual([120_000]);
    expect((body('interval=1m&limit=1') as unknown[][]).map((r) => r[0])).toEqual([180_000]);
    expect((body('interval=1m&endTime=120000') as unknown[][]).map((r) => r[0])).toEqual([60_000, 120_000]);
    expect((body('interval=5m') as unknown[][]).map((r) => [r[0], r[8]])).toEqual([[0, 4]]);
  });

  it('answers bad parameters with Binance errors', () => {
    const { tape } = mkTape();
    const r = (q: string): unknown => binanceKlines(tape, 'BTCUSDT', new URLSearchParams(q), 0);
    expect(r('')).toEqual({ status: 400, body: { code: -1102, msg: "Mandatory parameter 'interval' was not sent, was empty/null, or malformed." } });
    expect(r('interval=7m')).toEqual({ status: 400, body: { code: -1120, msg: 'Invalid interval.' } });
    expect(r('interval=1m&limit=1001')).toMatchObject({ status: 400, body: { code: -1100 } });
    expect(r('interval=1m&startTime=x')).toMatchObject({ status: 400, body: { code: -1100 } });
    expect(r('interval=1m&startTime=10&endTime=5')).toMatchObject({ status: 400, body: { code: -1023 } });
  });

  it('aligns weeks on Monday and months on the calendar', () => {
    expect(new Date(bucketOf('1w', Date.UTC(2024, 7, 8, 12)).open).toISOString()).toBe('2024-08-05T00:00:00.000Z');
    expect(bucketOf('1M', Date.UTC(2024, 1, 10))).toEqual({ open: Date.UTC(2024, 1, 1), next: Date.UTC(2024, 2, 1) });
  });
});

describe('klines through ccxt binance.fetchOHLCV', () => {
  it('returns the replayed trades as 1m bars', async () => {
    // 40× the wall: two minutes of venue time (and of the capture) in three seconds.
    const clock = new FastClock(Math.floor(Date.now() / 60_000) * 60_000, 40);
    const sim = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [SPOT], clock, logger: silentLogger(), balances: { USDT: '10000' } });
    sims.push(sim);
    const ex = simClient(sim.url);
    await ex.loadMarkets();
    const origin = await firstFullMinute(sim);
    while (clock.now() < origin + 2 * 60_000 + 500) await new Promise((r) => setTimeout(r, 100));
    const bars = await ex.fetchOHLCV('BTC/USDT', '1m', origin, 2);
    expect(bars.map((b) => b[0])).toEqual([origin, origin + 60_000]);
    const tape = sim.publicTrades.list('BTCUSDT', { startTime: origin, endTime: origin + 60_000 - 1, limit: Infinity });
    expect(tape.length).toBeGreaterThan(0);
    const [, o, h, l, c, v] = bars[0] as number[];
    expect(o).toBe(Number(tape[0]?.price.toFixed()));
    expect(c).toBe(Number(tape[tape.length - 1]?.price.toFixed()));
    expect(h).toBe(Math.max(...tape.map((t) => Number(t.price.toFixed()))));
    expect(l).toBe(Math.min(...tape.map((t) => Number(t.price.toFixed()))));
    expect(v).toBeCloseTo(tape.reduce((s, t) => s + Number(t.amount.toFixed()), 0), 8);
    await expect(ex.fetchOHLCV('BTC/USDT', '7m', origin)).rejects.toThrow();
  }, 20_000);
});
