/**
 * Test fixtures of the ccxt adapter's tests: the simulator on the bundled BTCUSDT capture with a
 * raw ccxt client beside it, Binance's BTCUSDT rules, and unique client order ids.
 */
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import type { ClientOrderId } from '../../domain/ids.ts';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { silentLogger } from '../../otel/logger.ts';
import { simClient } from '../../venue-sim/ccxt-client.fixtures.ts';
import { type VenueSim, openVenueSim } from '../../venue-sim/open.ts';

export const BTC_RULES: InstrumentRules = { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: new Decimal('0.01'), lotStep: new Decimal('0.00001'), minAmount: new Decimal('0.00001'), minNotional: new Decimal('5') };

/** A simulator serving BTCUSDT (default account) and a raw ccxt client on it, markets loaded. */
export async function openBtcSim(): Promise<{ sim: VenueSim; raw: Exchange }> {
  const capture = join(resolve(import.meta.dirname, '..', '..'), 'data', 'binance-spot-20240808', 'btcusdt_20240808.gz');
  const sim = await openVenueSim({ venue: 'binance', market: 'spot', port: 0, data: [capture], logger: silentLogger() });
  const raw = simClient(sim.url);
  await raw.loadMarkets();
  return { sim, raw };
}

/** Client order ids unique across runs and tests: `<prefix><time>-<n>`. */
export function clientIds(prefix: string): () => ClientOrderId {
  let seq = 0;
  return () => `${prefix}${Date.now().toString(36)}-${++seq}` as ClientOrderId;
}
