/**
 * The ccxt ExecutionAdapter against the venue simulator, through the real ccxt client of each
 * (venue, market) pair the desk trades — Binance spot (`binance`), Binance USDⓈ-M
 * (`binanceusdm`), Bitget spot and USDT-M (`bitget`), each built as the desk builds it
 * (`createCcxtExchange`): rules and balances, place/ack, cancel, rejects, fills by polling,
 * cancel-all with an orphan, a lost place answer (the venue has the order; it is found by client
 * id, never placed twice) and a fatal authentication error. One simulator per pair.
 */
import ccxt, { type Exchange } from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { WallClock } from '../clock/wall-clock.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import type { VenueSim } from '../../venue-sim/open.ts';
import { type PairCredentials, VENUE_PAIRS, clientIds, openPairSim, pairExchange } from './ccxt.fixtures.ts';
import { CcxtExecutionAdapter, VenueFatalError } from './ccxt.ts';
import type { VenueErrorClass } from './ccxt-errors.ts';
import { TokenBucket } from './rate-limiter.ts';
import type { ExecutionUpdate } from './types.ts';

const clock = new WallClock();

const until = async (cond: () => boolean | Promise<boolean>, ms = 5000, what = 'a condition'): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

// The pairs run side by side, each on its own simulator (most of a test is waiting on the venue:
// backoffs, timeouts, polls, delayed fills); a pair's tests run one after another on its simulator.
describe.concurrent.each(VENUE_PAIRS)('CcxtExecutionAdapter ↔ ccxt ↔ venue simulator: $name', (pair) => {
  const { symbol, rules } = pair;
  const id0 = rules.symbol;
  let sim: VenueSim;
  let raw: Exchange;
  const adapters: CcxtExecutionAdapter[] = [];
  const cid = clientIds('t');
  const amount = pair.amount;

  beforeAll(async () => {
    ({ sim, raw } = await openPairSim(pair));
  }, 60_000);

  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.close();
    await sim.engine.cancelAll(id0);
  });

  afterAll(async () => {
    await sim?.close();
  });

  async function adapter(o: { exchange?: Exchange; creds?: Partial<PairCredentials>; onFatal?: (e: VenueErrorClass) => void } = {}): Promise<{ a: CcxtExecutionAdapter; updates: ExecutionUpdate[] }> {
    const exchange = o.exchange ?? pairExchange(pair, sim.url, o.creds);
    await exchange.loadMarkets();
    const a = new CcxtExecutionAdapter({ exchange, rules, clock, limiter: new TokenBucket({ capacity: 50, refillPerSec: 50, clock }), pollIntervalMs: 100, retryDelayMs: 20, ...(o.onFatal ? { onFatal: o.onFatal } : {}) });
    const updates: ExecutionUpdate[] = [];
    a.updates$.subscribe((u) => updates.push(u));
    adapters.push(a);
    return { a, updates };
  }

  async function book(): Promise<{ bid: Decimal; ask: Decimal }> {
    const ob = await raw.fetchOrderBook(symbol);
    return { bid: new Decimal(String(ob.bids[0]?.[0])), ask: new Decimal(String(ob.asks[0]?.[0])) };
  }

  it.sequential('reads the instrument rules and the balances from the venue', async ({ expect }) => {
    const { a } = await adapter();
    const r = await a.tradingRules(id0);
    expect([r.tickSize.toFixed(), r.lotStep.toFixed(), r.minAmount.toFixed(), r.minNotional.toFixed(), r.base, r.quote]).toEqual([
      rules.tickSize.toFixed(), rules.lotStep.toFixed(), pair.listedMinAmount ?? rules.minAmount.toFixed(), rules.minNotional.toFixed(), 'BTC', 'USDT',
    ]);
    const b = await a.balances();
    expect(b.find((x) => x.asset === 'USDT')?.total.gt(9000)).toBe(true);
  });

  it.sequential('places a post-only order with the desk client id (ack on updates$), lists it, cancels it (cancelled on updates$)', async ({ expect }) => {
    const { a, updates } = await adapter();
    const { bid } = await book();
    const id = cid();
    const out = await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: bid.minus(100), amount, postOnly: true });
    expect(out).toMatchObject({ type: 'order.ack', clientOrderId: id });
    expect(updates.map((u) => u.type)).toEqual(['order.ack']);
    const open = await a.openOrders();
    expect(open.map((o) => [o.clientOrderId, o.price.toFixed(), o.amount.toFixed(), o.postOnly])).toEqual([[id, bid.minus(100).toFixed(), amount.toFixed(), true]]);
    const c = await a.cancel(id);
    expect(c).toMatchObject({ type: 'order.cancelled', clientOrderId: id });
    expect(updates.map((u) => u.type)).toEqual(['order.ack', 'order.cancelled']);
    expect(await a.openOrders()).toEqual([]);
    expect(sim.engine.find(id0, { clientOrderId: id })?.status).toBe('CANCELED');
    expect(await a.cancel(id)).toMatchObject({ type: 'order.cancel_reject', reason: 'unknown_order' });
  });

  it.sequential('maps the venue refusals to reject reasons, leaving nothing open', async ({ expect }) => {
    const { a } = await adapter();
    const { bid, ask } = await book();
    expect(await a.place({ clientOrderId: cid(), symbol: id0, side: 'buy', price: ask.plus(50), amount, postOnly: true })).toMatchObject({ type: 'order.reject', reason: 'post_only_would_cross' });
    expect(await a.place({ clientOrderId: cid(), symbol: id0, side: 'buy', price: bid.minus(100), amount: new Decimal('5'), postOnly: true })).toMatchObject({ type: 'order.reject', reason: 'insufficient_funds' });
    const id = cid();
    await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: bid.minus(300), amount, postOnly: true });
    expect(await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: bid.minus(301), amount, postOnly: true })).toMatchObject({ type: 'order.reject', reason: 'duplicate_client_order_id' });
    expect((await a.openOrders()).map((o) => o.clientOrderId)).toEqual([id]);
  });

  it.sequential('a taking order: its fills arrive on updates$ by polling, each once, with the venue fee', async ({ expect }) => {
    const { a, updates } = await adapter();
    a.start();
    const { ask } = await book();
    const id = cid();
    const fills = (): Extract<ExecutionUpdate, { type: 'order.fill' }>[] => updates.filter((u): u is Extract<ExecutionUpdate, { type: 'order.fill' }> => u.type === 'order.fill');
    await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: ask.plus(30), amount, postOnly: false });
    // The matching model takes a crossing order in pieces (a drawn share of the remainder each,
    // at least its 150 ms latency apart, as the replayed books come): wait until the venue has
    // filled it in full, then until the poll loop alone (no catch-up) has booked all of it.
    await until(async () => sim.engine.find(id0, { clientOrderId: id })?.status === 'FILLED', 5000, 'the venue to fill the order');
    await until(() => fills().reduce((s, f) => s.plus(f.amount), new Decimal(0)).gte(amount), 3000, 'the adapter to book every fill');
    await new Promise((r) => setTimeout(r, 400)); // a few more polls: nothing twice
    const venueOrder = await raw.fetchOrder('', symbol, { clientOrderId: id, origClientOrderId: id });
    const trades = (await raw.fetchMyTrades(symbol)).filter((t) => t.order === venueOrder.id);
    expect(trades.length).toBeGreaterThan(0);
    for (const f of fills()) {
      expect(f.clientOrderId).toBe(id);
      expect(f.liquidity).toBe('taker');
      expect(f.fee.toNumber()).toBeCloseTo(f.price.times(f.amount).toNumber() * 0.001, 8);
    }
    // Exactly the venue's trades of this order, each once, no more, no fewer.
    expect(fills().map((f) => f.tradeId).sort()).toEqual(trades.map((t) => String(t.id)).sort());
    expect(fills().reduce((s, f) => s.plus(f.amount), new Decimal(0)).toFixed()).toBe(amount.toFixed());
    expect(fills().at(-1)?.remaining.toFixed()).toBe('0');
  });

  it.sequential('cancel-all cancels every open order of the symbol at the venue, an orphan it never placed included', async ({ expect }) => {
    const { a } = await adapter();
    const { bid } = await book();
    await a.place({ clientOrderId: cid(), symbol: id0, side: 'buy', price: bid.minus(200), amount, postOnly: true });
    await raw.createOrder(symbol, 'limit', 'buy', amount.toNumber(), bid.minus(250).toNumber(), { postOnly: true, clientOrderId: 'orphan-1' });
    const done = await a.cancelAll(id0);
    expect(done.map((d) => d.clientOrderId).sort()).toContain('orphan-1');
    expect(done).toHaveLength(2);
    expect(await raw.fetchOpenOrders(symbol)).toEqual([]);
    expect(sim.engine.openOrders(id0)).toEqual([]);
  });

  it.sequential('a lost place answer: the venue has the order, the adapter finds it by client id and never places it twice', async ({ expect }) => {
    const exchange = pairExchange(pair, sim.url);
    await exchange.loadMarkets();
    // The request reaches the venue through ccxt; its answer is then "lost" as a timeout.
    const real = exchange.createOrder.bind(exchange);
    let calls = 0;
    exchange.createOrder = async (...args: Parameters<Exchange['createOrder']>) => {
      calls += 1;
      await real(...args);
      throw new ccxt.RequestTimeout(`${pair.venue} ${pair.routes.place} timed out (response lost)`);
    };
    const { a } = await adapter({ exchange });
    const { bid } = await book();
    const id = cid();
    const out = await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: bid.minus(400), amount, postOnly: true });
    expect(out).toMatchObject({ type: 'order.ack', clientOrderId: id });
    expect(calls).toBe(1);
    const open = await raw.fetchOpenOrders(symbol);
    expect(open.filter((o) => o.clientOrderId === id)).toHaveLength(1);
  });

  it.sequential('an authentication failure is fatal: reported (the bot HARD_STOPs) and thrown, nothing placed', async ({ expect }) => {
    const fatal: VenueErrorClass[] = [];
    const { a } = await adapter({ creds: { secret: 'wrong-secret' }, onFatal: (e) => fatal.push(e) });
    const { bid } = await book();
    await expect(a.place({ clientOrderId: cid(), symbol: id0, side: 'buy', price: bid.minus(100), amount, postOnly: true })).rejects.toBeInstanceOf(VenueFatalError);
    expect(fatal.map((f) => f.reason)).toEqual(['authentication']);
    expect(await raw.fetchOpenOrders(symbol)).toEqual([]);
  });
});
