/**
 * `desk recon --once` in process (main() with a captured io) against venue simulators opened
 * here: Bitget spot (passphrase from the environment, the simulator's `test-pass` on loopback),
 * Binance USDⓈ-M with `--market perp` (wallet and signed position are the balances compared), and
 * the flag checks (`--venue`, `--market`, a perp `--symbol`) with exit 2 naming the flag.
 * The real binary is exercised in tests/e2e/recon.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trade } from 'ccxt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Decimal } from '../../../domain/money/decimal.ts';
import { silentLogger } from '../../../otel/logger.ts';
import { bitgetSimClient, usdmSimClient } from '../../../venue-sim/ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from '../../../venue-sim/open.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';
import { venueCredentials } from './recon.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SPOT_DATA = join(ROOT, 'data/binance-spot-20240808/btcusdt_20240808.gz');
const USDM_DATA = join(ROOT, 'data/binance-usdm-20240808/btcusdt_20240808.gz');
const PERP = 'BTC/USDT:USDT';

interface JsonReport {
  readonly bot: string;
  readonly symbol: string;
  readonly counts: { warning: number; critical: number; total: number };
  readonly findings: readonly { check: string; severity: string; subject: string }[];
}

let dir: string;
let bitget: VenueSim;
let usdm: VenueSim;

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s), cwd: dir };
  const code = await main(['node', 'desk', 'recon', '--once', ...args], io);
  return { code, out, err };
}

const ledgerFill = (t: Trade, clientOrderId: string) => ({ tradeId: String(t.id), clientOrderId, price: String(t.price), amount: String(t.amount), fee: String(t.fee?.cost ?? 0), feeAsset: t.fee?.currency ?? 'USDT', ts: t.timestamp ?? 0 });
const ledger = (name: string, content: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'desk-recon-unit-'));
  [bitget, usdm] = await Promise.all([
    openVenueSim({ venue: 'bitget', market: 'spot', port: 0, data: [SPOT_DATA], balances: { USDT: '10000' }, logger: silentLogger() }),
    openVenueSim({ venue: 'binance', market: 'perp', port: 0, data: [USDM_DATA], balances: { USDT: '10000' }, logger: silentLogger() }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([bitget?.close(), usdm?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('venueCredentials', () => {
  const none = { DESK_VENUE_API_KEY: '', DESK_VENUE_API_SECRET: '', DESK_VENUE_API_PASSPHRASE: '' };
  it('bitget: key, secret and passphrase from DESK_VENUE_*; on loopback DESK_SIM_PASSPHRASE, then test-pass; binance has no passphrase', () => {
    expect(venueCredentials('bitget', 'https://api.bitget.com', { DESK_VENUE_API_KEY: 'k', DESK_VENUE_API_SECRET: 's', DESK_VENUE_API_PASSPHRASE: 'p' })).toEqual({ apiKey: 'k', secret: 's', password: 'p' });
    expect(venueCredentials('bitget', 'http://127.0.0.1:1', { ...none, DESK_SIM_PASSPHRASE: 'sim-pass' })).toEqual({ apiKey: 'test-key', secret: 'test-secret', password: 'sim-pass' });
    expect(venueCredentials('bitget', 'http://localhost:1', none)).toEqual({ apiKey: 'test-key', secret: 'test-secret', password: 'test-pass' });
    expect(venueCredentials('binance', 'http://127.0.0.1:1', { ...none, DESK_SIM_PASSPHRASE: 'x' })).toEqual({ apiKey: 'test-key', secret: 'test-secret' });
  });

  it('a non-loopback URL without the full set names every variable it needs', () => {
    expect(() => venueCredentials('bitget', 'https://api.bitget.com', { DESK_VENUE_API_KEY: 'k', DESK_VENUE_API_SECRET: 's' })).toThrow(/DESK_VENUE_API_KEY, DESK_VENUE_API_SECRET and DESK_VENUE_API_PASSPHRASE/);
    expect(() => venueCredentials('binance', 'https://api.binance.com', none)).toThrow(/DESK_VENUE_API_KEY and DESK_VENUE_API_SECRET/);
  });
});

describe('desk recon --once --venue bitget', () => {
  it('spot: exit 0 when the ledger agrees (the simulator\'s test-pass); a wrong DESK_SIM_PASSPHRASE exits 1', async () => {
    const ex = bitgetSimClient(bitget.url);
    await ex.loadMarkets();
    const ob = await ex.fetchOrderBook('BTC/USDT');
    const price = Math.round(((ob.bids[0]?.[0] as number) - 800) * 100) / 100;
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, price, { postOnly: true, clientOrderId: 'bg-rest-1' });
    const file = ledger('bitget.json', { bot: 'btc-bitget', symbol: 'BTC/USDT', balances: { USDT: '10000', BTC: '0' }, openOrders: [{ clientOrderId: 'bg-rest-1', side: 'buy', price: String(price), amount: '0.001' }] });
    const args = ['--venue', 'bitget', '--url', bitget.url, '--symbol', 'BTC/USDT', '--ledger', file];
    const clean = await run(...args);
    expect(clean.code, clean.err).toBe(0);
    expect(clean.out).toMatch(/recon\s+btc-bitget BTC\/USDT \(runtime/);
    expect(clean.out).toMatch(/findings\s+0: 0 critical, 0 warning/);
    vi.stubEnv('DESK_SIM_PASSPHRASE', 'not-the-passphrase');
    const refused = await run(...args);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/venue http:\/\/127\.0\.0\.1:\d+: (credentials refused|failed)/);
  });
});

describe('desk recon --once --market perp (Binance USDⓈ-M)', () => {
  it('an open order the ledger lacks is an order.orphan: critical at --phase startup (exit 1), a warning at runtime (exit 0)', async () => {
    const ex = usdmSimClient(usdm.url);
    await ex.loadMarkets();
    const ob = await ex.fetchOrderBook(PERP);
    const price = Math.round(((ob.bids[0]?.[0] as number) - 800) * 10) / 10;
    await ex.createOrder(PERP, 'limit', 'buy', 0.002, price, { postOnly: true, clientOrderId: 'perp-rest-1' });
    // A perp ledger: the settlement asset is the wallet, the base the signed position.
    const file = ledger('perp-orphan.json', { bot: 'btc-perp', symbol: PERP, balances: { USDT: '10000', BTC: '0' } });
    const args = ['--venue', 'binance', '--market', 'perp', '--url', usdm.url, '--symbol', PERP, '--ledger', file, '--json'];
    const startup = await run(...args, '--phase', 'startup');
    expect(startup.code, startup.err).toBe(1);
    expect((JSON.parse(startup.out) as JsonReport).findings).toEqual([expect.objectContaining({ check: 'order.orphan', severity: 'critical', subject: 'perp-rest-1' })]);
    const runtime = await run(...args);
    expect(runtime.code, runtime.err).toBe(0);
    expect((JSON.parse(runtime.out) as JsonReport).findings).toEqual([expect.objectContaining({ check: 'order.orphan', severity: 'warning', subject: 'perp-rest-1' })]);
  });

  it('exit 0 when the ledger holds the short position, the wallet less fees, the open order and the fills; a wrong position is critical', async () => {
    const ex = usdmSimClient(usdm.url);
    await ex.loadMarkets();
    const ob = await ex.fetchOrderBook(PERP);
    const taker = await ex.createOrder(PERP, 'limit', 'sell', 0.003, Math.round(((ob.bids[0]?.[0] as number) - 50) * 10) / 10, { clientOrderId: 'perp-take-1' });
    if ((await ex.fetchOrder(String(taker.id), PERP)).status === 'open') await ex.cancelOrder(String(taker.id), PERP);
    const trades = (await ex.fetchMyTrades(PERP)).filter((t) => t.order === taker.id);
    expect(trades.length).toBeGreaterThan(0);
    const position = trades.reduce((p, t) => p.minus(String(t.amount)), new Decimal(0));
    const wallet = trades.reduce((w, t) => w.minus(String(t.fee?.cost ?? 0)), new Decimal(10000));
    const rest = (await ex.fetchOpenOrders(PERP)).find((o) => o.clientOrderId === 'perp-rest-1');
    expect(rest).toBeDefined();
    const book = {
      bot: 'btc-perp', symbol: PERP, balances: { USDT: wallet.toFixed(), BTC: position.toFixed() },
      openOrders: [{ clientOrderId: 'perp-rest-1', side: 'buy', price: String(rest?.price), amount: String(rest?.amount) }],
      fills: trades.map((t) => ledgerFill(t, 'perp-take-1')),
    };
    const args = ['--venue', 'binance', '--market', 'perp', '--url', usdm.url, '--symbol', PERP, '--phase', 'startup', '--json'];
    const clean = await run(...args, '--ledger', ledger('perp.json', book));
    expect(clean.code, clean.err).toBe(0);
    expect(JSON.parse(clean.out) as JsonReport).toMatchObject({ bot: 'btc-perp', symbol: PERP, counts: { total: 0 } });
    const report = JSON.parse(readFileSync(join(dir, 'reports', 'reconciliation', 'latest.json'), 'utf8')) as JsonReport;
    expect(report).toMatchObject({ symbol: PERP, counts: { total: 0 } });
    // The ledger believes the bot flat: the venue's short is a balance finding on the base.
    const flat = await run(...args, '--ledger', ledger('perp-flat.json', { ...book, balances: { ...book.balances, BTC: '0' } }));
    expect(flat.code).toBe(1);
    expect((JSON.parse(flat.out) as JsonReport).findings).toEqual([expect.objectContaining({ check: 'balance', severity: 'critical', subject: 'BTC' })]);
  });
});

describe('desk recon --once: bad --venue / --market / --symbol', () => {
  it.each([
    [['--venue', 'kraken', '--symbol', 'BTC/USDT'], /--venue: expected binance or bitget, got "kraken"/],
    [['--venue', 'binance', '--market', 'fut', '--symbol', 'BTC/USDT'], /--market: expected spot or perp, got "fut"/],
    [['--venue', 'binance', '--market', 'perp', '--symbol', 'BTC/USDT'], /--symbol: expected a unified symbol such as BTC\/USDT:USDT/],
    [['--venue', 'binance', '--symbol', PERP], /--symbol: expected a unified symbol such as BTC\/USDT with --market spot/],
    [['--venue', 'binance', '--market', 'perp', '--symbol', 'DOGE/USDT:USDT', 'PERP_URL'], /--symbol: DOGE\/USDT:USDT is not listed by binance perp at .* \(it lists BTC\/USDT:USDT/],
  ])('%j exits 2 naming the flag', async (args, message) => {
    const url = args.includes('PERP_URL') ? usdm.url : 'http://127.0.0.1:9';
    const r = await run(...args.filter((a) => a !== 'PERP_URL'), '--url', url);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(message);
  });
});
