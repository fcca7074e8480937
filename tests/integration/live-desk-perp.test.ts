/**
 * The live desk on a perpetual: a ccxt bot (`instrument.market: perp`) trading the venue
 * simulator's USDⓈ-M market through the real ccxt client. At start the venue's leverage is set to
 * the bot's and read back, the wallet and position checked; funding the venue settles is read
 * from its history and booked once each; reconciliation compares wallet and position; a position
 * the bot does not know refuses the start.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { afterEach, describe, expect, it } from 'vitest';
import { Desk } from '../../actors/desk.ts';
import { VenueConfigError } from '../../adapters/venue/ccxt-venue.ts';
import type { DeskConfig } from '../../config/schema/desk.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { silentLogger } from '../../otel/logger.ts';
import { events, liveDeskConfig, quickStrategy, tempVarDir, until } from './live.helpers.ts';
import { bitgetSwapSimClient, usdmSimClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from '../../venue-sim/open.ts';

const DATA = join(resolve(import.meta.dirname, '..', '..'), 'data', 'binance-usdm-20240808', 'btcusdt_20240808.gz');
const SYMBOL = 'BTC/USDT:USDT';
const ENV = { DESK_VENUE_API_KEY: 'test-key', DESK_VENUE_API_SECRET: 'test-secret', DESK_VENUE_API_PASSPHRASE: 'test-pass' };
type Venue = 'binance' | 'bitget';
/** Each venue's published grid for its BTCUSDT perpetual (venue-sim/markets.ts). */
const RULES: Record<Venue, string> = {
  binance: 'tick_size: "0.1", lot_step: "0.001", min_amount: "0.001", min_notional: "100"',
  bitget: 'tick_size: "0.1", lot_step: "0.001", min_amount: "0.001", min_notional: "5"',
};


const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startSim(fundingIntervalS: number, venue: Venue = 'binance'): Promise<{ sim: VenueSim; ex: Exchange }> {
  const sim = await openVenueSim({
    venue, market: 'perp', port: 0, data: [DATA], balances: { USDT: '10000' }, logger: silentLogger(),
    paper: { makerFeePct: new Decimal('0'), takerFeePct: new Decimal('0.0004') },
    funding: { rate: '0.0002', intervalS: fundingIntervalS },
  });
  cleanups.push(() => sim.close());
  const ex = venue === 'binance' ? usdmSimClient(sim.url) : bitgetSwapSimClient(sim.url);
  await ex.loadMarkets();
  return { sim, ex };
}

function configFor(url: string, o: { leverage?: string; startBase?: string; venue?: Venue } = {}): DeskConfig {
  const venue = o.venue ?? 'binance';
  return liveDeskConfig('live-desk-perp.yaml', 60, {
    id: 'btc-perp',
    instrument: `{ venue: ${venue}, market: perp, symbol: BTCUSDT, base: BTC, quote: USDT, ${RULES[venue]} }`,
    execution: `{ kind: ccxt, url: ${url}, poll_interval_ms: 250, rate_limit_per_s: 50, recon_interval_s: 1, funding_poll_s: 1 }`,
    strategy: quickStrategy({ totalAmountQuote: '2000', leverage: o.leverage ?? '3', priceToleranceTicks: 300, cheapQuotes: { targetBasePct: '0' } }),
    paper: `{ start_base: "${o.startBase ?? '0'}", start_quote: "2000" }`,
  });
}




describe('live desk on a perp (venue simulator: Binance USDⓈ-M, Bitget USDT-M)', () => {
  it.each(['binance', 'bitget'] as const)('%s: sets the leverage, quotes both sides from flat, books the venue funding once each by id, and reconciles wallet and position', async (venue) => {
    const { sim, ex } = await startSim(2, venue);
    const varDir = await tempVarDir('live-desk-perp-', cleanups);
    const desk = new Desk({ config: configFor(sim.url, { venue }), configName: 'live-desk-perp.yaml', speed: 1, durationS: 60, varDir, logger: silentLogger(), env: ENV });
    const done = desk.run();
    expect(await until(() => desk.runtimes[0] !== undefined, 10_000)).toBe(true);
    const bot = desk.runtimes[0];
    if (bot === undefined) throw new Error('no bot');
    expect(await until(() => bot.openOrderCount > 0, 30_000), 'the bot quotes').toBe(true);
    // Funding is charged on a position: wait for the bot's own fills, then a few settlements.
    expect(await until(async () => (await events(varDir)).some((e) => e.type === 'order.filled'), 40_000), 'a fill').toBe(true);
    expect(await until(async () => (await events(varDir)).filter((e) => e.type === 'funding.accrued').length >= 2, 15_000), 'two funding payments').toBe(true);
    const report = JSON.parse(await readFile(join(varDir, 'reports', 'reconciliation', 'latest.json'), 'utf8')) as { counts: { critical: number }; findings: unknown[] };
    desk.requestStop('SIGTERM');
    const summary = await done;
    expect(report.counts.critical, JSON.stringify(report.findings)).toBe(0);

    const evs = await events(varDir);
    expect(evs.find((e) => e.type === 'venue.leverage')?.payload).toMatchObject({ leverage: 3, venueReports: 3, maxLeverage: '5' });
    expect(evs.find((e) => e.type === 'recon.startup')?.payload).toMatchObject({ result: 'ok', position: '0', wallet: '10000' });
    expect((await ex.fetchLeverage(SYMBOL)).longLeverage).toBe(3);
    const sides = new Set(evs.filter((e) => e.type === 'order.created').map((e) => e.payload['side']));
    expect(sides).toEqual(new Set(['buy', 'sell']));
    // Funding: each venue payment booked once, with the venue's id; the total is what the venue charged.
    const funding = evs.filter((e) => e.type === 'funding.accrued');
    expect(new Set(funding.map((e) => e.payload['id'])).size).toBe(funding.length);
    const venueHistory = await ex.fetchFundingHistory(SYMBOL);
    const booked = new Set(funding.map((e) => String(e.payload['id'])));
    const charged = venueHistory.filter((h) => booked.has(String(h.id)));
    expect(charged.length).toBe(funding.length);
    const total = funding.reduce((a, e) => a.plus(String(e.payload['amount'])), new Decimal(0));
    expect(total.eq(charged.reduce((a, h) => a.minus(String(h.amount)), new Decimal(0)))).toBe(true);
    expect(new Decimal(summary.bots[0]?.funding ?? 'NaN').eq(total)).toBe(true);
    // The edge model saw the venue's rate.
    expect((await ex.fetchFundingRate(SYMBOL)).fundingRate).toBe(0.0002);
    // Stopped cleanly: nothing left open at the venue.
    expect(await ex.fetchOpenOrders(SYMBOL)).toEqual([]);
  }, 90_000);

  it('a position at the venue the bot does not know refuses the start (exit-2 error naming it), nothing written', async () => {
    const { sim, ex } = await startSim(28_800);
    const ob = await ex.fetchOrderBook(SYMBOL);
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.01, ob.asks[0]?.[0] as number); // marketable: takes at the ask (maybe partly)
    expect(await until(async () => (await ex.fetchPositions([SYMBOL])).some((p) => (p.contracts ?? 0) > 0), 5_000)).toBe(true);
    await ex.cancelAllOrders(SYMBOL);
    const held = String((await ex.fetchPositions([SYMBOL])).find((p) => (p.contracts ?? 0) > 0)?.contracts);
    const varDir = await tempVarDir('live-desk-perp-', cleanups);
    const desk = new Desk({ config: configFor(sim.url), configName: 'live-desk-perp.yaml', speed: 1, durationS: 5, varDir, logger: silentLogger(), env: ENV });
    const err = await desk.run().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(VenueConfigError);
    expect(String((err as Error).message), String((err as Error).message)).toMatch(new RegExp(`the venue holds a BTC/USDT:USDT position of ${held.replace('.', '\\.')} BTC \\(entry [\\d.]+\\), the bot's paper.start_base is 0`));
    expect(await events(varDir)).toEqual([]);
    // With start_base set to it, the same account starts.
    const ok = new Desk({ config: configFor(sim.url, { startBase: held }), configName: 'live-desk-perp.yaml', speed: 1, durationS: 2, varDir, logger: silentLogger(), env: ENV });
    await ok.run();
    expect((await events(varDir)).find((e) => e.type === 'recon.startup')?.payload).toMatchObject({ result: 'ok', position: held });
  }, 60_000);
});
