/** Test fixture: a plain ccxt `binance` client with every API family pointed at the simulator. */
import ccxt, { type Exchange } from 'ccxt';

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
