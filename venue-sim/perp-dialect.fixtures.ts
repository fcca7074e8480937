/**
 * Test fixture of the perpetual dialects' tests (binance-usdm.test.ts, bitget-mix.test.ts): a
 * venue's perp simulator with a real ccxt client on it for the tests of a file or describe block,
 * the symbols and BTCUSDT's price grid.
 */
import { join, resolve } from 'node:path';
import type { Exchange } from 'ccxt';
import { afterAll, beforeAll } from 'vitest';
import { silentLogger } from '../otel/logger.ts';
import type { FundingOptions } from './funding.ts';
import { type VenueSim, openVenueSim } from './open.ts';

const USDM = join(resolve(import.meta.dirname, '..'), 'data', 'binance-usdm-20240808');
/** The BTCUSDT USDⓈ-M capture. */
export const USDM_BTC = join(USDM, 'btcusdt_20240808.gz');
const USDM_ETH = join(USDM, 'ethusdt_20240808.gz');
export const BTC = 'BTC/USDT:USDT';
export const ETH = 'ETH/USDT:USDT';

/** `x` on the 0.1 grid (BTCUSDT's tick on both venues). */
export const tick = (x: number): number => Math.round(x * 10) / 10;

/**
 * Registers the hooks of a perp dialect test file (or describe block): before its tests, opens
 * `venue`'s perp simulator replaying `data` (default: the BTCUSDT and ETHUSDT USDⓈ-M captures),
 * with `funding` if given, puts `client` on its URL, loads the markets and hands the pair to
 * `opened`; after them, closes the simulator.
 */
export function perpDialectHooks(
  venue: 'binance' | 'bitget',
  client: (url: string) => Exchange,
  opened: (s: { sim: VenueSim; ex: Exchange }) => void,
  o: { readonly data?: readonly string[]; readonly funding?: FundingOptions } = {},
): void {
  let sim: VenueSim | undefined;
  beforeAll(async () => {
    sim = await openVenueSim({ venue, market: 'perp', port: 0, data: o.data ?? [USDM_BTC, USDM_ETH], ...(o.funding !== undefined ? { funding: o.funding } : {}), logger: silentLogger() });
    const ex = client(sim.url);
    await ex.loadMarkets();
    opened({ sim, ex });
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  });
}

/** The best bid and ask of `symbol` as `ex` reads them. */
export async function bestBidAsk(ex: Exchange, symbol = BTC): Promise<{ bid: number; ask: number }> {
  const ob = await ex.fetchOrderBook(symbol, 5);
  return { bid: ob.bids[0]?.[0] as number, ask: ob.asks[0]?.[0] as number };
}
