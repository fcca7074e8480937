/**
 * `desk up` with a ccxt bot trading live on `desk venue-sim`, both through the real CLI, as two
 * processes: the bot reads the simulator's book, places and cancels through the real ccxt
 * client, stops with nothing left open at the venue, and its event store verifies. Refusals:
 * credentials missing from the environment, an account holding less than the bot's holdings.
 */
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { ROOT, type Running, desk, readEvents, verify, venueSimChild } from './desk-up.helpers.ts';

const BTC = 'data/binance-spot-20240808/btcusdt_20240808.gz';
const CREDS = { DESK_VENUE_API_KEY: 'test-key', DESK_VENUE_API_SECRET: 'test-secret' };
const running: Running[] = [];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-up-venue-'));
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null) r.child.kill('SIGTERM');
    await r.exited;
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function startSim(balances: string): Promise<string> {
  const { sim, url } = await venueSimChild(['--maker-fee', '0', '--taker-fee', '0.0004', '--balances', balances, '--data', BTC]);
  running.push(sim);
  return url;
}

async function configFor(url: string, name: string): Promise<string> {
  const text = await readFile(join(ROOT, 'config/examples/desk.venue-sim.yaml'), 'utf8');
  if (!text.includes('http://127.0.0.1:18080')) throw new Error('desk.venue-sim.yaml changed: update the test');
  const file = join(tmp, name);
  // A 2-bar EMA and 1-bar ATR: the bot quotes within seconds wherever the simulator's replay is.
  await writeFile(file, text.replace('http://127.0.0.1:18080', url).replace(/^ {6}ema_period: 10$/m, '      ema_period: 2').replace(/^ {6}atr_period: 5$/m, '      atr_period: 1'));
  return file;
}

describe('desk up: a ccxt bot live on the venue simulator (two processes)', () => {
  it('quotes on the venue through ccxt, stops with nothing open there, and its store verifies', async () => {
    const url = await startSim('USDT=10000,BTC=0.1');
    const config = await configFor(url, 'live.yaml');
    const varDir = join(tmp, 'var-live');
    const r = desk(['up', '--config', config, '--duration', '30', '--var', varDir, '--json'], CREDS);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { endedBy: string; messages: number; bots: { ordersPlaced: number; ordersAcked: number; insideBookPlacements: number; openOrdersAtEnd: number; fills: number; finalState: string }[] };
    const bot = summary.bots[0];
    expect(summary.endedBy).toBe('duration');
    expect(summary.messages).toBeGreaterThan(50); // book reads from the venue
    expect(bot?.ordersPlaced).toBeGreaterThan(0);
    expect(bot?.ordersAcked).toBeGreaterThan(0);
    expect(bot?.insideBookPlacements).toBe(0);
    expect(bot?.openOrdersAtEnd).toBe(0);
    // The venue agrees: nothing left open, and every venue trade of the account is a fill in the store.
    const ex = simClient(url);
    await ex.loadMarkets();
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    const events = await readEvents(join(varDir, 'events'));
    const venueTrades = await ex.fetchMyTrades('BTC/USDT');
    const fills = events.filter((e) => e.type === 'order.filled');
    expect(fills).toHaveLength(venueTrades.length);
    expect(new Set(fills.map((e) => e.payload['tradeId'])).size).toBe(fills.length);
    expect(events.some((e) => e.type === 'order.acked')).toBe(true);
    expect(verify(join(varDir, 'events')).status).toBe(0);
  }, 90_000);

  it('refuses to start, writing nothing, when the credentials are not in the environment or the account holds less than the bot', async () => {
    const url = await startSim('USDT=10000');
    const config = await configFor(url, 'underfunded.yaml');
    const noCreds = desk(['up', '--config', config, '--duration', '5', '--var', join(tmp, 'var-nocreds')], { DESK_VENUE_API_KEY: '', DESK_VENUE_API_SECRET: '' });
    expect(noCreds.status).toBe(2);
    expect(noCreds.stderr).toMatch(/execution\.api_key_env: environment variable DESK_VENUE_API_KEY is not set/);
    const poor = desk(['up', '--config', config, '--duration', '5', '--var', join(tmp, 'var-poor')], CREDS);
    expect(poor.status).toBe(2);
    expect(poor.stderr).toMatch(/holds 0 BTC, less than the bot's paper\.start_base 0\.009/);
    expect(await readEvents(join(tmp, 'var-poor', 'events')).catch(() => [])).toEqual([]);
  }, 60_000);
});
