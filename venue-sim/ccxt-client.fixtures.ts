/** Test fixtures: plain ccxt clients (`binance`, `bitget`) with every API family pointed at the simulator. */
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
