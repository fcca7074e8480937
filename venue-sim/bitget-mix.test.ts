/**
 * The real ccxt `bitget` client (swap, classic v2 `mix` API) against the USDT-M perpetual
 * simulator (no mock in between): contracts and rules, leverage, orders, positions, the margin
 * account, fills and fees, funding, Bitget's errors as ccxt's exception classes, and faults on
 * `/api/v2/mix` routes.
 */
import ccxt, { type Exchange } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { bitgetSwapSimClient } from './ccxt-client.fixtures.ts';
import type { VenueSim } from './open.ts';
import { BTC, ETH, USDM_BTC, bestBidAsk, perpDialectHooks, tick } from './perp-dialect.fixtures.ts';

let sim: VenueSim;
let ex: Exchange;
perpDialectHooks('bitget', bitgetSwapSimClient, (s) => ({ sim, ex } = s));

const book = (symbol = BTC): Promise<{ bid: number; ask: number }> => bestBidAsk(ex, symbol);

/** Places a marketable buy, cancels what rests; its fills. */
async function take(client: Exchange, amount: number): Promise<{ id: string; trades: Awaited<ReturnType<Exchange['fetchMyTrades']>> }> {
  const ob = await client.fetchOrderBook(BTC, 5);
  const o = await client.createOrder(BTC, 'limit', 'buy', amount, tick((ob.asks[0]?.[0] as number) + 20));
  if ((await client.fetchOrder(String(o.id), BTC)).status === 'open') await client.cancelOrder(String(o.id), BTC);
  return { id: String(o.id), trades: (await client.fetchMyTrades(BTC)).filter((t) => t.order === o.id) };
}

describe('venue-sim bitget usdt-m ↔ real ccxt bitget (swap)', () => {
  it("loads the contracts with Bitget's USDT-M rules; time and book", async () => {
    expect(Object.keys(ex.markets ?? {}).sort()).toEqual([BTC, ETH]);
    expect(ex.markets?.[BTC]).toMatchObject({
      id: 'BTCUSDT', type: 'swap', swap: true, linear: true, settle: 'USDT', contractSize: 1, active: true, maker: 0.001, taker: 0.001,
      precision: { price: 0.1, amount: 0.001 }, limits: { amount: { min: 0.001 }, cost: { min: 5 }, leverage: { min: 1, max: 125 } },
    });
    expect(ex.markets?.[ETH]).toMatchObject({ precision: { price: 0.01, amount: 0.01 }, limits: { amount: { min: 0.01 }, leverage: { max: 100 } } });
    expect(await ex.fetchTime()).toBeGreaterThan(Date.now() - 5000);
    const { bid, ask } = await book();
    expect(bid).toBeLessThan(ask);
    expect(bid).toBeGreaterThan(50_000);
  });

  it('sets leverage per symbol (fetchLeverage reads it back); above the maximum is BadRequest', async () => {
    await ex.setLeverage(10, BTC);
    expect(await ex.fetchLeverage(BTC)).toMatchObject({ symbol: BTC, marginMode: 'cross', longLeverage: 10, shortLeverage: 10 });
    expect((await ex.fetchLeverage(ETH)).longLeverage).toBe(20); // the default
    await expect(ex.setLeverage(130, BTC)).rejects.toBeInstanceOf(ccxt.BadRequest); // 40017; BTCUSDT allows 125×
    expect((await ex.fetchLeverage(BTC)).longLeverage).toBe(10);
  });

  it('a post-only bid rests, is listed, found by client id, cancelled; a post-only that would take is 40706 (InvalidOrder)', async () => {
    const { bid, ask } = await book();
    const price = tick(bid - 200);
    const o = await ex.createOrder(BTC, 'limit', 'buy', 0.002, price, { postOnly: true, clientOrderId: 'mix-t1' });
    expect(o).toMatchObject({ clientOrderId: 'mix-t1' });
    expect((await ex.fetchOpenOrders(BTC)).map((x) => [x.id, x.status, x.postOnly, x.price, x.amount])).toEqual([[o.id, 'open', true, price, 0.002]]);
    expect(await ex.fetchOrder('', BTC, { clientOrderId: 'mix-t1' })).toMatchObject({ id: o.id, status: 'open', timeInForce: 'PO', side: 'buy', price, amount: 0.002, filled: 0 });
    // Open orders hold initial margin: 0.002 × price / 10 (free = maxTransferOut).
    expect((await ex.fetchBalance())['USDT']?.used as number).toBeCloseTo((price * 0.002) / 10, 6);
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.002, tick(bid - 300), { postOnly: true, clientOrderId: 'mix-t1' })).rejects.toBeInstanceOf(ccxt.InvalidOrder); // 40500
    expect((await ex.cancelOrder(String(o.id), BTC)).id).toBe(o.id);
    expect((await ex.fetchOrder(String(o.id), BTC)).status).toBe('canceled');
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
    await expect(ex.cancelOrder(String(o.id), BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound); // 40768
    await expect(ex.fetchOrder('999', BTC)).rejects.toBeInstanceOf(ccxt.OrderNotFound); // 40109
    const taking = ex.createOrder(BTC, 'limit', 'buy', 0.002, tick(ask + 50), { postOnly: true });
    await expect(taking).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await expect(taking).rejects.toThrow(/40706.*post_only/);
    await expect(ex.createOrder(BTC, 'limit', 'buy', 0.001, 1000, { postOnly: true })).rejects.toBeInstanceOf(ccxt.InvalidOrder); // 45110: 1 USDT < 5
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
  });

  it('a fill opens a position at its price; fetchMyTrades has the fee; total = wallet + unrealized; cancelAllOrders', async () => {
    const { id, trades } = await take(ex, 0.01);
    expect(trades.length).toBeGreaterThan(0);
    const qty = trades.reduce((s, t) => s + (t.amount as number), 0);
    const cost = trades.reduce((s, t) => s + (t.cost as number), 0);
    const fees = trades.reduce((s, t) => s + (t.fee?.cost as number), 0);
    for (const t of trades) expect(t).toMatchObject({ symbol: BTC, side: 'buy', takerOrMaker: 'taker', fee: { currency: 'USDT' } });
    expect(fees).toBeCloseTo(cost * 0.001, 8);
    expect((await ex.fetchOrder(id, BTC)).fee?.cost as number).toBeCloseTo(fees, 8);
    const [pos] = await ex.fetchPositions([BTC]);
    expect(pos).toMatchObject({ symbol: BTC, side: 'long', marginMode: 'cross', hedged: false, leverage: 10, maintenanceMarginPercentage: 0.004 });
    expect(pos?.contracts as number).toBeCloseTo(qty, 10);
    expect(pos?.entryPrice as number).toBeCloseTo(cost / qty, 6);
    const bal = await ex.fetchBalance();
    const acct = (bal['info'] as unknown as Record<string, string>[])[0] as Record<string, string>;
    // No realized PnL yet: the wallet is the start less the fees.
    expect(bal['USDT']?.total as number).toBeCloseTo(10000 - fees + (pos?.unrealizedPnl as number), 6);
    expect(Number(acct['accountEquity'])).toBeCloseTo(10000 - fees + Number(acct['unrealizedPL']), 8);
    const { bid } = await book();
    for (const k of [1, 2]) await ex.createOrder(BTC, 'limit', 'sell', 0.002, tick(bid + 300 * k), { postOnly: true });
    expect((await ex.fetchOpenOrders(BTC)).length).toBe(2);
    await ex.cancelAllOrders(BTC);
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
    expect(await ex.fetchTradingFee(BTC)).toMatchObject({ symbol: BTC, maker: 0.001, taker: 0.001 });
  });

  it('fetchFundingRate: the rate and the next settlement', async () => {
    const fr = await ex.fetchFundingRate(BTC);
    expect(fr).toMatchObject({ symbol: BTC, fundingRate: 0.0001, interval: '8h' });
    expect(fr.fundingTimestamp as number).toBe(Math.ceil((Date.now() + 1) / 28_800_000) * 28_800_000);
  });

  it('insufficient margin is InsufficientFunds (40762)', async () => {
    const { bid } = await book();
    // 4 BTC ≈ 247k notional at 10× needs ~24.7k of initial margin; the account holds ~10k.
    await expect(ex.createOrder(BTC, 'limit', 'buy', 4, tick(bid - 300), { postOnly: true })).rejects.toBeInstanceOf(ccxt.InsufficientFunds);
  });

  it('a bad signature or passphrase is AuthenticationError', async () => {
    await expect(bitgetSwapSimClient(sim.url, { apiKey: 'test-key', secret: 'wrong', password: 'test-pass' }).fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError); // 40009
    await expect(bitgetSwapSimClient(sim.url, { apiKey: 'test-key', secret: 'test-secret', password: 'wrong' }).fetchPositions()).rejects.toBeInstanceOf(ccxt.AuthenticationError); // 40012
  });

  it('faults on /api/v2/mix routes: 429 is DDoSProtection, a lost ack leaves the order findable by clientOid, phantom fills', async () => {
    const { bid } = await book();
    try {
      sim.faults.install({ faults: [{ type: 'rateLimit429', endpoints: ['GET /api/v2/mix/order/orders-pending'], requests: 1 }] });
      await expect(ex.fetchOpenOrders(BTC)).rejects.toBeInstanceOf(ccxt.DDoSProtection);
      sim.faults.install({ faults: [{ type: 'lostAck', count: 1 }] }); // default routes: place-order and cancel-order
      expect(sim.faults.spec.faults[0]?.endpoints).toEqual(['POST /api/v2/mix/order/place-order', 'POST /api/v2/mix/order/cancel-order']);
      await expect(ex.createOrder(BTC, 'limit', 'buy', 0.002, tick(bid - 400), { postOnly: true, clientOrderId: 'mix-lost' })).rejects.toBeInstanceOf(ccxt.NetworkError);
      expect(await ex.fetchOrder('', BTC, { clientOrderId: 'mix-lost' })).toMatchObject({ clientOrderId: 'mix-lost', status: 'open' });
      sim.faults.install({ faults: [{ type: 'phantomTrades', count: 1 }] });
      expect((await ex.fetchMyTrades(BTC)).filter((t) => Number(t.id) >= 900_000_000)).toHaveLength(1);
      expect(sim.faults.status().counters[0]?.routes).toEqual({ 'GET /api/v2/mix/order/fills': 1 });
    } finally {
      sim.faults.clear();
    }
    await ex.cancelAllOrders(BTC);
    expect(await ex.fetchOpenOrders(BTC)).toEqual([]);
  });
});

describe('venue-sim bitget usdt-m funding (2-s interval)', () => {
  let fx: Exchange;

  perpDialectHooks('bitget', bitgetSwapSimClient, (s) => (fx = s.ex), { data: [USDM_BTC], funding: { rate: '0.001', intervalS: 2 } });

  it('a long pays at a positive rate: the settlement is in fetchFundingHistory (negative) and in the balance', async () => {
    const { trades } = await take(fx, 0.01);
    const fees = trades.reduce((s, t) => s + (t.fee?.cost as number), 0);
    const [pos] = await fx.fetchPositions([BTC]);
    const qty = pos?.contracts as number;
    expect(qty).toBeGreaterThan(0);
    expect((await fx.fetchFundingRate(BTC)).fundingTimestamp as number % 2000).toBe(0);
    const deadline = Date.now() + 6000;
    let history = await fx.fetchFundingHistory(BTC);
    while (history.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      history = await fx.fetchFundingHistory(BTC);
    }
    const [first] = history;
    expect(first).toMatchObject({ symbol: BTC, code: 'USDT' });
    expect(first?.amount as number).toBeLessThan(0);
    expect(first?.amount as number).toBeCloseTo(-qty * (pos?.entryPrice as number) * 0.001, 1);
    expect(first?.id).toMatch(/^\d+$/);
    expect((first?.timestamp as number) % 2000).toBe(0);
    // The wallet (equity − unrealized): 10000 − fees + every funding entry; a settlement may fall between the reads.
    const [bal, [p2], all] = await Promise.all([fx.fetchBalance(), fx.fetchPositions([BTC]), fx.fetchFundingHistory(BTC)]);
    const wallet = (bal['USDT']?.total as number) - (p2?.unrealizedPnl as number);
    const funding = all.reduce((s, e) => s + (e.amount as number), 0);
    expect(Math.abs(wallet - (10000 - fees + funding))).toBeLessThan(qty * (pos?.entryPrice as number) * 0.001);
  }, 15_000);
});
