/**
 * The ccxt ExecutionAdapter against the venue simulator, through the real ccxt `binance`
 * client: rules, place/ack, cancel, rejects, fills by polling, cancel-all with an orphan, a lost
 * place answer (the venue has the order; it is found by client id, never placed twice) and a
 * fatal authentication error.
 */
import ccxt, { type Exchange } from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WallClock } from '../clock/wall-clock.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { simClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import type { VenueSim } from '../../venue-sim/open.ts';
import { BTC_RULES, clientIds, openBtcSim } from './ccxt.fixtures.ts';
import { CcxtExecutionAdapter, VenueFatalError } from './ccxt.ts';
import type { VenueErrorClass } from './ccxt-errors.ts';
import { TokenBucket } from './rate-limiter.ts';
import type { ExecutionUpdate } from './types.ts';

const clock = new WallClock();
const RULES = BTC_RULES;

let sim: VenueSim;
let raw: Exchange;
const adapters: CcxtExecutionAdapter[] = [];
const cid = clientIds('t');

beforeAll(async () => {
  ({ sim, raw } = await openBtcSim());
}, 60_000);

afterEach(async () => {
  for (const a of adapters.splice(0)) await a.close();
  await raw.cancelAllOrders('BTC/USDT').catch(() => undefined);
});

afterAll(async () => {
  await sim?.close();
});

async function adapter(o: { exchange?: Exchange; onFatal?: (e: VenueErrorClass) => void } = {}): Promise<{ a: CcxtExecutionAdapter; updates: ExecutionUpdate[] }> {
  const exchange = o.exchange ?? simClient(sim.url);
  await exchange.loadMarkets();
  const a = new CcxtExecutionAdapter({ exchange, rules: RULES, clock, limiter: new TokenBucket({ capacity: 50, refillPerSec: 50, clock }), pollIntervalMs: 100, retryDelayMs: 20, ...(o.onFatal ? { onFatal: o.onFatal } : {}) });
  const updates: ExecutionUpdate[] = [];
  a.updates$.subscribe((u) => updates.push(u));
  adapters.push(a);
  return { a, updates };
}

async function book(): Promise<{ bid: Decimal; ask: Decimal }> {
  const ob = await raw.fetchOrderBook('BTC/USDT');
  return { bid: new Decimal(String(ob.bids[0]?.[0])), ask: new Decimal(String(ob.asks[0]?.[0])) };
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('CcxtExecutionAdapter ↔ ccxt ↔ venue simulator', () => {
  it('reads the instrument rules and the balances from the venue', async () => {
    const { a } = await adapter();
    const r = await a.tradingRules('BTCUSDT');
    expect([r.tickSize.toFixed(), r.lotStep.toFixed(), r.minAmount.toFixed(), r.minNotional.toFixed(), r.base, r.quote]).toEqual(['0.01', '0.00001', '0.00001', '5', 'BTC', 'USDT']);
    const b = await a.balances();
    expect(b.find((x) => x.asset === 'USDT')?.total.gt(9000)).toBe(true);
  });

  it('places a post-only order with the desk client id (ack on updates$), lists it, cancels it (cancelled on updates$)', async () => {
    const { a, updates } = await adapter();
    const { bid } = await book();
    const id = cid();
    const out = await a.place({ clientOrderId: id, symbol: 'BTCUSDT', side: 'buy', price: bid.minus(100), amount: new Decimal('0.001'), postOnly: true });
    expect(out).toMatchObject({ type: 'order.ack', clientOrderId: id });
    expect(updates.map((u) => u.type)).toEqual(['order.ack']);
    const open = await a.openOrders();
    expect(open.map((o) => [o.clientOrderId, o.price.toFixed(), o.amount.toFixed(), o.postOnly])).toEqual([[id, bid.minus(100).toFixed(), '0.001', true]]);
    const c = await a.cancel(id);
    expect(c).toMatchObject({ type: 'order.cancelled', clientOrderId: id });
    expect(updates.map((u) => u.type)).toEqual(['order.ack', 'order.cancelled']);
    expect(await a.openOrders()).toEqual([]);
    expect(await a.cancel(id)).toMatchObject({ type: 'order.cancel_reject', reason: 'unknown_order' });
  });

  it('maps the venue refusals to reject reasons, leaving nothing open', async () => {
    const { a } = await adapter();
    const { bid, ask } = await book();
    expect(await a.place({ clientOrderId: cid(), symbol: 'BTCUSDT', side: 'buy', price: ask.plus(50), amount: new Decimal('0.001'), postOnly: true })).toMatchObject({ type: 'order.reject', reason: 'post_only_would_cross' });
    expect(await a.place({ clientOrderId: cid(), symbol: 'BTCUSDT', side: 'buy', price: bid.minus(100), amount: new Decimal('5'), postOnly: true })).toMatchObject({ type: 'order.reject', reason: 'insufficient_funds' });
    const id = cid();
    await a.place({ clientOrderId: id, symbol: 'BTCUSDT', side: 'buy', price: bid.minus(300), amount: new Decimal('0.001'), postOnly: true });
    expect(await a.place({ clientOrderId: id, symbol: 'BTCUSDT', side: 'buy', price: bid.minus(301), amount: new Decimal('0.001'), postOnly: true })).toMatchObject({ type: 'order.reject', reason: 'duplicate_client_order_id' });
    expect((await a.openOrders()).map((o) => o.clientOrderId)).toEqual([id]);
  });

  it('a taking order: its fills arrive on updates$ by polling, each once, with the venue fee', async () => {
    const { a, updates } = await adapter();
    a.start();
    const { ask } = await book();
    const id = cid();
    await a.place({ clientOrderId: id, symbol: 'BTCUSDT', side: 'buy', price: ask.plus(30), amount: new Decimal('0.0005'), postOnly: false });
    await until(() => updates.some((u) => u.type === 'order.fill'));
    await new Promise((r) => setTimeout(r, 400)); // a few more polls: nothing twice
    const fills = updates.filter((u): u is Extract<ExecutionUpdate, { type: 'order.fill' }> => u.type === 'order.fill');
    const venueOrder = await raw.fetchOrder('', 'BTC/USDT', { origClientOrderId: id });
    const trades = (await raw.fetchMyTrades('BTC/USDT')).filter((t) => t.order === venueOrder.id);
    expect(fills.length).toBeGreaterThan(0);
    expect(new Set(fills.map((f) => `${f.price.toFixed()}:${f.amount.toFixed()}:${f.ts}`)).size).toBe(fills.length);
    for (const f of fills) {
      expect(f.clientOrderId).toBe(id);
      expect(f.liquidity).toBe('taker');
      expect(f.fee.toNumber()).toBeCloseTo(f.price.times(f.amount).toNumber() * 0.001, 8);
    }
    // Exactly the venue's trades of this order, no more, no fewer.
    expect(fills).toHaveLength(trades.length);
    expect(fills.reduce((s, f) => s.plus(f.amount), new Decimal(0)).toNumber()).toBeCloseTo(trades.reduce((s, t) => s + (t.amount as number), 0), 10);
  });

  it('cancel-all cancels every open order of the symbol at the venue, an orphan it never placed included', async () => {
    const { a } = await adapter();
    const { bid } = await book();
    await a.place({ clientOrderId: cid(), symbol: 'BTCUSDT', side: 'buy', price: bid.minus(200), amount: new Decimal('0.001'), postOnly: true });
    await raw.createOrder('BTC/USDT', 'limit', 'buy', 0.001, bid.minus(250).toNumber(), { postOnly: true, clientOrderId: 'orphan-1' });
    const done = await a.cancelAll('BTCUSDT');
    expect(done.map((d) => d.clientOrderId).sort()).toContain('orphan-1');
    expect(done).toHaveLength(2);
    expect(await raw.fetchOpenOrders('BTC/USDT')).toEqual([]);
  });

  it('a lost place answer: the venue has the order, the adapter finds it by client id and never places it twice', async () => {
    const exchange = simClient(sim.url);
    await exchange.loadMarkets();
    // The request reaches the venue through ccxt; its answer is then "lost" as a timeout.
    const real = exchange.createOrder.bind(exchange);
    let calls = 0;
    exchange.createOrder = async (...args: Parameters<Exchange['createOrder']>) => {
      calls += 1;
      await real(...args);
      throw new ccxt.RequestTimeout('binance POST /api/v3/order timed out (response lost)');
    };
    const { a } = await adapter({ exchange });
    const { bid } = await book();
    const id = cid();
    const out = await a.place({ clientOrderId: id, symbol: 'BTCUSDT', side: 'buy', price: bid.minus(400), amount: new Decimal('0.001'), postOnly: true });
    expect(out).toMatchObject({ type: 'order.ack', clientOrderId: id });
    expect(calls).toBe(1);
    const open = await raw.fetchOpenOrders('BTC/USDT');
    expect(open.filter((o) => o.clientOrderId === id)).toHaveLength(1);
  });

  it('an authentication failure is fatal: reported (the bot HARD_STOPs) and thrown, nothing placed', async () => {
    const fatal: VenueErrorClass[] = [];
    const exchange = simClient(sim.url, { apiKey: 'test-key', secret: 'wrong-secret' });
    const { a } = await adapter({ exchange, onFatal: (e) => fatal.push(e) });
    const { bid } = await book();
    await expect(a.place({ clientOrderId: cid(), symbol: 'BTCUSDT', side: 'buy', price: bid.minus(100), amount: new Decimal('0.001'), postOnly: true })).rejects.toBeInstanceOf(VenueFatalError);
    expect(fatal.map((f) => f.reason)).toEqual(['authentication']);
    expect(await raw.fetchOpenOrders('BTC/USDT')).toEqual([]);
  });
});
