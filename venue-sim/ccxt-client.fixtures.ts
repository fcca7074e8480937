/** Test fixtures: plain ccxt clients (`binance`, `bitget` spot and swap, `binanceusdm`) with every API family pointed at the simulator. */
import ccxt, { type Exchange } from 'ccxt';

/** A plain ccxt `binance` client (spot only). */
export function simClient(base: string, creds: { apiKey: string; secret: string } = { apiKey: 'test-key', secret: 'test-secret' }): Exchange {
  const ex = new ccxt.binance({
    ...creds,
    enableRateLimit: false,
    // Only what a spot desk needs: no futures exchangeInfo, margin pairs or currency list at loadMarkets.
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false, fetchOpenOrders: { warnWithoutSymbol: false } },
  });
  const api = ex.urls['api'] as Record<string, string>;
  for (const k of Object.keys(api)) api[k] = (api[k] as string).replace(/^https?:\/\/[^/]+/, base);
  return ex;
}

/**
 * Test fixture: a plain ccxt `bitget` client (classic v2 API, spot) with every API family pointed
 * at the simulator. `uta: false` keeps ccxt off the unified-account v3 API (otherwise it asks
 * `/api/v3/account/settings` first); `fetchMarkets.types: ['spot']` keeps loadMarkets off futures.
 */
export function bitgetSimClient(base: string, creds: { apiKey: string; secret: string; password: string } = { apiKey: 'test-key', secret: 'test-secret', password: 'test-pass' }): Exchange {
  const ex = new ccxt.bitget({
    ...creds,
    enableRateLimit: false,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, uta: false },
  });
  const api = ex.urls['api'] as Record<string, string>;
  for (const k of Object.keys(api)) api[k] = (api[k] as string).replace(/^https?:\/\/[^/]+/, base);
  return ex;
}

/** Points every API family of `ex` at the simulator `base`. */
function pointAt(ex: Exchange, base: string): void {
  const api = ex.urls['api'] as Record<string, string>;
  for (const k of Object.keys(api)) api[k] = (api[k] as string).replace(/^https?:\/\/[^/]+/, base);
}

/**
 * A plain ccxt `binanceusdm` client (USDⓈ-M perpetuals) with every API family pointed at the
 * simulator. `fetchCurrencies: false` keeps loadMarkets to `GET /fapi/v1/exchangeInfo` (ccxt
 * otherwise asks the spot wallet's `/sapi/v1/capital/config/getall` once it has credentials).
 *
 * ccxt chooses binance's futures error table by the request URL's host (`https://fapi.binance.com/`,
 * `getExceptionsByUrl`); pointed at another host it consults only the common table, where `-2019`
 * (margin insufficient), `-4164` (notional too small) and `-4116` (duplicate client id) are not
 * mapped and `-5022` is a plain InvalidOrder. The client is given the futures table as the real
 * host would select it, so it raises what it raises against Binance.
 */
export function usdmSimClient(base: string, creds: { apiKey: string; secret: string } = { apiKey: 'test-key', secret: 'test-secret' }): Exchange {
  const ex = new ccxt.binanceusdm({
    ...creds,
    enableRateLimit: false,
    options: { fetchCurrencies: false, fetchMargins: false, fetchOpenOrders: { warnWithoutSymbol: false } },
  });
  pointAt(ex, base);
  const exceptions = ex.exceptions as { exact: Record<string, unknown>; linear?: { exact?: Record<string, unknown> } };
  ex.exceptions = { ...exceptions, exact: { ...exceptions.exact, ...(exceptions.linear?.exact ?? {}) } };
  return ex;
}

/**
 * A plain ccxt `bitget` client for USDT-M perpetuals (classic v2 `mix` API) with every API family
 * pointed at the simulator: the options the desk uses (adapters/venue/ccxt-venue.ts).
 * `defaultType: 'swap'` sends balance, position and open-order calls to the futures account;
 * `fetchMarkets.types: ['swap']` keeps loadMarkets to `/api/v2/mix/market/contracts` (ccxt asks
 * it once per product type: six requests) plus the coin list (`/api/v2/spot/public/coins`, which
 * ccxt's bitget always asks at loadMarkets and no option turns off); `uta: false` keeps ccxt off
 * the unified-account v3 API.
 */
export function bitgetSwapSimClient(base: string, creds: { apiKey: string; secret: string; password: string } = { apiKey: 'test-key', secret: 'test-secret', password: 'test-pass' }): Exchange {
  const ex = new ccxt.bitget({ ...creds, enableRateLimit: false, options: { defaultType: 'swap', fetchMarkets: { types: ['swap'] }, uta: false } });
  pointAt(ex, base);
  return ex;
}
