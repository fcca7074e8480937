/**
 * The live desk (`Desk.run` with `market_data.source: live`) in-process, its ccxt bot trading on
 * the venue simulator through the real ccxt client: the startup orphan scan (own orphans
 * cancelled or adopted, another owner's order left alone and reported), the fee source, and the
 * scheduled reconciliation — clean on a clean run, critical under injected phantom trades (the
 * bot soft-pauses with reason `reconciliation`), lifted once the fault is cleared.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Desk } from '../../actors/desk.ts';
import type { DeskConfig } from '../../config/schema/desk.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { silentLogger } from '../../otel/logger.ts';
import { BINANCE_BTCUSDT_SPOT, events, liveDeskConfig, quickStrategy, tempVarDir, until } from './live.helpers.ts';
import { simClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from '../../venue-sim/open.ts';

const DATA = join(resolve(import.meta.dirname, '..', '..'), 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');
const SYMBOL = 'BTC/USDT';
const ENV = { DESK_VENUE_API_KEY: 'test-key', DESK_VENUE_API_SECRET: 'test-secret' };


const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startSim(): Promise<{ sim: VenueSim; ex: Exchange }> {
  const sim = await openVenueSim({
    venue: 'binance', market: 'spot', port: 0, data: [DATA], balances: { USDT: '10000', BTC: '0.1' }, logger: silentLogger(),
    paper: { makerFeePct: new Decimal('0'), takerFeePct: new Decimal('0.0004') },
  });
  cleanups.push(() => sim.close());
  const ex = simClient(sim.url);
  await ex.loadMarkets();
  return { sim, ex };
}

/**
 * The example desk (config/examples/desk.venue-sim.yaml) with the simulator's URL and the given
 * execution extras; a 2-bar EMA and a 1-bar ATR so the bot quotes within seconds wherever the
 * simulator's replay happens to be.
 */
function configFor(url: string, execution: string): DeskConfig {
  return liveDeskConfig('live-desk.yaml', 60, {
    id: 'btc-sim',
    instrument: BINANCE_BTCUSDT_SPOT,
    execution: `{ kind: ccxt, url: ${url}, api_key_env: DESK_VENUE_API_KEY, api_secret_env: DESK_VENUE_API_SECRET, poll_interval_ms: 250, rate_limit_per_s: 50, ${execution} }`,
    strategy: quickStrategy({ totalAmountQuote: '1000', priceToleranceTicks: 3000 }),
    paper: '{ start_base: "0.009", start_quote: "500" }',
  });
}



/** Places a resting buy far below the market with the given client id; returns its venue id. */
async function restingBuy(ex: Exchange, clientOrderId: string): Promise<string> {
  const ob = await ex.fetchOrderBook(SYMBOL);
  const price = Math.round(((ob.bids[0]?.[0] as number) - 3000) * 100) / 100;
  const o = await ex.createOrder(SYMBOL, 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId });
  return String(o.id);
}

async function putFaults(url: string, spec: unknown): Promise<void> {
  const r = await fetch(`${url}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  expect(r.status, await r.text()).toBe(200);
}


describe('live desk on the venue simulator', () => {
  it('cancels its own orphans before quoting, leaves a foreign order alone, takes its fees from the venue, and reconciliation holds and lifts the bot', async () => {
    const { sim, ex } = await startSim();
    const orphanId = await restingBuy(ex, 'btc-sim-lx0old-7');
    const foreignId = await restingBuy(ex, 'manual-hedge-1');
    const varDir = await tempVarDir('live-desk-', cleanups);
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void logs.push(s) });
    const desk = new Desk({ config: configFor(sim.url, 'orphan_policy: cancel, recon_interval_s: 1'), configName: 'live-desk.yaml', speed: 1, durationS: 60, varDir, logger, env: ENV });
    const done = desk.run();
    const report = join(varDir, 'reports', 'reconciliation', 'latest.json');
    type Report = { ts: number; counts: { critical: number }; findings: { check: string; severity: string }[] };
    const readReport = async (): Promise<Report | null> => JSON.parse(await readFile(report, 'utf8').catch(() => 'null')) as Report | null;

    // Clean runs: before the bot quotes, and once its orders rest at the venue.
    expect(await until(async () => (await readReport()) !== null, 10_000)).toBe(true);
    const bot = desk.runtimes[0];
    if (bot === undefined) throw new Error('no bot');
    expect((await readReport())?.counts.critical).toBe(0);
    expect(await until(() => bot.openOrderCount > 0, 45_000)).toBe(true);
    const quotingAt = Date.now();
    expect(await until(async () => ((await readReport())?.ts ?? 0) > quotingAt + 500, 10_000)).toBe(true);
    expect((await readReport())?.counts.critical).toBe(0);
    expect(bot.holding('reconciliation')).toBe(false);

    // Phantom trades at the venue: the next run is critical and the bot soft-pauses for it.
    await putFaults(sim.url, { seed: 1, faults: [{ type: 'phantomTrades', endpoints: ['GET /api/v3/myTrades'], perAnswer: 1 }] });
    expect(await until(() => bot.view().reasons.includes('reconciliation'), 10_000)).toBe(true);
    const critical = await readReport();
    expect(critical?.findings).toContainEqual(expect.objectContaining({ check: 'fill.missing', severity: 'critical' }));

    // The fault cleared: the next clean run lifts the hold.
    await putFaults(sim.url, { seed: 1, faults: [] });
    expect(await until(() => !bot.holding('reconciliation') && !bot.view().reasons.includes('reconciliation'), 10_000)).toBe(true);
    expect((await readReport())?.counts.critical).toBe(0);
    desk.requestStop('SIGTERM');
    await done;

    const evs = await events(varDir);
    const orphans = evs.filter((e) => e.type === 'venue.orphan').map((e) => [e.payload['clientOrderId'], e.payload['orderId'], e.payload['action']]);
    expect(orphans).toEqual(expect.arrayContaining([['btc-sim-lx0old-7', orphanId, 'cancelled'], ['manual-hedge-1', foreignId, 'ignored_foreign']]));
    expect(orphans).toHaveLength(2);
    expect(evs.find((e) => e.type === 'venue.orphan')?.payload).toMatchObject({ side: 'buy', amount: '0.001' });
    expect(evs.find((e) => e.type === 'venue.fees')?.payload).toMatchObject({ source: 'venue', maker: '0', taker: '0.0004' });
    expect(evs.find((e) => e.type === 'recon.startup')?.payload).toMatchObject({ result: 'ok', compared: [{ asset: 'BTC', venue: '0.1', need: '0.009' }, { asset: 'USDT', venue: '10000', need: '500' }] });
    expect(evs.some((e) => e.type === 'recon.finding' && e.payload['check'] === 'fill.missing' && e.payload['severity'] === 'critical')).toBe(true);
    const transitions = evs.filter((e) => e.type === 'ops_guard.transition').map((e) => e.payload['reasons'] as string[]);
    expect(transitions.some((r) => r.includes('reconciliation'))).toBe(true);
    expect(logs.some((l) => l.includes("someone else on the bot's account"))).toBe(true);
    // At the venue: the orphan is gone, the foreign order still rests.
    expect((await ex.fetchOrder(orphanId, SYMBOL)).status).toBe('canceled');
    expect((await ex.fetchOpenOrders(SYMBOL)).map((o) => o.clientOrderId)).toEqual(['manual-hedge-1']);
  }, 60_000);

  it('with orphan_policy adopt keeps its orphan open and tracked, and cancels it at stop', async () => {
    const { sim, ex } = await startSim();
    const orphanId = await restingBuy(ex, 'btc-sim-lx0old-3');
    const varDir = await tempVarDir('live-desk-', cleanups);
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void logs.push(s) });
    const desk = new Desk({ config: configFor(sim.url, 'orphan_policy: adopt, recon_interval_s: 1'), configName: 'live-desk.yaml', speed: 1, durationS: 60, varDir, logger, env: ENV });
    const done = desk.run();
    const report = join(varDir, 'reports', 'reconciliation', 'latest.json');
    expect(await until(() => readFile(report, 'utf8').then(() => true, () => false), 10_000)).toBe(true);
    // Adopted, not cancelled: still open at the venue; reconciliation knows it (a warning, not critical).
    expect((await ex.fetchOrder(orphanId, SYMBOL)).status).toBe('open');
    const r = JSON.parse(await readFile(report, 'utf8')) as { counts: { critical: number }; findings: { check: string; subject: string; severity: string; threshold: string }[] };
    expect(r.counts.critical).toBe(0);
    expect(r.findings).toContainEqual(expect.objectContaining({ check: 'order.orphan', subject: 'btc-sim-lx0old-3', severity: 'warning', threshold: 'adopted' }));
    desk.requestStop('SIGTERM');
    await done;
    expect((await ex.fetchOrder(orphanId, SYMBOL)).status).toBe('canceled');
    const evs = await events(varDir);
    expect(evs.filter((e) => e.type === 'venue.orphan').map((e) => [e.payload['clientOrderId'], e.payload['action']])).toEqual([['btc-sim-lx0old-3', 'adopted']]);
  }, 60_000);
});
