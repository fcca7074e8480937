/**
 * A live ccxt bot killed with SIGKILL mid-run leaves its orders resting at the venue; the next
 * `desk up` on the same store cancels those orphans before it quotes (audited `venue.orphan`),
 * restores the bot's day counters (same UTC day: a restart never resets a loss limit), ends with
 * nothing open at the venue, continues the store (it verifies), and books no venue trade twice.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { ROOT, type Running, desk, deskChild, readEvents, verify, waitFor , venueSimChild } from './desk-up.helpers.ts';

const BTC = 'data/binance-spot-20240808/btcusdt_20240808.gz';
const CREDS = { DESK_VENUE_API_KEY: 'test-key', DESK_VENUE_API_SECRET: 'test-secret' };
const running: Running[] = [];
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-up-venue-restart-'));
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('desk up (live, ccxt) killed with SIGKILL and restarted', () => {
  it('the restart cancels the orphans, leaves nothing open, continues the store, counts no fill twice', async () => {
    const { sim, url } = await venueSimChild(['--maker-fee', '0', '--taker-fee', '0.0004', '--balances', 'USDT=10000,BTC=0.1', '--data', BTC]);
    running.push(sim);
    // The example bot, warming up in a few seconds (2-bar EMA, 1-bar ATR on 1 s bars).
    const example = await readFile(join(ROOT, 'config/examples/desk.venue-sim.yaml'), 'utf8');
    const config = join(tmp, 'live.yaml');
    await writeFile(config, example.replace('http://127.0.0.1:18080', url).replace(/^ {6}ema_period: 10$/m, '      ema_period: 2').replace(/^ {6}atr_period: 5$/m, '      atr_period: 1').replace(/^ {2}snapshot_interval_s: 60$/m, '  snapshot_interval_s: 2'));
    const varDir = join(tmp, 'var');
    const ex = simClient(url);
    await ex.loadMarkets();

    const first = deskChild(['up', '--config', config, '--duration', '120', '--var', varDir], CREDS);
    running.push(first);
    let resting: string[] = [];
    const quoting = await waitFor(async () => {
      resting = (await ex.fetchOpenOrders('BTC/USDT')).map((o) => String(o.clientOrderId));
      return resting.length > 0 || first.child.exitCode !== null;
    }, 45_000);
    expect(quoting && resting.length > 0, first.out.stderr).toBe(true);
    // …and has saved its day counters (at its snapshots, every 2 s here).
    const dailyFile = join(varDir, 'state', 'daily-btc-sim.json');
    expect(await waitFor(async () => (await readFile(dailyFile, 'utf8').catch(() => '')) !== '', 15_000)).toBe(true);
    const saved = JSON.parse(await readFile(dailyFile, 'utf8')) as { state: { dayStartMs: number; equityOpen: string } };
    first.child.kill('SIGKILL');
    await first.exited;
    // The orders outlive the process: orphans at the venue.
    const orphans = (await ex.fetchOpenOrders('BTC/USDT')).map((o) => String(o.clientOrderId));
    expect(orphans.length).toBeGreaterThan(0);
    expect(orphans.every((id) => id.startsWith('btc-sim-'))).toBe(true);

    const second = desk(['up', '--config', config, '--duration', '6', '--var', varDir, '--json'], CREDS);
    expect(second.status, second.stderr).toBe(0);
    const events = await readEvents(join(varDir, 'events'));
    const restored = events.filter((e) => e.type === 'day.restored');
    expect(restored).toHaveLength(1);
    expect(restored[0]?.payload).toMatchObject({ dayStartMs: saved.state.dayStartMs, equityOpen: saved.state.equityOpen });
    expect(saved.state.dayStartMs).toBe(Math.floor(Date.now() / 86_400_000) * 86_400_000);
    const orphanEvents = events.filter((e) => e.type === 'venue.orphan');
    for (const id of orphans) expect(orphanEvents.find((e) => e.payload['clientOrderId'] === id)?.payload['action']).toBe('cancelled');
    // Nothing open at the venue, every venue trade booked once, the store continues and verifies.
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    const fills = events.filter((e) => e.type === 'order.filled');
    const trades = await ex.fetchMyTrades('BTC/USDT');
    expect(new Set(fills.map((e) => e.payload['tradeId'])).size).toBe(fills.length);
    // A fill that landed between the kill and the restart was never seen by a running bot: the
    // restart's reconciliation reports it; none is booked twice.
    expect(fills.length).toBeLessThanOrEqual(trades.length);
    expect(events.filter((e) => e.type === 'desk.started')).toHaveLength(2);
    expect(verify(join(varDir, 'events')).status).toBe(0);
  }, 120_000);
});
