/**
 * Fault injection seen from a plain ccxt `binance` client (no mock in between): each fault's
 * effect and the ccxt exception it surfaces as, the control endpoint, a fault file loaded at
 * open, and reproducibility (same seed and requests ⇒ same faults).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ccxt, { type Exchange } from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../otel/logger.ts';
import { simClient } from './ccxt-client.fixtures.ts';
import type { FaultSpecInput } from './faults.ts';
import { type VenueSim, openVenueSim } from './open.ts';

const DATA = join(resolve(import.meta.dirname, '..'), 'data', 'binance-spot-20240808');
const BTC = join(DATA, 'btcusdt_20240808.gz');

let sim: VenueSim;
let ex: Exchange;
let seq = 0;
const cid = (): string => `f${Date.now().toString(36)}-${++seq}`;

beforeAll(async () => {
  sim = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [BTC], logger: silentLogger() });
  ex = simClient(sim.url);
  await ex.loadMarkets();
}, 60_000);

afterEach(async () => {
  await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
  ex.timeout = 10_000;
  await ex.cancelAllOrders('BTC/USDT').catch(() => undefined);
});

afterAll(async () => {
  await sim?.close();
});

async function put(spec: FaultSpecInput | string): Promise<Response> {
  const body = typeof spec === 'string' ? spec : JSON.stringify(spec);
  return fetch(`${sim.url}/__sim/faults`, { method: 'PUT', headers: { 'content-type': typeof spec === 'string' ? 'application/yaml' : 'application/json' }, body });
}

async function install(spec: FaultSpecInput): Promise<void> {
  const r = await put(spec);
  expect(r.status, await r.clone().text()).toBe(200);
}

async function restingBid(clientOrderId = cid()): Promise<{ price: number; clientOrderId: string }> {
  const ob = await ex.fetchOrderBook('BTC/USDT');
  const price = Math.round(((ob.bids[0]?.[0] as number) - 500) * 100) / 100;
  return { price, clientOrderId };
}

const sleepUntil = (t: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

const venueOrders = (clientOrderId: string): number => sim.engine.openOrders('BTCUSDT').filter((o) => o.clientOrderId === clientOrderId).length;

describe('venue-sim fault injection ↔ real ccxt', () => {
  it('rateLimit429: a burst answers HTTP 429 {code:-1003} with Retry-After (ccxt DDoSProtection, a NetworkError); then the endpoint answers again', async () => {
    await install({ faults: [{ type: 'rateLimit429', endpoints: ['GET /api/v3/time'], requests: 3, retryAfterSec: 2 }] });
    const r = await fetch(`${sim.url}/api/v3/time`);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(await r.json()).toMatchObject({ code: -1003, msg: expect.stringMatching(/^Too many requests; current limit/) });
    for (let k = 0; k < 2; k++) {
      const e = await ex.fetchTime().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ccxt.DDoSProtection);
      expect(e).toBeInstanceOf(ccxt.NetworkError);
    }
    expect(await ex.fetchTime()).toBeGreaterThan(0);
    expect(await ex.fetchBalance()).toBeDefined(); // other endpoints were never limited
    expect(sim.faults.status().counters[0]).toMatchObject({ type: 'rateLimit429', injected: 3, routes: { 'GET /api/v3/time': 3 } });
  });

  it('rateLimit429 for a duration: every matching request for T ms is refused, then none', async () => {
    await install({ faults: [{ type: 'rateLimit429', endpoints: ['/api/v3/time'], durationMs: 1000 }] });
    const t0 = Date.now();
    await expect(ex.fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    await expect(ex.fetchTime()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    await sleepUntil(t0 + 1050);
    expect(await ex.fetchTime()).toBeGreaterThan(0);
  });

  it('errorRate 1.0 on one endpoint: every call there fails (500 -1000 → OperationFailed), other endpoints are unaffected; a chosen error is answered as given', async () => {
    await install({ faults: [{ type: 'errorRate', endpoints: ['GET /api/v3/openOrders'], rate: 1 }] });
    for (let k = 0; k < 3; k++) await expect(ex.fetchOpenOrders('BTC/USDT')).rejects.toBeInstanceOf(ccxt.OperationFailed);
    expect((await ex.fetchBalance())['USDT']?.total).toBeGreaterThan(0);
    expect(await ex.fetchTime()).toBeGreaterThan(0);
    expect(sim.faults.status().injected).toBe(3);
    await install({ faults: [{ type: 'errorRate', endpoints: ['GET /api/v3/account'], rate: 1, status: 401, code: -2014, msg: 'API-key format invalid.' }] });
    await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
  });

  it('timeout: the request is held and ccxt RequestTimeout fires; with holdMs it is answered late', async () => {
    ex.timeout = 300;
    await install({ faults: [{ type: 'timeout', endpoints: ['GET /api/v3/time'], count: 1 }] });
    const t0 = Date.now();
    await expect(ex.fetchTime()).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(await ex.fetchTime()).toBeGreaterThan(0); // count 1: the next request is answered
    ex.timeout = 2000;
    await install({ faults: [{ type: 'timeout', endpoints: ['GET /api/v3/time'], holdMs: 200 }] });
    const t1 = Date.now();
    expect(await ex.fetchTime()).toBeGreaterThan(0);
    expect(Date.now() - t1).toBeGreaterThanOrEqual(190);
  });

  it('lostAck on place: the venue has the order, its answer is lost (NetworkError; RequestTimeout when held); fetchOrder by origClientOrderId finds it', async () => {
    await install({ faults: [{ type: 'lostAck', endpoints: ['POST /api/v3/order'], count: 1 }] });
    const a = await restingBid();
    const e = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, a.price, { postOnly: true, clientOrderId: a.clientOrderId }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ccxt.NetworkError);
    expect(venueOrders(a.clientOrderId)).toBe(1);
    expect(await ex.fetchOrder('', 'BTC/USDT', { origClientOrderId: a.clientOrderId })).toMatchObject({ clientOrderId: a.clientOrderId, status: 'open' });

    ex.timeout = 300;
    await install({ faults: [{ type: 'lostAck', endpoints: ['POST /api/v3/order'], mode: 'hold', count: 1 }] });
    const b = await restingBid();
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, b.price, { postOnly: true, clientOrderId: b.clientOrderId })).rejects.toBeInstanceOf(ccxt.RequestTimeout);
    expect((await ex.fetchOrder('', 'BTC/USDT', { origClientOrderId: b.clientOrderId })).status).toBe('open');
  });

  it('lostAck on cancel: cancelled at the venue, the answer lost; the retry is OrderNotFound and fetchOrder says canceled', async () => {
    const a = await restingBid();
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, a.price, { postOnly: true, clientOrderId: a.clientOrderId });
    await install({ faults: [{ type: 'lostAck', endpoints: ['DELETE /api/v3/order'] }] });
    await expect(ex.cancelOrder(String(o.id), 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.NetworkError);
    expect(venueOrders(a.clientOrderId)).toBe(0);
    await expect(ex.cancelOrder(String(o.id), 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound); // a refusal is not lost
    expect((await ex.fetchOrder(String(o.id), 'BTC/USDT')).status).toBe('canceled');
    expect(sim.faults.status().counters[0]?.injected).toBe(1);
  });

  it('disconnect: during the window every connection is dropped unanswered (NetworkError); afterwards service resumes', async () => {
    await install({ faults: [{ type: 'disconnect', untilMs: 1000 }] });
    const t0 = Date.now();
    await expect(ex.fetchTime()).rejects.toBeInstanceOf(ccxt.NetworkError);
    await expect(ex.fetchBalance()).rejects.toBeInstanceOf(ccxt.NetworkError);
    await sleepUntil(t0 + 1050);
    expect(await ex.fetchTime()).toBeGreaterThan(0);
    expect(sim.faults.status().counters[0]?.injected).toBe(2);
  });

  it('latency: a fixed delay is added to each matching request', async () => {
    await install({ faults: [{ type: 'latency', endpoints: ['GET /api/v3/time'], distribution: { kind: 'fixed', ms: 250 } }] });
    const t0 = Date.now();
    await ex.fetchTime();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(sim.faults.status().counters[0]?.injected).toBe(1);
  });

  it('fillOnCancelled: the cancel first fills part of the order (executedQty > 0 in the answer); the trade and the balances agree', async () => {
    const a = await restingBid();
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, a.price, { postOnly: true, clientOrderId: a.clientOrderId });
    const btcBefore = (await ex.fetchBalance())['BTC']?.total ?? 0;
    await install({ faults: [{ type: 'fillOnCancelled', fraction: 0.5 }] });
    const c = await ex.cancelOrder(String(o.id), 'BTC/USDT');
    expect(c).toMatchObject({ status: 'canceled', filled: 0.0005 });
    const trades = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === o.id);
    expect(trades.map((t) => [t.amount, t.price, t.takerOrMaker])).toEqual([[0.0005, a.price, 'maker']]);
    expect((await ex.fetchBalance())['BTC']?.total as number).toBeCloseTo(btcBefore + 0.0005, 10);
    expect(venueOrders(a.clientOrderId)).toBe(0);
  });

  it('phantomTrades: fetchMyTrades lists trades the account never made (ids and orders unknown to the venue); balances are not touched', async () => {
    const before = await ex.fetchMyTrades('BTC/USDT');
    const balance = (await ex.fetchBalance())['BTC']?.total;
    await install({ faults: [{ type: 'phantomTrades', perAnswer: 2 }] });
    const after = await ex.fetchMyTrades('BTC/USDT');
    const known = new Set(before.map((t) => t.id));
    const extra = after.filter((t) => !known.has(t.id));
    expect(extra).toHaveLength(2);
    for (const t of extra) {
      expect(Number(t.id)).toBeGreaterThan(900_000_000);
      await expect(ex.fetchOrder(String(t.order), 'BTC/USDT')).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    }
    expect((await ex.fetchBalance())['BTC']?.total).toBe(balance);
  });

  it('missingTrades: fetchMyTrades omits some real trades, the same ones in every answer', async () => {
    // Real trades, cheaply: cancels that fill part of each order first.
    await install({ faults: [{ type: 'fillOnCancelled', fraction: 0.5 }] });
    for (let k = 0; k < 8; k++) {
      const a = await restingBid();
      const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.0002, a.price, { postOnly: true, clientOrderId: a.clientOrderId });
      await ex.cancelOrder(String(o.id), 'BTC/USDT');
    }
    await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    const all = (await ex.fetchMyTrades('BTC/USDT')).map((t) => t.id);
    expect(all.length).toBeGreaterThanOrEqual(8);
    await install({ seed: 3, faults: [{ type: 'missingTrades', rate: 0.5 }] });
    const first = (await ex.fetchMyTrades('BTC/USDT')).map((t) => t.id);
    const second = (await ex.fetchMyTrades('BTC/USDT')).map((t) => t.id);
    expect(first.length).toBeLessThan(all.length);
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((id) => all.includes(id))).toBe(true);
    expect(second).toEqual(first);
  });

  it('control endpoint: GET shows spec and counters; PUT (JSON or YAML) replaces; a bad spec is 400 naming the field and the old spec stays; DELETE clears', async () => {
    expect(await (await fetch(`${sim.url}/__sim/faults`)).json()).toMatchObject({ spec: { seed: 1, faults: [] }, injected: 0, counters: [] });
    await install({ seed: 9, faults: [{ type: 'errorRate', endpoints: ['GET /api/v3/time'], rate: 1 }] });
    await expect(ex.fetchTime()).rejects.toBeInstanceOf(ccxt.OperationFailed);
    const got = (await (await fetch(`${sim.url}/__sim/faults`)).json()) as { spec: unknown; injected: number; counters: unknown[] };
    expect(got).toMatchObject({ spec: { seed: 9, faults: [{ type: 'errorRate', rate: 1 }] }, injected: 1, counters: [{ index: 0, type: 'errorRate', injected: 1, routes: { 'GET /api/v3/time': 1 } }] });

    const bad = await put({ faults: [{ type: 'errorRate', endpoints: ['GET /api/v3/time'], rate: 1 }, { type: 'errorRate', rate: 1.5 }] });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: string; issues: { path: string }[] };
    expect(badBody.error).toMatch(/faults\[1\]\.rate/);
    expect(badBody.issues.map((i) => i.path)).toEqual(['faults[1].rate']);
    const unknownType = await put('faults:\n  - type: gremlins\n');
    expect(unknownType.status).toBe(400);
    expect(((await unknownType.json()) as { error: string }).error).toMatch(/faults\[0\]\.type: expected type to be one of latency/);
    expect((await put('{not: [valid')).status).toBe(400);
    expect(sim.faults.status()).toMatchObject({ spec: { seed: 9 }, injected: 1 }); // unchanged

    const yaml = await put('seed: 4\nfaults:\n  - type: latency\n    endpoints: ["GET /api/v3/depth"]\n    distribution: { kind: uniform, minMs: 1, maxMs: 5 }\n');
    expect(yaml.status).toBe(200);
    expect(sim.faults.spec).toEqual({ seed: 4, faults: [{ type: 'latency', endpoints: ['GET /api/v3/depth'], distribution: { kind: 'uniform', minMs: 1, maxMs: 5 } }] });
    expect((await fetch(`${sim.url}/__sim/faults`, { method: 'POST' })).status).toBe(405);
    const cleared = await fetch(`${sim.url}/__sim/faults`, { method: 'DELETE' });
    expect(await cleared.json()).toMatchObject({ spec: { faults: [] }, injected: 0 });
    expect(await ex.fetchTime()).toBeGreaterThan(0);
  });

  it('reproducibility: the same seed and the same requests give the same faults', async () => {
    const spec: FaultSpecInput = { seed: 7, faults: [{ type: 'errorRate', endpoints: ['GET /api/v3/time'], rate: 0.5 }] };
    const run = async (): Promise<string> => {
      await install(spec);
      let out = '';
      for (let k = 0; k < 24; k++) out += await ex.fetchTime().then(() => '.', () => 'x');
      return out;
    };
    const a = await run();
    const b = await run();
    expect(b).toBe(a);
    expect(a).toContain('x');
    expect(a).toContain('.');
    expect(sim.faults.status().injected).toBe([...a].filter((c) => c === 'x').length);
  });
});

describe('a fault file at open', () => {
  it('openVenueSim loads a YAML fault file and serves with it; a bad file is refused naming the file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'venue-sim-faults-'));
    const good = join(dir, 'faults.yaml');
    await writeFile(good, 'seed: 11\nfaults:\n  - type: errorRate\n    endpoints: ["GET /api/v3/time"]\n    rate: 1\n    status: 503\n    code: -1001\n    msg: Internal error; unable to process your request.\n');
    const s2 = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [BTC], logger: silentLogger(), faultsFile: good });
    try {
      expect(s2.faults.spec).toMatchObject({ seed: 11, faults: [{ type: 'errorRate', status: 503, code: -1001 }] });
      const c = simClient(s2.url);
      await expect(c.fetchTime()).rejects.toBeInstanceOf(ccxt.OperationFailed);
      expect(s2.faults.status().injected).toBe(1);
    } finally {
      await s2.close();
    }
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ faults: [{ type: 'latency', distribution: { kind: 'normal', meanMs: 10, sdMs: -1 } }] }));
    await expect(openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [BTC], logger: silentLogger(), faultsFile: bad })).rejects.toThrow(/--faults .*bad\.json: faults\[0\]\.distribution\.sdMs/);
  }, 60_000);
});
