/**
 * A ccxt `binance` spot client with every API family pointed at `baseUrl` (the venue simulator,
 * or another Binance-compatible base such as https://api.binance.com or the testnet). Only what
 * a spot desk needs is loaded: no futures exchangeInfo, margin pairs or currency list.
 */
import ccxt, { type Exchange } from 'ccxt';

export interface VenueCredentials {
  readonly apiKey: string;
  readonly secret: string;
}

export function binanceSpotClient(baseUrl: string, creds: VenueCredentials): Exchange {
  const ex = new ccxt.binance({
    apiKey: creds.apiKey,
    secret: creds.secret,
    enableRateLimit: true,
    options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false, fetchOpenOrders: { warnWithoutSymbol: false } },
  });
  const base = baseUrl.replace(/\/+$/, '');
  const api = ex.urls['api'] as Record<string, string>;
  for (const k of Object.keys(api)) api[k] = (api[k] as string).replace(/^https?:\/\/[^/]+/, base);
  return ex;
}

/** True for a loopback URL (127.0.0.1, localhost, ::1): only there may test credentials be used. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || h === '::1';
  } catch {
    return false;
  }
}
