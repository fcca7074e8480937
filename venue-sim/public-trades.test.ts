/**
 * The public trade tape and the endpoints ccxt's `fetchTrades` calls on each dialect: Binance
 * spot and USDⓈ-M `aggTrades`, Bitget spot and mix `market/fills-history` — the replay's trades,
 * stamped with the venue's clock, deduplicable by id, `since` honoured.
 */
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { Decimal } from '../domain/money/decimal.ts';
import { silentLogger } from '../otel/logger.ts';
import { bitgetSimClient, bitgetSwapSimClient, simClient, usdmSimClient } from './ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from './open.ts';
import { PublicTradeTape } from './public-trades.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SPOT = join(ROOT, 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');
const USDM = join(ROOT, 'data', 'binance-usdm-20240808', 'btcusdt_20240808.gz');

const sims: VenueSim[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});

describe('PublicTradeTape', () => {
  it('numbers trades per market, stamps them with the venue clock, keeps the latest, and pages from a start', () => {
    let now = 1000;
    const tape = new PublicTradeTape(() => now, 3);
    const t = (p: string): { price: Decimal; amount: Decimal; takerSide: 'buy' } => ({ price: new Decimal(p), amount: new Decimal('0.1'), takerSide: 'buy' });
    for (const p of ['1', '2', '3', '4']) {
      tape.record('BTCUSDT', t(p));
      now += 10;
    }
    tape.record('ETHUSDT', t('9'));
    expect(tape.list('BTCUSDT', { limit: 10 }).map((x) => [x.id, x.time, x.price.toFixed()])).toEqual([[2, 1010, '2'], [3, 1020, '3'], [4, 1030, '4']]);
    expect(tape.list('BTCUSDT', { limit: 1, startTime: 1015 }).map((x) => x.id)).toEqual([3]);
    expect(tape.list('BTCUSDT', { limit: 1 }).map((x) => x.id)).toEqual([4]);
    expect(tape.list('ETHUSDT', { limit: 10 }).map((x) => x.id)).toEqual([1]);
  });
});

const CASES: { name: string; venue: 'binance' | 'bitget'; market: 'spot' | 'perp'; data: string; client: (url: string) => Exchange; symbol: string }[] = [
  { name: 'binance spot (GET /api/v3/aggTrades)', venue: 'binance', market: 'spot', data: SPOT, client: simClient, symbol: 'BTC/USDT' },
  { name: 'binance usdm (GET /fapi/v1/aggTrades)', venue: 'binance', market: 'perp', data: USDM, client: usdmSimClient, symbol: 'BTC/USDT:USDT' },
  { name: 'bitget spot (GET /api/v2/spot/market/fills-history)', venue: 'bitget', market: 'spot', data: SPOT, client: bitgetSimClient, symbol: 'BTC/USDT' },
  { name: 'bitget mix (GET /api/v2/mix/market/fills-history)', venue: 'bitget', market: 'perp', data: USDM, client: bitgetSwapSimClient, symbol: 'BTC/USDT:USDT' },
];

describe('public trades through ccxt fetchTrades', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const started = Date.now();
      const sim = await openVenueSim({ venue: c.venue, market: c.market, port: 0, data: [c.data], speed: 20, logger: silentLogger(), ...(c.market === 'perp' ? {} : { balances: { USDT: '10000' } }) });
      sims.push(sim);
      const ex = c.client(sim.url);
      await ex.loadMarkets();
      // The replay plays trades within a second at 20×.
      let trades: Awaited<ReturnType<Exchange['fetchTrades']>> = [];
      for (let i = 0; i < 40 && trades.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        trades = await ex.fetchTrades(c.symbol, started);
      }
      expect(trades.length).toBeGreaterThan(0);
      const first = trades[0];
      if (first === undefined) throw new Error('no trade');
      expect(first.symbol).toBe(c.symbol);
      expect(first.timestamp).toBeGreaterThanOrEqual(started);
      expect(first.timestamp).toBeLessThanOrEqual(Date.now());
      expect(['buy', 'sell']).toContain(first.side);
      expect(first.price).toBeGreaterThan(1000);
      expect(first.amount).toBeGreaterThan(0);
      expect(new Set(trades.map((t) => t.id)).size).toBe(trades.length);
      // The tape's trades (ccxt orders them by time only); a later `since` returns only later ones.
      const id = sim.engine.marketList()[0]?.id ?? '';
      const tape = sim.publicTrades.list(id, { startTime: started, limit: 500 });
      expect(trades.map((t) => Number(t.id)).sort((x, y) => x - y)).toEqual(tape.slice(0, trades.length).map((t) => t.id));
      const last = Math.max(...trades.map((t) => t.timestamp ?? 0));
      const later = await ex.fetchTrades(c.symbol, last + 1);
      expect(later.every((t) => (t.timestamp ?? 0) > last)).toBe(true);
    }, 20_000);
  }
});
