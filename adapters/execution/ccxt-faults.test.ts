/**
 * The desk's ccxt ExecutionAdapter under injected venue faults (venue-sim/faults.ts), through
 * the real ccxt client of each (venue, market) pair the desk trades — Binance spot and USDⓈ-M,
 * Bitget spot and USDT-M, built as the desk builds them — with each dialect's own routes: a 429
 * storm, lost place and cancel acks, cancel timeouts, a kill switch over a flaky venue, delayed
 * and partial fills, and an authentication fault. Orders are counted at the venue (the
 * simulator's engine, and a raw ccxt client once the faults are cleared). One simulator per pair.
 */
import type { Exchange } from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { KillSwitch, MemoryLatchStore } from '../../actors/kill-switch.ts';
import type { EventInput } from '../../actors/event-log.ts';
import { WallClock } from '../clock/wall-clock.ts';
import type { ClientOrderId } from '../../domain/ids.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import type { FaultSpecInput } from '../../venue-sim/faults.ts';
import type { VenueSim } from '../../venue-sim/open.ts';
import { VENUE_PAIRS, clientIds, openPairSim, pairExchange } from './ccxt.fixtures.ts';
import { CcxtExecutionAdapter, VenueFatalError } from './ccxt.ts';
import type { VenueErrorClass } from './ccxt-errors.ts';
import { TokenBucket } from './rate-limiter.ts';

const clock = new WallClock();

// The pairs run side by side, each on its own simulator (most of a test is waiting on the venue:
// backoffs, timeouts, polls, delayed fills); a pair's tests run one after another on its simulator.
describe.concurrent.each(VENUE_PAIRS)('CcxtExecutionAdapter under venue faults: $name', (pair) => {
  const { symbol, rules, routes } = pair;
  const id0 = rules.symbol;
  const amount = pair.amount;
  let sim: VenueSim;
  let raw: Exchange;
  const adapters: CcxtExecutionAdapter[] = [];
  const cid = clientIds('k');

  beforeAll(async () => {
    ({ sim, raw } = await openPairSim(pair));
  }, 60_000);

  afterEach(async () => {
    sim.faults.clear();
    for (const a of adapters.splice(0)) await a.close();
    await sim.engine.cancelAll(id0);
  });

  afterAll(async () => {
    await sim?.close();
  });

  function install(spec: FaultSpecInput): void {
    sim.faults.install(spec);
  }

  async function adapter(o: { timeoutMs?: number; onFatal?: (e: VenueErrorClass) => void } = {}): Promise<CcxtExecutionAdapter> {
    const exchange = pairExchange(pair, sim.url);
    if (o.timeoutMs !== undefined) exchange.timeout = o.timeoutMs;
    await exchange.loadMarkets();
    const a = new CcxtExecutionAdapter({ exchange, rules, clock, limiter: new TokenBucket({ capacity: 50, refillPerSec: 50, clock }), pollIntervalMs: 100, retryDelayMs: 20, ...(o.onFatal ? { onFatal: o.onFatal } : {}) });
    adapters.push(a);
    return a;
  }

  async function farBid(offset = 500): Promise<Decimal> {
    const ob = await raw.fetchOrderBook(symbol);
    return new Decimal(String(ob.bids[0]?.[0])).minus(offset);
  }

  /** Orders with this client id the venue holds, any status. */
  const atVenue = (clientOrderId: string): number => (sim.engine.find(id0, { clientOrderId }) === null ? 0 : 1);
  const openAtVenue = (): number => sim.engine.openOrders(id0).length;
  const injected = (): number => sim.faults.status().injected;

  it.sequential(`a 429 storm on ${routes.place}: the adapter backs off and the order is placed exactly once`, async ({ expect }) => {
    const a = await adapter();
    const price = await farBid();
    install({ faults: [{ type: 'rateLimit429', endpoints: [routes.place], requests: 2 }] });
    const id = cid();
    const t0 = Date.now();
    const out = await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price, amount, postOnly: true });
    expect(out).toMatchObject({ type: 'order.ack', clientOrderId: id });
    expect(injected()).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000); // the token bucket's backoff after a 429 (1 s, then 2 s)
    expect(atVenue(id)).toBe(1);
    expect(sim.engine.openOrders(id0).map((o) => o.clientOrderId)).toEqual([id]);
  });

  it.sequential('a lost place ack: the adapter acks (found by client id) and the venue holds exactly one order', async ({ expect }) => {
    const a = await adapter();
    const price = await farBid();
    install({ faults: [{ type: 'lostAck', endpoints: [routes.place], count: 1 }] });
    const id = cid();
    const out = await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price, amount, postOnly: true });
    expect(out).toMatchObject({ type: 'order.ack', clientOrderId: id });
    expect(injected()).toBe(1);
    expect(sim.engine.openOrders(id0).map((o) => o.clientOrderId)).toEqual([id]);
  });

  it.sequential('cancel timeouts: the cancel is retried until the venue confirms; the order is cancelled at the venue', async ({ expect }) => {
    const a = await adapter({ timeoutMs: 400 });
    const id = cid();
    await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: await farBid(), amount, postOnly: true });
    install({ faults: [{ type: 'timeout', endpoints: [routes.cancel], count: 2 }] });
    expect(await a.cancel(id)).toMatchObject({ type: 'order.cancelled', clientOrderId: id });
    expect(injected()).toBe(2);
    expect(sim.engine.find(id0, { clientOrderId: id })?.status).toBe('CANCELED');
  });

  it.sequential('a lost cancel ack: cancelled at the venue, the answer lost; the retry learns the order is gone and confirms it cancelled', async ({ expect }) => {
    const a = await adapter();
    const id = cid();
    await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: await farBid(), amount, postOnly: true });
    install({ faults: [{ type: 'lostAck', endpoints: [routes.cancel], count: 1 }] });
    expect(await a.cancel(id)).toMatchObject({ type: 'order.cancelled', clientOrderId: id });
    expect(injected()).toBe(1);
    expect(sim.engine.find(id0, { clientOrderId: id })?.status).toBe('CANCELED');
  });

  it.sequential('a kill switch over a venue failing half its cancel and open-order calls latches with zero open orders verified, within its retry budget', async ({ expect }) => {
    const a = await adapter();
    const base = await farBid(600);
    const ids: ClientOrderId[] = [];
    for (let k = 0; k < 5; k++) {
      const id = cid();
      ids.push(id);
      expect(await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price: base.minus(10 * k), amount, postOnly: true })).toMatchObject({ type: 'order.ack' });
    }
    expect(openAtVenue()).toBe(5);
    install({ seed: 20240808, faults: [{ type: 'errorRate', endpoints: [routes.cancel, routes.openOrders], rate: 0.5 }] });
    const events: EventInput[] = [];
    const ks = new KillSwitch({
      bots: { b1: { adapter: a, symbol: id0 } },
      clock,
      log: { append: (_producer, input) => (events.push(input), { eventId: `e${events.length}` }) },
      latches: new MemoryLatchStore(),
      maxAttempts: 8,
      backoff: { initialMs: 50, maxMs: 400, multiplier: 2 },
    });
    try {
      const [r] = await ks.trigger('b1', { reason: 'fault drill', trigger: 'operator' });
      expect(r).toMatchObject({ botId: 'b1', outcome: 'latched', state: 'Latched', verified: true, openOrdersAtVerify: 0 });
      expect(r?.attempts).toBeLessThanOrEqual(8);
      expect(events.find((e) => e.type === 'kill.latched')?.payload).toMatchObject({ verified: true, openOrders: 0 });
    } finally {
      ks.stop();
    }
    expect(injected()).toBeGreaterThan(0); // the venue did fail some calls
    sim.faults.clear();
    expect(await raw.fetchOpenOrders(symbol)).toEqual([]);
    for (const id of ids) expect(sim.engine.find(id0, { clientOrderId: id })?.status).toBe('CANCELED');
  });

  it.sequential('delayed and partial fills: every fill is booked exactly once, when the venue reports it (by trade id), and the pieces sum to the venue order', async ({ expect }) => {
    const a = await adapter();
    const fills: { tradeId: string; amount: Decimal; remaining: Decimal; ts: number; heardAt: number }[] = [];
    const sub = a.updates$.subscribe((u) => {
      if (u.type === 'order.fill' && u.tradeId !== undefined) fills.push({ tradeId: u.tradeId, amount: u.amount, remaining: u.remaining, ts: u.ts, heardAt: Date.now() });
    });
    const reportedAt = new Map<string, number>();
    const act = sim.engine.activity$.subscribe((e) => {
      if (e.trade !== undefined) reportedAt.set(String(e.trade.id), Date.now());
    });
    a.start();
    try {
      install({ seed: 8, faults: [{ type: 'delayedFills', delayMs: { min: 300, max: 700 } }, { type: 'partialFills', maxFraction: 0.3 }] });
      const price = await farBid();
      const id = cid();
      const { partial } = pair;
      expect(await a.place({ clientOrderId: id, symbol: id0, side: 'buy', price, amount: new Decimal(partial.amount), postOnly: true })).toMatchObject({ type: 'order.ack' });
      // Sell prints far through the bid (test market data, straight into the venue's matching
      // model), past the model's 150 ms spacing of two fills of one order: three maker pieces.
      // Each piece is read from the engine's withheld fills right after its print (the match is
      // synchronous): a piece may already be reported by the time of a later print (a loaded
      // machine stretches the 170 ms), and is then no longer withheld.
      const market = sim.engine.market(id0);
      const venueId = sim.engine.find(id0, { clientOrderId: id })?.orderId;
      const held = new Map<number, ReturnType<VenueSim['engine']['withheldFills']>[number]>();
      for (let k = 0; k < 3; k++) {
        await new Promise((r) => setTimeout(r, 170));
        market?.adapter.onMarket({ type: 'market.trade', trade: { ts: Date.now(), price: price.minus(1), amount: new Decimal(1), takerSide: 'sell' } });
        for (const w of sim.engine.withheldFills()) if (w.orderId === venueId && !held.has(w.tradeId)) held.set(w.tradeId, w);
        expect(held.size).toBe(k + 1); // one piece per print, withheld as it is matched
        if (k === 0) expect(sim.engine.find(id0, { clientOrderId: id })?.filled.toFixed()).toBe('0'); // not reported yet
      }
      const matched = [...held.values()];
      expect(matched.map((w) => w.amount.toFixed())).toEqual(partial.pieces); // 30% of the remaining each, on the lot grid
      const last = Math.max(...matched.map((w) => w.releaseAt));
      const deadline = last + 3000;
      while (Date.now() < deadline && fills.length < 3) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300)); // a few more polls: nothing twice
      await a.catchUp();
      const trades = sim.engine.trades(id0, { limit: 1000 }).filter((t) => t.orderId === venueId);
      expect(trades.map((t) => t.id)).toEqual(matched.map((w) => w.tradeId));
      // Exactly once each, never before the venue reported it, with the match time.
      expect(fills.map((f) => f.tradeId).sort()).toEqual(trades.map((t) => String(t.id)).sort());
      for (const f of fills) {
        const w = matched.find((x) => String(x.tradeId) === f.tradeId);
        expect(f.ts).toBe(w?.time);
        expect(f.heardAt).toBeGreaterThanOrEqual(reportedAt.get(f.tradeId) ?? Infinity);
        expect((reportedAt.get(f.tradeId) ?? 0) - f.ts).toBeGreaterThanOrEqual(290);
      }
      const booked = fills.reduce((x, f) => x.plus(f.amount), new Decimal(0));
      expect(booked.toFixed()).toBe(partial.booked);
      expect(booked.toFixed()).toBe(sim.engine.find(id0, { clientOrderId: id })?.filled.toFixed());
      expect(fills.map((f) => f.remaining.toFixed())).toEqual(partial.remaining); // heard in match order
      expect(await a.cancel(id)).toMatchObject({ type: 'order.cancelled', remaining: new Decimal(partial.remaining.at(-1) ?? '') });
    } finally {
      sub.unsubscribe();
      act.unsubscribe();
    }
  });

  it.sequential('an authentication fault is fatal: reported (the bot HARD_STOPs) and thrown, nothing placed', async ({ expect }) => {
    const fatal: VenueErrorClass[] = [];
    const a = await adapter({ onFatal: (e) => fatal.push(e) });
    const price = await farBid();
    install({ faults: [{ type: 'errorRate', endpoints: [routes.orderFamily], rate: 1, ...pair.authError }] });
    const id = cid();
    await expect(a.place({ clientOrderId: id, symbol: id0, side: 'buy', price, amount, postOnly: true })).rejects.toBeInstanceOf(VenueFatalError);
    expect(fatal.map((f) => f.reason)).toEqual(['authentication']);
    expect(atVenue(id)).toBe(0);
  });
});
