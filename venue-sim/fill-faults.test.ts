/**
 * The matching faults seen from the real ccxt clients (`binance` spot, `binanceusdm` for one perp
 * case): `delayedFills` (a fill withheld from every view, then reported with its match time) and
 * `partialFills` (run-time partial-fill bounds, restored when the fault goes), their validation
 * through the control endpoint, and seeded delay draws.
 */
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../domain/money/decimal.ts';
import { silentLogger } from '../otel/logger.ts';
import { simClient, usdmSimClient } from './ccxt-client.fixtures.ts';
import type { FaultSpecInput } from './faults.ts';
import { type VenueSim, openVenueSim } from './open.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SPOT_BTC = join(ROOT, 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');
const USDM_BTC = join(ROOT, 'data', 'binance-usdm-20240808', 'btcusdt_20240808.gz');

let sim: VenueSim;
let ex: Exchange;
let seq = 0;
const cid = (): string => `ff${Date.now().toString(36)}-${++seq}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cents = (x: number): number => Math.round(x * 100) / 100;

beforeAll(async () => {
  sim = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [SPOT_BTC], logger: silentLogger() });
  ex = simClient(sim.url);
  await ex.loadMarkets();
}, 60_000);

afterEach(async () => {
  await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
  await ex.cancelAllOrders('BTC/USDT').catch(() => undefined);
});

afterAll(async () => {
  await sim?.close();
});

function put(url: string, spec: FaultSpecInput | Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
}

async function install(url: string, spec: FaultSpecInput): Promise<void> {
  const r = await put(url, spec);
  expect(r.status, await r.clone().text()).toBe(200);
}

const bounds = (s: VenueSim, id = 'BTCUSDT'): { min: string; max: string } => {
  const b = (s.engine.market(id) as NonNullable<ReturnType<VenueSim['engine']['market']>>).adapter.partialFillBounds();
  return { min: b.min.toFixed(), max: b.max.toFixed() };
};

/** A synthetic sell print through `price` (more than enough volume): a maker fill for every bid above it that may fill now. */
function printThrough(s: VenueSim, price: number): void {
  (s.engine.market('BTCUSDT') as NonNullable<ReturnType<VenueSim['engine']['market']>>).adapter.onMarket({
    type: 'market.trade',
    trade: { ts: Date.now(), price: new Decimal(price), amount: new Decimal(1), takerSide: 'sell' },
  });
}

describe('delayedFills ↔ real ccxt binance', () => {
  it('a taking order fills at once but is reported open, unfilled, absent from myTrades and out of the balances until the delay is over; then all of it, with the match time', async () => {
    // One piece (partialFills 1..1) so the whole order fills at its activation.
    await install(sim.url, { seed: 5, faults: [{ type: 'delayedFills', delayMs: 1200 }, { type: 'partialFills', minFraction: 1, maxFraction: 1 }] });
    const before = await ex.fetchBalance();
    const ob = await ex.fetchOrderBook('BTC/USDT');
    const id = cid();
    const placed = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, cents((ob.asks[0]?.[0] as number) + 20), { clientOrderId: id });
    const withheld = sim.engine.withheldFills().filter((w) => w.orderId === Number(placed.id));
    expect(withheld).toHaveLength(1); // matched…
    const [w] = withheld as [(typeof withheld)[number]];
    expect(w.amount.toFixed()).toBe('0.0002');
    // …but not reported: the place answer, the order, the open orders, the trades, the balances.
    expect(placed).toMatchObject({ status: 'open', filled: 0 });
    expect(await ex.fetchOrder(String(placed.id), 'BTC/USDT')).toMatchObject({ status: 'open', filled: 0, remaining: 0.0002 });
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).toContain(id);
    expect((await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === placed.id)).toEqual([]);
    const during = await ex.fetchBalance();
    expect(during['BTC']?.total).toBe(before['BTC']?.total);
    expect(during['USDT']?.total).toBe(before['USDT']?.total);
    expect(Date.now()).toBeLessThan(w.releaseAt); // all of the above inside the delay

    await sleep(w.releaseAt - Date.now() + 30);
    const trades = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === placed.id);
    expect(trades.map((t) => [Number(t.id), t.timestamp, t.amount])).toEqual([[w.tradeId, w.time, 0.0002]]);
    expect(w.releaseAt - w.time).toBeGreaterThanOrEqual(1200); // reported late, stamped with the match time
    expect(await ex.fetchOrder(String(placed.id), 'BTC/USDT')).toMatchObject({ status: 'closed', filled: 0.0002 });
    expect((await ex.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId)).not.toContain(id);
    expect((await ex.fetchBalance())['BTC']?.total as number).toBeCloseTo(((before['BTC']?.total as number | undefined) ?? 0) + 0.0002, 10);
    expect(sim.faults.status().counters[0]).toMatchObject({ type: 'delayedFills', injected: 1, routes: { BTCUSDT: 1 } });
  });

  it('a {min, max} delay is drawn from the seeded PRNG: the same seed gives the same delays', () => {
    const draws = (): number[] => {
      sim.faults.install({ seed: 77, faults: [{ type: 'delayedFills', delayMs: { min: 100, max: 900 }, probability: 0.5 }] });
      return Array.from({ length: 12 }, (_, k) => sim.faults.fillDelay({ marketId: 'BTCUSDT', orderId: 1, tradeId: k, liquidity: 'maker' }));
    };
    const a = draws();
    expect(draws()).toEqual(a);
    expect(a.filter((d) => d === 0).length).toBeGreaterThan(0); // probability 0.5: some fills are not delayed
    expect(a.filter((d) => d >= 100 && d <= 900).length).toBe(a.filter((d) => d !== 0).length);
    expect(new Set(a).size).toBeGreaterThan(2);
    sim.faults.install({ seed: 77, faults: [{ type: 'delayedFills', delayMs: 300, markets: ['BTCUSDT'] }] });
    expect(sim.faults.fillDelay({ marketId: 'ETHUSDT', orderId: 1, tradeId: 1, liquidity: 'maker' })).toBe(0); // another market
  });
});

describe('partialFills ↔ real ccxt binance', () => {
  it('set at run time, a resting bid fills in pieces each ≤ maxFraction of the remaining (on the lot grid); removing it restores the start-time bounds', async () => {
    expect(bounds(sim)).toEqual({ min: '0.3', max: '1' }); // PAPER_DEFAULTS
    await install(sim.url, { faults: [{ type: 'partialFills', maxFraction: 0.25 }] });
    expect(bounds(sim)).toEqual({ min: '0.25', max: '0.25' }); // min: the start-time 0.3, capped at maxFraction
    const ob = await ex.fetchOrderBook('BTC/USDT');
    const price = cents((ob.bids[0]?.[0] as number) - 400);
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId: cid() });
    // Prints far through the bid, each after the model's spacing of two fills of one order (150 ms).
    for (let k = 0; k < 3; k++) {
      await sleep(170);
      printThrough(sim, price - 1);
    }
    const pieces = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === o.id).map((t) => new Decimal(String(t.amount)));
    expect(pieces.length).toBe(3);
    let remaining = new Decimal('0.001');
    for (const p of pieces) {
      expect(p.lte(remaining.times(0.25).div('0.00001').floor().times('0.00001'))).toBe(true);
      expect(p.gte('0.00001')).toBe(true);
      remaining = remaining.minus(p);
    }
    expect(pieces.map((p) => p.toFixed())).toEqual(['0.00025', '0.00018', '0.00014']);
    expect(await ex.fetchOrder(String(o.id), 'BTC/USDT')).toMatchObject({ status: 'open', filled: 0.00057 });
    expect(sim.faults.status().counters[0]).toMatchObject({ type: 'partialFills', injected: 3, routes: { BTCUSDT: 3 } });

    // A spec without it restores the start-time bounds: the next piece takes ≥ 0.3 of the remaining.
    await install(sim.url, { faults: [{ type: 'latency', endpoints: ['GET /api/v3/time'], distribution: { kind: 'fixed', ms: 1 } }] });
    expect(bounds(sim)).toEqual({ min: '0.3', max: '1' });
    await sleep(170);
    printThrough(sim, price - 1);
    const next = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === o.id).map((t) => new Decimal(String(t.amount)));
    expect(next.length).toBe(4);
    expect((next[3] as Decimal).gte(remaining.times(0.3).div('0.00001').floor().times('0.00001'))).toBe(true);
    expect((next[3] as Decimal).gt(remaining.times(0.25))).toBe(true);

    // So does DELETE.
    await install(sim.url, { faults: [{ type: 'partialFills', minFraction: 0.1, maxFraction: 0.2 }] });
    expect(bounds(sim)).toEqual({ min: '0.1', max: '0.2' });
    await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    expect(bounds(sim)).toEqual({ min: '0.3', max: '1' });
  });

  it('bad matching specs are refused (400) naming the field; the installed spec stays', async () => {
    await install(sim.url, { seed: 3, faults: [{ type: 'partialFills', maxFraction: 0.5 }] });
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'delayedFills', delayMs: -5 }, 'faults[0].delayMs'],
      [{ type: 'delayedFills', delayMs: { min: 500, max: 100 } }, 'faults[0].delayMs.max'],
      [{ type: 'delayedFills' }, 'faults[0].delayMs'],
      [{ type: 'delayedFills', delayMs: 10, probability: 2 }, 'faults[0].probability'],
      [{ type: 'delayedFills', delayMs: 10, endpoints: ['GET /api/v3/myTrades'] }, 'faults[0].endpoints'],
      [{ type: 'delayedFills', delayMs: 10, markets: ['DOGEUSDT'] }, 'faults[0].markets[0]'],
      [{ type: 'partialFills', maxFraction: 0 }, 'faults[0].maxFraction'],
      [{ type: 'partialFills', maxFraction: 1.5 }, 'faults[0].maxFraction'],
      [{ type: 'partialFills', maxFraction: 0.3, minFraction: 0.6 }, 'faults[0].minFraction'],
      [{ type: 'partialFills', maxFraction: 0.3, markets: [] }, 'faults[0].markets'],
      [{ type: 'partialFills', maxFraction: 0.3, count: 2 }, 'faults[0]'],
    ];
    for (const [fault, path] of cases) {
      const r = await put(sim.url, { faults: [fault] });
      expect(r.status, JSON.stringify(fault)).toBe(400);
      const body = (await r.json()) as { error: string; issues: { path: string }[] };
      expect(body.issues.map((i) => i.path), JSON.stringify(fault)).toEqual([path]);
      expect(body.error).toContain(path);
    }
    expect(sim.faults.spec).toEqual({ seed: 3, faults: [{ type: 'partialFills', maxFraction: 0.5 }] });
    expect(bounds(sim)).toEqual({ min: '0.3', max: '0.5' });
    // At open, a matching fault naming a market not served is refused naming the field.
    await expect(openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [SPOT_BTC], logger: silentLogger(), faults: { faults: [{ type: 'delayedFills', delayMs: 5, markets: ['ETHUSDT'] }] } })).rejects.toThrow(
      /faults: faults\[0\]\.markets\[0\]: unknown market ETHUSDT/,
    );
  });
});

describe('delayedFills on a perpetual (binance usdm)', () => {
  it('the fill is withheld from the order, userTrades and the position until the delay is over', async () => {
    const perp = await openVenueSim({ venue: 'binance', market: 'perp', port: 0, data: [USDM_BTC], logger: silentLogger(), faults: { faults: [{ type: 'delayedFills', delayMs: 1000 }, { type: 'partialFills', minFraction: 1, maxFraction: 1 }] } });
    try {
      const fx = usdmSimClient(perp.url);
      await fx.loadMarkets();
      const BTC = 'BTC/USDT:USDT';
      const ob = await fx.fetchOrderBook(BTC, 5);
      const o = await fx.createOrder(BTC, 'limit', 'buy', 0.002, Math.round(((ob.asks[0]?.[0] as number) + 20) * 10) / 10);
      const [w] = perp.engine.withheldFills();
      expect(w?.orderId).toBe(Number(o.id));
      expect(await fx.fetchOrder(String(o.id), BTC)).toMatchObject({ status: 'open', filled: 0 });
      expect((await fx.fetchMyTrades(BTC)).filter((t) => t.order === o.id)).toEqual([]);
      expect((await fx.fetchPositions([BTC])).filter((p) => (p.contracts ?? 0) > 0)).toEqual([]);
      await sleep((w?.releaseAt ?? 0) - Date.now() + 30);
      const trades = (await fx.fetchMyTrades(BTC)).filter((t) => t.order === o.id);
      expect(trades.map((t) => [t.timestamp, t.amount])).toEqual([[w?.time, 0.002]]);
      expect(await fx.fetchOrder(String(o.id), BTC)).toMatchObject({ status: 'closed', filled: 0.002 });
      expect((await fx.fetchPositions([BTC]))[0]?.contracts as number).toBeCloseTo(0.002, 10);
    } finally {
      await perp.close();
    }
  }, 30_000);
});
