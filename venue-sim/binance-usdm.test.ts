/**
 * The real ccxt `binanceusdm` client against the perpetual simulator (no mock in between):
 * markets and rules, leverage, orders, positions, the margin account, fees, funding, the control
 * endpoints, Binance futures' errors as ccxt's exception classes, and a fault on a `/fapi` route.
 */
import { join, resolve } from 'node:path';
import ccxt, { type Exchange } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { usdmSimClient } from './ccxt-client.fixtures.ts';
import type { VenueSim } from './open.ts';
import { BTC, ETH, bestBidAsk, perpDialectHooks, tick } from './perp-dialect.fixtures.ts';

const SPOT = join(resolve(import.meta.dirname, '..'), 'data', 'binance-spot-20240808');

let sim: VenueSim;
let ex: Exchange;
perpDialectHooks('binance', usdmSimClient, (s) => ({ sim, ex } = s));

const book = (symbol = BTC): Promise<{ bid: number; ask: number }> => bestBidAsk(ex, symbol);

async function post(path: string, body: unknown, method = 'POST'): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${sim.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('venue-sim binance usdm ↔ real ccxt binanceusdm', () => {
  it("loads the perpetuals with Binance's USDⓈ-M rules, in one request", async () => {
    const markets = ex.markets ?? {};
    expect(Object.keys(markets).sort()).toEqual([BTC, ETH]);
    expect(markets[BTC]).toMatchObject({ id: 'BTCUSDT', type: 'swap', swap: true, linear: true, settle: 'USDT', contractSize: 1, active: true, precision: { price: 0.1, amount: 0.001 }, limits: { amount: { min: 0.001 }, cost: { min: 100 } } });
    expect(markets[ETH]).toMatchObject({ precision: { price: 0.01, amount: 0.001 }, limits: { cost: { min: 20 } } });
    expect(await ex.fetchTime()).toBeGreaterThan(Date.now() - 5000);
    const { bid, ask } = await book();
    expect(bid).toBeLessThan(ask);
    expect(bid).toBeGreaterThan(50_000);
  });

  it('sets leverage per symbol; above the market maximum is refused', async () => {
    await ex.setLeverage(10, BTC);
    expect(await ex.fetchLeverage(BTC)).toMatchObject({ symbol: BTC, marginMode: 'cross', longLeverage: 10, shortLeverage: 10 });
    expect((await ex.fetchLeverage(ETH)).longLeverage).toBe(20); // the default
    await expect(ex.setLeverage(110, ETH)).rejects.toBeInstanceOf(ccxt.BadRequest); // -4028, ETHUSDT allows 100×
    expect((await ex.fetchLeverage(ETH)).longLeverage).toBe(20);
  });

  it('places a post-only bid below the book, lists it, finds it by client id, cancels it; a post-only that would take is refused', async () => {
    const { bid, ask } = await book();
    const price = tick(bid - 200);
    const o = await ex.createOrder(BTC, 'limit', 'buy', 0.002, price, { postOnly: true, clientOrderId: 'perp-t1' });
    expect(o).toMatchObject({ clientOrderId: 'perp-t1', status: 'open', postOnly: true, timeInForce: 'PO', side: 'buy', price, amount: 0.002, filled: 0 });
    expect((await ex.fetchOpenOrders(BTC)).map((x) => x.id)).toContain(o.id);
    expect((await ex.fetchOrder('', BTC, { origClientOrderId: 'perp-t1' })).id).toBe(o.id);
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.002, tick(bid - 300), { postOnly: true, clientOrderId: 'perp-t1' })).rejects.toBeInstanceOf(ccxt.InvalidOrder); // -4116
    // Open orders hold initial margin: 0.002 × price / 10.
    expect(Number((await ex.fetchBalance())['info']['totalOpenOrderInitialMargin'])).toBeCloseTo((price * 0.002) / 10, 6);
    expect((await ex.cancelOrder(String(o.id), BTC)).status).toBe('canceled');
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
    await expect(ex.cancelOrder(String(o.id), BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound);
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.002, tick(ask + 50), { postOnly: true })).rejects.toBeInstanceOf(ccxt.OrderNotFillable); // -5022
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.001, tick(bid - 200), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InvalidOrder); // -4164, notional < 100
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
  });

  it('a marketable order opens a position at its fill prices; the wallet pays the fee; margin balance = wallet + unrealized; closing realizes PnL', async () => {
    const { ask } = await book();
    const o = await ex.createOrder(BTC, 'limit', 'buy', 0.01, tick(ask + 20));
    if (o.status === 'open') await ex.cancelOrder(String(o.id), BTC);
    const trades = (await ex.fetchMyTrades(BTC)).filter((t) => t.order === o.id);
    expect(trades.length).toBeGreaterThan(0);
    const qty = trades.reduce((s, t) => s + (t.amount as number), 0);
    const cost = trades.reduce((s, t) => s + (t.cost as number), 0);
    const fees = trades.reduce((s, t) => s + (t.fee?.cost as number), 0);
    for (const t of trades) expect(t).toMatchObject({ side: 'buy', takerOrMaker: 'taker', fee: { currency: 'USDT' } });
    expect(fees).toBeCloseTo(cost * 0.001, 8);
    const [pos] = await ex.fetchPositions([BTC]);
    expect(pos).toMatchObject({ symbol: BTC, side: 'long', marginMode: 'cross', hedged: false });
    expect(pos?.contracts as number).toBeCloseTo(qty, 10);
    expect(pos?.entryPrice as number).toBeCloseTo(cost / qty, 6);
    expect(pos?.maintenanceMarginPercentage).toBe(0.004);
    const [v2] = await ex.fetchPositions([BTC], { useV2: true });
    expect(v2?.leverage).toBe(10); // set above; /fapi/v2/positionRisk carries it, v3 does not
    const bal = await ex.fetchBalance();
    const info = bal['info'] as Record<string, string>;
    expect(Number(info['totalWalletBalance'])).toBeCloseTo(10000 - fees, 6);
    expect(Number(info['totalMarginBalance'])).toBeCloseTo(Number(info['totalWalletBalance']) + Number(info['totalUnrealizedProfit']), 8);
    expect(bal['USDT']?.total as number).toBeCloseTo(Number(info['totalMarginBalance']), 6);
    // Close it: realized PnL and the second fee go to the wallet.
    const { bid } = await book();
    const c = await ex.createOrder(BTC, 'limit', 'sell', qty, tick(bid - 20));
    if (c.status === 'open') await ex.cancelOrder(String(c.id), BTC);
    const closing = (await ex.fetchMyTrades(BTC)).filter((t) => t.order === c.id);
    const realized = closing.reduce((s, t) => s + Number((t.info as Record<string, string>)['realizedPnl']), 0);
    const closeFees = closing.reduce((s, t) => s + (t.fee?.cost as number), 0);
    const closedQty = closing.reduce((s, t) => s + (t.amount as number), 0);
    const closePrice = closing.reduce((s, t) => s + (t.cost as number), 0) / closedQty;
    expect(realized).toBeCloseTo((closePrice - cost / qty) * closedQty, 6);
    const after = (await ex.fetchBalance())['info'] as Record<string, string>;
    expect(Number(after['totalWalletBalance'])).toBeCloseTo(10000 - fees - closeFees + realized, 6);
    const income = await ex.fetchFundingHistory(BTC);
    expect(income).toEqual([]); // FUNDING_FEE only; no settlement in this sim's 8 h interval yet
  });

  it('fetchFundingRate reports the rate, mark and next settlement; /__sim/funding changes the rate', async () => {
    const fr = await ex.fetchFundingRate(BTC);
    expect(fr).toMatchObject({ symbol: BTC, fundingRate: 0.0001 });
    expect(fr.fundingTimestamp as number).toBe(Math.ceil((Date.now() + 1) / 28_800_000) * 28_800_000);
    expect(fr.markPrice as number).toBeGreaterThan(50_000);
    const put = await post('/__sim/funding', { rate: '0.0003' }, 'PUT');
    expect(put).toMatchObject({ status: 200, body: { rate: '0.0003', intervalS: 28800 } });
    expect((await ex.fetchFundingRate(BTC)).fundingRate).toBe(0.0003);
    expect(await post('/__sim/funding', { rate: 'lots' }, 'PUT')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^rate: /) } });
    expect(await post('/__sim/funding', { rat: '0.1' }, 'PUT')).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^rat: unknown field/) } });
    expect((await post('/__sim/funding', { rate: '0.0001' }, 'PUT')).status).toBe(200);
  });

  it('insufficient margin is InsufficientFunds; /__sim/transfer squeezes the account and refuses bad input', async () => {
    const { bid } = await book();
    // 4 BTC ≈ 247k notional at 10× needs ~24.7k of initial margin; the account holds ~10k.
    await expect(ex.createOrder(BTC, 'limit', 'buy', 4, tick(bid - 300), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    const wallet = Number(((await ex.fetchBalance())['info'] as Record<string, string>)['totalWalletBalance']);
    const out = await post('/__sim/transfer', { asset: 'USDT', amount: '-9900' });
    expect(out.status).toBe(200);
    expect(Number(out.body['walletBalance'])).toBeCloseTo(wallet - 9900, 6);
    // Now 0.05 BTC (≈3.1k notional, 310 margin at 10×) no longer fits.
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.05, tick(bid - 300), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
    for (const [body, field] of [[{ asset: 'BTC', amount: '1' }, 'asset'], [{ asset: 'USDT', amount: 'abc' }, 'amount'], [{ asset: 'USDT', amount: '-1000000' }, 'amount'], ['not json', 'body']] as const) {
      const r = await post('/__sim/transfer', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(String(r.body['error'])).toMatch(new RegExp(`^${field}: `));
    }
    expect((await post('/__sim/transfer', { asset: 'USDT', amount: '9900' })).status).toBe(200);
    const back = Number(((await ex.fetchBalance())['info'] as Record<string, string>)['totalWalletBalance']);
    expect(back).toBeCloseTo(wallet, 6);
  });

  it('a bad signature is AuthenticationError; a 429 burst is DDoSProtection; a lost ack leaves the order findable by client id', async () => {
    await expect(usdmSimClient(sim.url, { apiKey: 'test-key', secret: 'wrong' }).fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    const { bid } = await book();
    sim.faults.install({ faults: [{ type: 'rateLimit429', endpoints: ['GET /fapi/v1/openOrders'], requests: 1 }] });
    await expect(ex.fetchOpenOrders(BTC)).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    sim.faults.install({ faults: [{ type: 'lostAck', count: 1 }] }); // default routes: POST and DELETE /fapi/v1/order
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.002, tick(bid - 400), { postOnly: true, clientOrderId: 'perp-lost' })).rejects.toBeInstanceOf(ccxt.NetworkError);
    expect(sim.faults.status().counters[0]?.routes).toEqual({ 'POST /fapi/v1/order': 1 });
    const found = await ex.fetchOrder('', BTC, { origClientOrderId: 'perp-lost' });
    expect(found).toMatchObject({ clientOrderId: 'perp-lost', status: 'open' });
    sim.faults.clear();
    await ex.cancelAllOrders(BTC);
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
  });
});

describe('venue-sim binance usdm funding (2-s interval, on the spot capture)', () => {
  let fsim: VenueSim;
  let fx: Exchange;

  perpDialectHooks('binance', usdmSimClient, (s) => ({ sim: fsim, ex: fx } = s), { data: [join(SPOT, 'btcusdt_20240808.gz')], funding: { rate: '0.001', intervalS: 2 } });

  async function fundingEntries(n: number): Promise<Awaited<ReturnType<Exchange['fetchFundingHistory']>>> {
    const deadline = Date.now() + 6000;
    for (;;) {
      const xs = await fx.fetchFundingHistory(BTC);
      if (xs.length >= n || Date.now() > deadline) return xs;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('a long pays at a positive rate and receives at a negative one; each settlement is in the wallet and the funding history', async () => {
    const ob = await fx.fetchOrderBook(BTC, 5);
    const o = await fx.createOrder(BTC, 'limit', 'buy', 0.01, tick((ob.asks[0]?.[0] as number) + 20));
    if (o.status === 'open') await fx.cancelOrder(String(o.id), BTC);
    const [pos] = await fx.fetchPositions([BTC]);
    const qty = pos?.contracts as number;
    const entry = pos?.entryPrice as number;
    expect(qty).toBeGreaterThan(0);
    const next = (await fx.fetchFundingRate(BTC)).fundingTimestamp as number;
    expect(next % 2000).toBe(0);
    const [first] = await fundingEntries(1);
    expect(first?.amount as number).toBeLessThan(0);
    expect(first?.amount as number).toBeCloseTo(-qty * entry * 0.001, 1);
    expect(first).toMatchObject({ symbol: BTC, code: 'USDT' });
    expect(first?.id).toMatch(/^\d+$/);
    expect((first?.timestamp as number) % 2000).toBe(0);
    expect((await fetch(`${fsim.url}/__sim/funding`, { method: 'PUT', body: JSON.stringify({ rate: '-0.0005' }) })).status).toBe(200);
    const all = await fundingEntries((await fx.fetchFundingHistory(BTC)).length + 1);
    const last = all[all.length - 1];
    expect(last?.amount as number).toBeGreaterThan(0);
    expect(last?.amount as number).toBeCloseTo(qty * entry * 0.0005, 1);
    const income = await fetch(`${fsim.url}/__sim/funding`).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(income).toMatchObject({ rate: '-0.0005', intervalS: 2 });
    // The wallet: 10000 − fees + every funding entry (nothing realized).
    const trades = (await fx.fetchMyTrades(BTC)).filter((t) => t.order === o.id);
    const fees = trades.reduce((s, t) => s + (t.fee?.cost as number), 0);
    const funding = (await fx.fetchFundingHistory(BTC)).reduce((s, e) => s + (e.amount as number), 0);
    const wallet = Number(((await fx.fetchBalance())['info'] as Record<string, string>)['totalWalletBalance']);
    // A settlement may fall between the two reads: allow one more entry's worth.
    expect(Math.abs(wallet - (10000 - fees + funding))).toBeLessThan(qty * entry * 0.001);
  }, 20_000);
});
