/**
 * The live desk with a Bitget bot: the venue opened through ccxt's `bitget` class (key, secret
 * and passphrase from the environment the config names), its book read from the simulator
 * speaking Bitget's REST dialect, orders placed and cancelled through the real ccxt client; at
 * the end nothing is left open at the venue. Without the passphrase the desk refuses to start.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Desk } from '../../actors/desk.ts';
import { VenueConfigError } from '../../adapters/venue/ccxt-venue.ts';
import { parseConfigText } from '../../config/load.ts';
import type { DeskConfig } from '../../config/schema/desk.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { silentLogger } from '../../otel/logger.ts';
import { bitgetSimClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { openVenueSim } from '../../venue-sim/open.ts';

const DATA = join(resolve(import.meta.dirname, '..', '..'), 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');
const ENV = { DESK_VENUE_API_KEY: 'test-key', DESK_VENUE_API_SECRET: 'test-secret', DESK_VENUE_API_PASSPHRASE: 'test-pass' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One Bitget bot (Bitget's BTCUSDT grid: tick 0.01, lot 0.000001, 1 USDT minimum) warming up in seconds. */
function configFor(url: string): DeskConfig {
  const r = parseConfigText(
    `
market_data: { source: live, book_poll_ms: 250 }
runtime: { tick_interval_ms: 1000, snapshot_interval_s: 60 }
bots:
  - id: btc-bitget
    instrument: { venue: bitget, market: spot, symbol: BTCUSDT, base: BTC, quote: USDT, tick_size: "0.01", lot_step: "0.000001", min_amount: "0.000001", min_notional: "1" }
    execution: { kind: ccxt, url: ${url}, poll_interval_ms: 250, rate_limit_per_s: 50, recon_interval_s: 0 }
    strategy: { variant: paper_only, total_amount_quote: "1000", bar_interval_s: 1, drift_window_s: 1, ema_period: 2, atr_period: 1, maker_fee_pct: "0", taker_fee_pct: "0.0004", price_tolerance_ticks: 3000 }
    paper: { start_base: "0.009", start_quote: "500" }
`,
    'live-bitget.yaml',
    'yaml',
  );
  if (!r.ok) throw new Error(`config: ${JSON.stringify(r.violations)}`);
  return r.config;
}

describe('live desk: a Bitget bot on the simulator through ccxt bitget', () => {
  it('quotes on the venue, stops with nothing open there; refuses to start without the passphrase', async () => {
    const sim = await openVenueSim({ venue: 'bitget', market: 'spot', port: 0, data: [DATA], balances: { USDT: '10000', BTC: '0.1' }, paper: { makerFeePct: new Decimal('0') }, logger: silentLogger() });
    cleanups.push(() => sim.close());
    const varDir = await mkdtemp(join(tmpdir(), 'live-bitget-'));
    cleanups.push(() => rm(varDir, { recursive: true, force: true }));

    const { DESK_VENUE_API_PASSPHRASE: _omit, ...noPassphrase } = ENV;
    const refused = new Desk({ config: configFor(sim.url), configName: 'live-bitget.yaml', speed: 1, durationS: 5, varDir: join(varDir, 'refused'), logger: silentLogger(), env: noPassphrase });
    await expect(refused.run()).rejects.toThrow(VenueConfigError);
    await expect(refused.run()).rejects.toThrow(/execution\.api_passphrase_env: environment variable DESK_VENUE_API_PASSPHRASE is not set/);

    const desk = new Desk({ config: configFor(sim.url), configName: 'live-bitget.yaml', speed: 1, durationS: 20, varDir, logger: silentLogger(), env: ENV });
    const summary = await desk.run();
    const bot = summary.bots[0];
    expect(summary.endedBy).toBe('duration');
    expect(summary.messages).toBeGreaterThan(20);
    expect(bot?.ordersPlaced).toBeGreaterThan(0);
    expect(bot?.ordersAcked).toBeGreaterThan(0);
    expect(bot?.openOrdersAtEnd).toBe(0);
    expect(bot?.insideBookPlacements).toBe(0);
    const ex = bitgetSimClient(sim.url);
    await ex.loadMarkets();
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
  }, 60_000);
});
