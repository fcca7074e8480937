/**
 * Reconciliation against the real venue simulator through a real ccxt client: orders and a
 * taking order are placed through ccxt, the local side is built from what was placed and heard,
 * then (a) it all agrees; (b) a dropped local fill is a critical `fill.missing`; (c) an invented
 * local fill a critical `fill.phantom`; (d) an order placed at the venue behind the bot's back an orphan.
 */
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WallClock } from '../../adapters/clock/wall-clock.ts';
import { ccxtVenueReads } from '../../adapters/recon/index.ts';
import { createEventLog } from '../../actors/event-log.ts';
import { type LocalBook, Reconciliation } from '../../actors/reconciliation.ts';
import { Decimal, ZERO } from '../../domain/money/decimal.ts';
import type { ReconFill, ReconOrder } from '../../domain/recon/index.ts';
import { silentLogger } from '../../otel/logger.ts';
import { simClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from '../../venue-sim/open.ts';

const DATA = join(resolve(import.meta.dirname, '..', '..'), 'data', 'binance-spot-20240808');
const SYMBOL = 'BTC/USDT';
const num = (x: number | undefined): Decimal => new Decimal(String(x ?? 0));

let sim: VenueSim;
let ex: Exchange;
/** The local side as the bot would hold it after its own orders. */
let localOrders: ReconOrder[];
let localFills: ReconFill[];
let localBalances: Record<string, Decimal>;

beforeAll(async () => {
  sim = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [join(DATA, 'btcusdt_20240808.gz')], balances: { USDT: '10000' }, logger: silentLogger() });
  ex = simClient(sim.url);
  await ex.loadMarkets();
  const ob = await ex.fetchOrderBook(SYMBOL);
  const bid = ob.bids[0]?.[0] as number;
  const ask = ob.asks[0]?.[0] as number;
  const restPrice = Math.round((bid - 800) * 100) / 100;
  await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, restPrice, { postOnly: true, clientOrderId: 'desk-rest-1' });
  const taker = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, Math.round((ask + 50) * 100) / 100, { clientOrderId: 'desk-take-1' });
  const after = await ex.fetchOrder(String(taker.id), SYMBOL);
  if (after.status === 'open') await ex.cancelOrder(String(taker.id), SYMBOL);
  // The fills the bot heard (the adapter turns exactly these trades into order.fill updates).
  const trades = (await ex.fetchMyTrades(SYMBOL)).filter((t) => t.order === taker.id);
  expect(trades.length).toBeGreaterThan(0);
  localFills = trades.map((t) => ({ tradeId: String(t.id), clientOrderId: 'desk-take-1', price: num(t.price), amount: num(t.amount), fee: num(t.fee?.cost), feeAsset: t.fee?.currency ?? 'USDT', ts: t.timestamp ?? 0 }));
  let btc = ZERO;
  let usdt = new Decimal(10000);
  for (const f of localFills) {
    btc = btc.plus(f.amount);
    usdt = usdt.minus(f.amount.times(f.price));
    if (f.feeAsset === 'BTC') btc = btc.minus(f.fee);
    else if (f.feeAsset === 'USDT') usdt = usdt.minus(f.fee);
  }
  localBalances = { BTC: btc, USDT: usdt };
  localOrders = [{ clientOrderId: 'desk-rest-1', side: 'buy', price: new Decimal(String(restPrice)), amount: new Decimal('0.001'), filled: ZERO }];
}, 60_000);

afterAll(async () => {
  await sim?.close();
});

function recon(local: Partial<{ orders: ReconOrder[]; fills: ReconFill[] }> = {}): Reconciliation {
  const book: LocalBook = { expectedBalances: () => localBalances, knownOpenOrders: () => local.orders ?? localOrders, fills: () => local.fills ?? localFills };
  return new Reconciliation({ botId: 'btc-sim', symbol: SYMBOL, venue: ccxtVenueReads(ex, SYMBOL), local: book, log: createEventLog({ append: () => undefined }), clock: new WallClock(), firstPhase: 'runtime', assets: ['BTC', 'USDT'] });
}

describe('reconciliation ↔ venue simulator through ccxt', () => {
  it('(a) the local side built from what was placed agrees with the venue: no findings', async () => {
    const r = await recon().runOnce();
    expect(r.findings).toEqual([]);
  });

  it('(b) dropping one local fill ⇒ one critical fill.missing for its trade id', async () => {
    const dropped = localFills[0] as ReconFill;
    const r = await recon({ fills: localFills.slice(1) }).runOnce();
    expect(r.findings.filter((f) => f.check.startsWith('fill.'))).toEqual([expect.objectContaining({ check: 'fill.missing', severity: 'critical', subject: dropped.tradeId })]);
  });

  it('(c) an invented local fill ⇒ a critical fill.phantom', async () => {
    const fake: ReconFill = { tradeId: '999999', clientOrderId: 'desk-take-1', price: new Decimal('60000'), amount: new Decimal('0.001'), fee: new Decimal('0.06'), feeAsset: 'USDT', ts: Date.now() };
    const r = await recon({ fills: [...localFills, fake] }).runOnce();
    expect(r.findings).toEqual([expect.objectContaining({ check: 'fill.phantom', severity: 'critical', subject: '999999' })]);
  });

  it('(d) an order placed at the venue behind the bot\'s back is an orphan', async () => {
    const ob = await ex.fetchOrderBook(SYMBOL);
    const o = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, Math.round(((ob.bids[0]?.[0] as number) - 900) * 100) / 100, { postOnly: true, clientOrderId: 'manual-1' });
    try {
      const r = await recon().runOnce();
      expect(r.findings).toEqual([expect.objectContaining({ check: 'order.orphan', severity: 'warning', subject: 'manual-1' })]);
    } finally {
      await ex.cancelOrder(String(o.id), SYMBOL);
    }
  });
});
