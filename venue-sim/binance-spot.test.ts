/**
 * The real ccxt `binance` client against the simulator (no mock in between): markets, balances,
 * orders, trades, the book, fees and Binance's errors as ccxt's exception classes.
 */
import { createHmac } from 'node:crypto';
import { join, resolve } from 'node:path';
import ccxt, { type Exchange } from 'ccxt';
import { simClient } from './ccxt-client.fixtures.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../otel/logger.ts';
import { type VenueSim, openVenueSim } from './open.ts';

const DATA = join(resolve(import.meta.dirname, '..'), 'data', 'binance-spot-20240808');

let sim: VenueSim;
let ex: Exchange;

beforeAll(async () => {
  sim = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [join(DATA, 'btcusdt_20240808.gz'), join(DATA, 'ethusdt_20240808.gz')], balances: { USDT: '10000', ETH: '1' }, logger: silentLogger() });
  ex = simClient(sim.url);
  await ex.loadMarkets();
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

async function bestBidAsk(symbol = 'BTC/USDT'): Promise<{ bid: number; ask: number }> {
  const ob = await ex.fetchOrderBook(symbol);
  return { bid: ob.bids[0]?.[0] as number, ask: ob.asks[0]?.[0] as number };
}

describe('venue-sim binance spot ↔ real ccxt', () => {
  it('loads the markets with the venue rules, and the funded account', async () => {
    const markets = ex.markets ?? {};
    const m = markets['BTC/USDT'];
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(m).toMatchObject({ id: 'BTCUSDT', base: 'BTC', quote: 'USDT', spot: true, active: true, precision: { price: 0.01, amount: 0.00001 }, limits: { amount: { min: 0.00001 }, cost: { min: 5 } } });
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
    expect(ob.bids[0]?.[0] as number).toBeGreaterThan(50_000); // the capture's BTC is ~61k
  });

  it('places a post-only bid, lists it, locks its funds, finds it by id and client id, cancels it', async () => {
    const { bid } = await bestBidAsk();
    const price = Math.round((bid - 100) * 100) / 100;
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId: 'desk-t1' });
    expect(o).toMatchObject({ clientOrderId: 'desk-t1', status: 'open', postOnly: true, side: 'buy', price, amount: 0.001, filled: 0 });
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((x) => x.id)).toContain(o.id);
    const bal = await ex.fetchBalance();
    expect(bal['USDT']?.used).toBeCloseTo(price * 0.001, 6);
    expect((await ex.fetchOrder(String(o.id), 'BTC/USDT')).clientOrderId).toBe('desk-t1');
    expect((await ex.fetchOrder('', 'BTC/USDT', { origClientOrderId: 'desk-t1' })).id).toBe(o.id);
    const c = await ex.cancelOrder(String(o.id), 'BTC/USDT');
    expect(c.status).toBe('canceled');
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((x) => x.id)).not.toContain(o.id);
    expect((await ex.fetchBalance())['USDT']?.used).toBe(0);
    await expect(ex.cancelOrder(String(o.id), 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.fetchOrder('999', 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
  });

  it('refuses what Binance refuses, with the exception ccxt maps it to, and opens nothing', async () => {
    const { bid, ask } = await bestBidAsk();
    const before = (await ex.fetchOpenOrders('BTC/USDT')).length;
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Math.round((ask + 50) * 100) / 100, { postOnly: true })).rejects.toBeInstanceOf(ccxt.OrderImmediatelyFillable);
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 1, Math.round((bid - 100) * 100) / 100, { postOnly: true })).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    await expect(ex.createOrder('BTC/USDT', 'limit', 'sell', 0.01, Math.round((ask + 100) * 100) / 100, { postOnly: true })).rejects.toBeInstanceOf(ccxt.InsufficientFunds); // no BTC
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.00002, Math.round((bid - 100) * 100) / 100, { postOnly: true })).rejects.toBeInstanceOf(ccxt.BadRequest); // below NOTIONAL 5
    const first = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Math.round((bid - 200) * 100) / 100, { postOnly: true, clientOrderId: 'desk-dup' });
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Math.round((bid - 201) * 100) / 100, { postOnly: true, clientOrderId: 'desk-dup' })).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.filter((x) => x.clientOrderId === 'desk-dup')).toHaveLength(1);
    expect(open).toHaveLength(before + 1);
    await ex.cancelOrder(String(first.id), 'BTC/USDT');
  });

  it('a taking order fills at book prices; the trade, its fee and the balances agree', async () => {
    const { ask } = await bestBidAsk('ETH/USDT');
    const o = await ex.createOrder('ETH/USDT', 'limit', 'buy', 0.01, Math.round((ask + 20) * 100) / 100);
    expect(o.filled as number).toBeGreaterThan(0);
    const trades = await ex.fetchMyTrades('ETH/USDT');
    const mine = trades.filter((t) => t.order === o.id);
    expect(mine.length).toBeGreaterThan(0);
    for (const t of mine) {
      expect(t.side).toBe('buy');
      expect(t.takerOrMaker).toBe('taker');
      expect(Math.abs(Math.round((t.price as number) * 100) - (t.price as number) * 100)).toBeLessThan(1e-6); // on the 0.01 tick
      expect(t.fee?.cost as number).toBeCloseTo((t.cost as number) * 0.001, 8);
    }
    const filled = mine.reduce((a, t) => a + (t.amount as number), 0);
    const fetched = await ex.fetchOrder(String(o.id), 'ETH/USDT');
    expect(fetched.filled as number).toBeCloseTo(filled, 10);
    const bal = await ex.fetchBalance();
    const cost = mine.reduce((a, t) => a + (t.cost as number), 0);
    const fees = mine.reduce((a, t) => a + (t.fee?.currency === 'USDT' ? (t.fee.cost as number) : 0), 0);
    const feesEth = mine.reduce((a, t) => a + (t.fee?.currency === 'ETH' ? (t.fee.cost as number) : 0), 0);
    expect(bal['ETH']?.total as number).toBeCloseTo(1 + filled - feesEth, 8);
    expect(bal['USDT']?.total as number).toBeCloseTo(10000 - cost - fees, 6);
    if (fetched.status === 'open') await ex.cancelOrder(String(o.id), 'ETH/USDT');
  });

  it('cancels every open order of a symbol at once', async () => {
    const { bid } = await bestBidAsk();
    for (const k of [1, 2, 3]) await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, Math.round((bid - 100 * k) * 100) / 100, { postOnly: true });
    const cancelled = await ex.cancelAllOrders('BTC/USDT');
    expect(cancelled.length).toBeGreaterThanOrEqual(3);
    expect(cancelled.every((c) => c.status === 'canceled')).toBe(true);
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
  });

  it('reports the fee rates the matching model charges', async () => {
    expect(await ex.fetchTradingFee('BTC/USDT')).toMatchObject({ symbol: 'BTC/USDT', maker: 0.001, taker: 0.001 });
  });

  it('authentication: a wrong secret or key is AuthenticationError; a stale timestamp is InvalidNonce; nothing is placed', async () => {
    await expect(simClient(sim.url, { apiKey: 'test-key', secret: 'not-the-secret' }).fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    const wrongKey = simClient(sim.url, { apiKey: 'someone-else', secret: 'test-secret' });
    await wrongKey.loadMarkets();
    await expect(wrongKey.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 1000, { postOnly: true })).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    // A request signed correctly but 2 minutes old.
    const query = `symbol=BTCUSDT&timestamp=${Date.now() - 120_000}&recvWindow=5000`;
    const signature = createHmac('sha256', 'test-secret').update(query).digest('hex');
    const r = await fetch(`${sim.url}/api/v3/openOrders?${query}&signature=${signature}`, { headers: { 'X-MBX-APIKEY': 'test-key' } });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    // Unsigned private call.
    const u = await fetch(`${sim.url}/api/v3/account?timestamp=${Date.now()}`, { headers: { 'X-MBX-APIKEY': 'test-key' } });
    expect(await u.json()).toMatchObject({ code: -1102 });
    expect((await ex.fetchOpenOrders('BTC/USDT')).filter((o) => o.price === 1000)).toEqual([]);
  });

  it('an order reference sent empty counts as not sent, as on Binance: -1102 with neither, the client id used when orderId is empty', async () => {
    const signed = async (method: 'GET' | 'DELETE', params: string) => {
      const query = `${params}&timestamp=${Date.now()}&recvWindow=5000`;
      const signature = createHmac('sha256', 'test-secret').update(query).digest('hex');
      const r = await fetch(`${sim.url}/api/v3/order?${query}&signature=${signature}`, { method, headers: { 'X-MBX-APIKEY': 'test-key' } });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const both = { code: -1102, msg: "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!" };
    expect(await signed('GET', 'symbol=BTCUSDT&orderId=&origClientOrderId=')).toEqual({ status: 400, body: both });
    expect(await signed('DELETE', 'symbol=BTCUSDT')).toEqual({ status: 400, body: both });
    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 50_000, { postOnly: true, clientOrderId: 'empty-ref-1' });
    const got = await signed('GET', 'symbol=BTCUSDT&orderId=&origClientOrderId=empty-ref-1');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ clientOrderId: 'empty-ref-1', orderId: Number(placed.id), status: 'NEW' });
    const cancelled = await signed('DELETE', 'symbol=BTCUSDT&orderId=&origClientOrderId=empty-ref-1');
    expect(cancelled.body).toMatchObject({ origClientOrderId: 'empty-ref-1', status: 'CANCELED' }); // clientOrderId is the cancel's own id, as on Binance
  });
});
