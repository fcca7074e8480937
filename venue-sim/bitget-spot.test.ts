/**
 * The real ccxt `bitget` client against the simulator (no mock in between): markets and rules,
 * balances, orders, trades, the book, fees, Bitget's errors as ccxt's exception classes, and
 * fault injection on Bitget's routes.
 */
import { createHmac } from 'node:crypto';
import { join, resolve } from 'node:path';
import ccxt, { type Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../otel/logger.ts';
import { bitgetSimClient } from './ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from './open.ts';

const DATA = join(resolve(import.meta.dirname, '..'), 'data', 'binance-spot-20240808');

let sim: VenueSim;
let ex: Exchange;

beforeAll(async () => {
  sim = await openVenueSim({ venue: 'bitget', market: 'spot', port: 0, data: [join(DATA, 'btcusdt_20240808.gz'), join(DATA, 'ethusdt_20240808.gz')], balances: { USDT: '10000', ETH: '1' }, logger: silentLogger() });
  ex = bitgetSimClient(sim.url);
  await ex.loadMarkets();
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

async function bestBidAsk(symbol = 'BTC/USDT'): Promise<{ bid: number; ask: number }> {
  const ob = await ex.fetchOrderBook(symbol);
  return { bid: ob.bids[0]?.[0] as number, ask: ob.asks[0]?.[0] as number };
}

const px = (x: number): number => Math.round(x * 100) / 100;

/** A signed Bitget request made by hand (for what ccxt cannot be made to send). */
async function signedFetch(path: string, o: { ts?: number; secret?: string; passphrase?: string } = {}): Promise<{ status: number; body: unknown }> {
  const ts = String(o.ts ?? Date.now());
  const sign = createHmac('sha256', o.secret ?? 'test-secret').update(`${ts}GET${path}`).digest('base64');
  const r = await fetch(`${sim.url}${path}`, { headers: { 'ACCESS-KEY': 'test-key', 'ACCESS-SIGN': sign, 'ACCESS-TIMESTAMP': ts, 'ACCESS-PASSPHRASE': o.passphrase ?? 'test-pass' } });
  return { status: r.status, body: await r.json() };
}

describe('venue-sim bitget spot ↔ real ccxt', () => {
  it("loads the markets with Bitget's rules, and the funded account", async () => {
    const markets = ex.markets ?? {};
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(markets['BTC/USDT']).toMatchObject({ id: 'BTCUSDT', base: 'BTC', quote: 'USDT', spot: true, active: true, precision: { price: 0.01, amount: 0.000001 }, limits: { cost: { min: 1 } }, maker: 0.001, taker: 0.001 });
    expect(markets['ETH/USDT']).toMatchObject({ id: 'ETHUSDT', precision: { price: 0.01, amount: 0.0001 } });
    const bal = await ex.fetchBalance();
    expect(bal['USDT']).toMatchObject({ free: 10000, used: 0, total: 10000 });
    expect(bal['ETH']).toMatchObject({ free: 1, total: 1 });
    expect(await ex.fetchTime()).toBeGreaterThan(Date.now() - 5000);
  });

  it('serves the recorded book, best first', async () => {
    const ob = await ex.fetchOrderBook('BTC/USDT', 5);
    expect(ob.bids.length).toBeGreaterThan(0);
    expect(ob.asks.length).toBeGreaterThan(0);
    expect(ob.bids[0]?.[0] as number).toBeLessThan(ob.asks[0]?.[0] as number);
    expect(ob.bids[0]?.[0] as number).toBeGreaterThan(50_000);
  });

  it('places a post-only bid with a client id, lists it, locks its funds, finds it by id and client id, cancels it', async () => {
    const { bid } = await bestBidAsk();
    const price = px(bid - 100);
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId: 'desk-b1' });
    expect(o).toMatchObject({ clientOrderId: 'desk-b1', symbol: 'BTC/USDT' });
    expect(o.id).toMatch(/^\d+$/);
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.find((x) => x.id === o.id)).toMatchObject({ clientOrderId: 'desk-b1', status: 'open', side: 'buy', price, amount: 0.001, filled: 0 });
    expect((await ex.fetchBalance())['USDT']?.used).toBeCloseTo(price * 0.001, 6);
    expect(await ex.fetchOrder(String(o.id), 'BTC/USDT')).toMatchObject({ clientOrderId: 'desk-b1', status: 'open', price, amount: 0.001 });
    expect((await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'desk-b1' })).id).toBe(o.id);
    const c = await ex.cancelOrder(String(o.id), 'BTC/USDT');
    expect(c.id).toBe(o.id);
    expect((await ex.fetchOrder(String(o.id), 'BTC/USDT')).status).toBe('canceled');
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((x) => x.id)).not.toContain(o.id);
    expect((await ex.fetchBalance())['USDT']?.used ?? 0).toBe(0);
    await expect(ex.cancelOrder(String(o.id), 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.fetchOrder('999', 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('refuses what the venue refuses, with the exception ccxt maps the code to, and opens nothing', async () => {
    const { bid, ask } = await bestBidAsk();
    const before = (await ex.fetchOpenOrders('BTC/USDT')).length;
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, px(ask + 50), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InvalidOrder); // post-only would take: 40706
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 1, px(bid - 100), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InsufficientFunds); // 43012
    await expect(ex.createOrder('BTC/USDT', 'limit', 'sell', 0.01, px(ask + 100), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InsufficientFunds); // no BTC
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.00001, px(bid - 100), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InvalidOrder); // 45110: below 1 USDT
    expect((await ex.fetchOpenOrders('BTC/USDT')).length).toBe(before);
    // Duplicate client id while the first is open.
    const first = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, px(bid - 200), { postOnly: true, clientOrderId: 'dup-1' });
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, px(bid - 210), { postOnly: true, clientOrderId: 'dup-1' })).rejects.toBeInstanceOf(ccxt.InvalidOrder); // 40500
    expect((await ex.fetchOpenOrders('BTC/USDT')).filter((x) => x.clientOrderId === 'dup-1').map((x) => x.id)).toEqual([first.id]);
    await ex.cancelOrder(String(first.id), 'BTC/USDT');
    // Off the grid, sent raw (ccxt would round it): the tick and lot checks.
    const place = async (body: Record<string, string>): Promise<unknown> => {
      const ts = String(Date.now());
      const text = JSON.stringify(body);
      const sign = createHmac('sha256', 'test-secret').update(`${ts}POST/api/v2/spot/trade/place-order${text}`).digest('base64');
      const r = await fetch(`${sim.url}/api/v2/spot/trade/place-order`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', 'ACCESS-KEY': 'test-key', 'ACCESS-SIGN': sign, 'ACCESS-TIMESTAMP': ts, 'ACCESS-PASSPHRASE': 'test-pass' } });
      return r.json();
    };
    expect(await place({ symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', force: 'post_only', price: '1000.005', size: '0.001' })).toMatchObject({ code: '41103' });
    expect(await place({ symbol: 'BTCUSDT', side: 'buy', orderType: 'limit', force: 'post_only', price: '1000', size: '0.0010001' })).toMatchObject({ code: '40808' });
    expect(await place({ symbol: 'BTCUSDX', side: 'buy', orderType: 'limit', force: 'gtc', price: '1000', size: '0.01' })).toMatchObject({ code: '50004' });
    expect(await place({ symbol: 'BTCUSDT', side: 'buy', orderType: 'market', force: 'gtc', size: '10' })).toMatchObject({ code: '40017' });
  });

  it('a taking order fills against the book; trades, the order, fees and balances agree', async () => {
    const { bid } = await bestBidAsk('ETH/USDT');
    const o = await ex.createOrder('ETH/USDT', 'limit', 'sell', 0.01, px(bid - 5), { clientOrderId: 'take-1' });
    await new Promise((r) => setTimeout(r, 300)); // the model's latency
    const mine = (await ex.fetchMyTrades('ETH/USDT')).filter((t) => t.order === o.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.side === 'sell' && t.takerOrMaker === 'taker' && t.symbol === 'ETH/USDT')).toBe(true);
    const filled = mine.reduce((a, t) => a + (t.amount as number), 0);
    const cost = mine.reduce((a, t) => a + (t.cost as number), 0);
    const fees = mine.reduce((a, t) => a + (t.fee?.cost as number), 0);
    expect(fees).toBeCloseTo(cost * 0.001, 8);
    const fetched = await ex.fetchOrder(String(o.id), 'ETH/USDT');
    expect(fetched.filled as number).toBeCloseTo(filled, 10);
    expect(fetched.fee?.cost as number).toBeCloseTo(fees, 8);
    const bal = await ex.fetchBalance();
    expect(bal['ETH']?.total as number).toBeCloseTo(1 - filled, 8);
    expect(bal['USDT']?.total as number).toBeCloseTo(10000 + cost - fees, 6);
    if (fetched.status === 'open') await ex.cancelOrder(String(o.id), 'ETH/USDT');
    expect(await ex.fetchTradingFee('ETH/USDT')).toMatchObject({ symbol: 'ETH/USDT', maker: 0.001, taker: 0.001 });
  });

  it('cancels every open order of a symbol at once', async () => {
    const { bid } = await bestBidAsk();
    for (const k of [1, 2, 3]) await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, px(bid - 100 * k), { postOnly: true });
    expect((await ex.fetchOpenOrders('BTC/USDT')).length).toBeGreaterThanOrEqual(3);
    await ex.cancelAllOrders('BTC/USDT');
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    expect((await ex.fetchBalance())['USDT']?.used ?? 0).toBe(0);
  });

  it('authentication: a wrong secret or passphrase is AuthenticationError; a stale timestamp is InvalidNonce; nothing is placed', async () => {
    const wrongSecret = bitgetSimClient(sim.url, { apiKey: 'test-key', secret: 'not-the-secret', password: 'test-pass' });
    await expect(wrongSecret.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError); // 40009
    const wrongPass = bitgetSimClient(sim.url, { apiKey: 'test-key', secret: 'test-secret', password: 'not-the-pass' });
    await wrongPass.loadMarkets();
    await expect(wrongPass.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 1000, { postOnly: true })).rejects.toBeInstanceOf(ccxt.AuthenticationError); // 40012
    await expect(bitgetSimClient(sim.url, { apiKey: 'someone', secret: 'test-secret', password: 'test-pass' }).fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError); // 40037
    const stale = await signedFetch('/api/v2/spot/account/assets', { ts: Date.now() - 60_000 });
    expect(stale).toMatchObject({ status: 400, body: { code: '40008', msg: 'Request timestamp expired' } });
    expect((await signedFetch('/api/v2/spot/account/assets', { ts: Date.now() - 10_000 })).body).toMatchObject({ code: '00000' });
    const nonce = new ccxt.bitget();
    expect(() => nonce.handleErrors(400, '', '', 'GET', {}, JSON.stringify(stale.body), stale.body, {}, '')).toThrow(ccxt.InvalidNonce);
    const unsigned = await fetch(`${sim.url}/api/v2/spot/account/assets`);
    expect(await unsigned.json()).toMatchObject({ code: '40001' });
    expect((await ex.fetchOpenOrders('BTC/USDT')).filter((o) => o.price === 1000)).toEqual([]);
  });

  it('an endpoint it does not serve is a 404 naming the route', async () => {
    const r = await fetch(`${sim.url}/api/v2/spot/market/tickers`);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ code: '40404', msg: expect.stringContaining('GET /api/v2/spot/market/tickers') });
  });

  it("fault injection acts on Bitget's routes, in Bitget's words", async () => {
    const { bid } = await bestBidAsk();
    try {
      sim.faults.install({ faults: [{ type: 'rateLimit429', endpoints: ['POST /api/v2/spot/trade/place-order'], requests: 1 }] });
      await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, px(bid - 100), { postOnly: true })).rejects.toBeInstanceOf(ccxt.DDoSProtection);
      expect(sim.faults.status().counters[0]?.routes).toEqual({ 'POST /api/v2/spot/trade/place-order': 1 });
      // lostAck with its default routes: Bitget's place and cancel.
      sim.faults.install({ faults: [{ type: 'lostAck', count: 1 }] });
      expect(sim.faults.spec.faults[0]?.endpoints).toEqual(['POST /api/v2/spot/trade/place-order', 'POST /api/v2/spot/trade/cancel-order']);
      await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, px(bid - 100), { postOnly: true, clientOrderId: 'lost-1' })).rejects.toBeInstanceOf(ccxt.NetworkError);
      const found = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'lost-1' });
      expect(found.status).toBe('open');
      await ex.cancelOrder(String(found.id), 'BTC/USDT');
      sim.faults.install({ faults: [{ type: 'errorRate', endpoints: ['GET /api/v2/spot/account/assets'], rate: 1, count: 1 }] });
      await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.ExchangeError);
      expect((await ex.fetchBalance())['USDT']?.total).toBeGreaterThan(0);
    } finally {
      sim.faults.clear();
    }
  });
});
