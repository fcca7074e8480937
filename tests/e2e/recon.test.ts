/**
 * `desk recon --once` through the real CLI against `desk venue-sim`: exit 0 when the ledger
 * agrees with the venue, 1 on a critical finding (a venue trade the ledger lacks), 2 on bad
 * input naming the flag or ledger field; the report file is written each time. Then a perp account
 * (`--market perp`) on a Binance USDⓈ-M simulator opened in this process (the CLI runs as an async
 * child so it can answer); the Bitget and perp cases in full are in supervisor/cli/commands/recon.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../otel/logger.ts';
import { simClient, usdmSimClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from '../../venue-sim/open.ts';
import { type Running, ROOT, desk, deskChild, exitWithin, venueSimChild } from './desk-up.helpers.ts';

const BTC = 'data/binance-spot-20240808/btcusdt_20240808.gz';
let sim: Running;
let url: string;
let ex: Exchange;
let dir: string;

const report = (): { version: string; bot: string; symbol: string; counts: Record<string, number>; findings: { check: string; severity: string; subject: string }[] } =>
  JSON.parse(readFileSync(join(dir, 'reports', 'reconciliation', 'latest.json'), 'utf8'));
const recon = (args: string[], env: NodeJS.ProcessEnv = {}) => desk(['recon', '--once', '--venue', 'binance', '--url', url, '--symbol', 'BTC/USDT', '--out', dir, ...args], env);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'desk-recon-'));
  ({ sim, url } = await venueSimChild(['--data', BTC]));
  ex = simClient(url);
  await ex.loadMarkets();
}, 60_000);

afterAll(async () => {
  if (sim !== undefined && sim.child.exitCode === null) {
    sim.child.kill('SIGTERM');
    await exitWithin(sim, 15_000);
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('desk recon --once (CLI)', () => {
  it('exit 0 when the ledger agrees with the venue; writes the report', async () => {
    const ob = await ex.fetchOrderBook('BTC/USDT');
    const price = Math.round(((ob.bids[0]?.[0] as number) - 800) * 100) / 100;
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId: 'e2e-rest-1' });
    const ledger = join(dir, 'ledger.json');
    writeFileSync(ledger, JSON.stringify({ bot: 'btc-e2e', symbol: 'BTC/USDT', balances: { USDT: '10000', BTC: '0' }, openOrders: [{ clientOrderId: 'e2e-rest-1', side: 'buy', price: String(price), amount: '0.001', filled: '0' }], fills: [] }));
    const r = recon(['--ledger', ledger]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/findings\s+0: 0 critical, 0 warning/);
    expect(report()).toMatchObject({ version: 'recon-thresholds/v1', bot: 'btc-e2e', symbol: 'BTC/USDT', counts: { warning: 0, critical: 0, total: 0 }, findings: [] });
  });

  it('exit 1 with no ledger after a taking trade: every venue trade is missing (critical), the resting order an orphan; --json', async () => {
    const ob = await ex.fetchOrderBook('BTC/USDT');
    const o = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, Math.round(((ob.asks[0]?.[0] as number) + 50) * 100) / 100, { clientOrderId: 'e2e-take-1' });
    // A taking order fills in pieces as the replayed book moves: wait until it is done.
    const deadline = Date.now() + 20_000;
    while ((await ex.fetchOrder(String(o.id), 'BTC/USDT')).status === 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await ex.fetchOrder(String(o.id), 'BTC/USDT')).status).toBe('closed');
    const trades = (await ex.fetchMyTrades('BTC/USDT')).filter((t) => t.order === o.id);
    expect(trades.length).toBeGreaterThan(0);
    const r = recon(['--json', '--bot', 'btc-e2e']);
    expect(r.status, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { counts: { critical: number }; findings: { check: string; severity: string; subject: string }[] };
    expect(out.counts.critical).toBe(trades.length);
    expect(out.findings.filter((f) => f.check === 'fill.missing').map((f) => f.subject).sort()).toEqual(trades.map((t) => String(t.id)).sort());
    expect(out.findings).toContainEqual(expect.objectContaining({ check: 'order.orphan', severity: 'warning', subject: 'e2e-rest-1' }));
    expect(report().counts['critical']).toBe(trades.length);
  });

  it.each([
    [['--ledger', 'BAD_LEDGER'], /fills\.0\.price: expected a decimal string/],
    [['--ledger', 'no/such/ledger.json'], /--ledger .*no\/such\/ledger\.json: cannot read/],
    [['--symbol', 'btcusdt'], /--symbol: expected a unified symbol/],
    [['--symbol', 'DOGE/USDT'], /--symbol: DOGE\/USDT is not listed/],
    [['--phase', 'later'], /--phase: expected startup or runtime/],
  ])('bad input %j exits 2 naming it', (args, message) => {
    const bad = join(dir, 'bad-ledger.json');
    writeFileSync(bad, JSON.stringify({ fills: [{ tradeId: '1', price: 'abc', amount: '1', fee: '0', feeAsset: 'USDT', ts: 0 }] }));
    const r = recon(args.map((a) => (a === 'BAD_LEDGER' ? bad : a)));
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('exit 2 without --once, and for a non-loopback URL without DESK_VENUE_API_KEY/SECRET (no test-key fallback)', () => {
    const noOnce = desk(['recon', '--venue', 'binance', '--url', url, '--symbol', 'BTC/USDT', '--out', dir]);
    expect(noOnce.status).toBe(2);
    expect(noOnce.stderr).toMatch(/--once: required/);
    const remote = desk(['recon', '--once', '--venue', 'binance', '--url', 'https://api.example.invalid', '--symbol', 'BTC/USDT', '--out', dir], { DESK_VENUE_API_KEY: '', DESK_VENUE_API_SECRET: '' });
    expect(remote.status).toBe(2);
    expect(remote.stderr).toMatch(/DESK_VENUE_API_KEY and DESK_VENUE_API_SECRET/);
  });

  it('credentials the venue refuses exit 1', () => {
    const r = recon([], { DESK_VENUE_API_KEY: 'wrong', DESK_VENUE_API_SECRET: 'wrong' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credentials refused|venue/);
  });
});

describe('desk recon --once --market perp (CLI)', () => {
  let usdm: VenueSim;
  const PERP = 'BTC/USDT:USDT';

  beforeAll(async () => {
    usdm = await openVenueSim({ venue: 'binance', market: 'perp', port: 0, data: [resolve(ROOT, 'data/binance-usdm-20240808/btcusdt_20240808.gz')], balances: { USDT: '10000' }, logger: silentLogger() });
  }, 60_000);

  afterAll(async () => {
    await usdm?.close();
  });

  it('an open order the perp ledger lacks is a critical order.orphan at --phase startup: exit 1', async () => {
    const ex = usdmSimClient(usdm.url);
    await ex.loadMarkets();
    const ob = await ex.fetchOrderBook(PERP);
    const price = Math.round(((ob.bids[0]?.[0] as number) - 800) * 10) / 10;
    await ex.createOrder(PERP, 'limit', 'buy', 0.002, price, { postOnly: true, clientOrderId: 'e2e-perp-rest-1' });
    const ledger = join(dir, 'perp-ledger.json');
    // A perp ledger: the settlement asset is the wallet, the base the signed position.
    writeFileSync(ledger, JSON.stringify({ bot: 'btc-perp', symbol: PERP, balances: { USDT: '10000', BTC: '0' } }));
    const child = await exitWithin(deskChild(['recon', '--once', '--venue', 'binance', '--market', 'perp', '--url', usdm.url, '--symbol', PERP, '--ledger', ledger, '--phase', 'startup', '--out', dir]), 30_000);
    expect(child.code, child.stderr).toBe(1);
    expect(child.stdout).toMatch(/CRITICAL order\.orphan/);
    expect(report()).toMatchObject({ bot: 'btc-perp', symbol: PERP, counts: { critical: 1, total: 1 }, findings: [{ check: 'order.orphan', severity: 'critical', subject: 'e2e-perp-rest-1' }] });
  });
});
