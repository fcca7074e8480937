/**
 * Opens a bot's venue through ccxt: the exchange class of the bot's venue and market (Binance
 * spot `binance`, USDⓈ-M `binanceusdm`; Bitget spot or USDT-M swap `bitget`),
 * its API host replaced by `execution.url` when set (the venue simulator), credentials read
 * from the environment variables the config names (never from the config itself), markets
 * loaded. Options keep `loadMarkets` to the one market type the bot trades (no margin or
 * currency calls the desk does not need).
 *
 * `createCcxtExchange` is the one place a ccxt exchange is built for a (venue, market, url,
 * credentials); `openCcxtVenue` (the desk) and `desk recon` both use it.
 */
import ccxt, { type Exchange } from 'ccxt';
import type { BotConfig } from '../../config/schema/desk.ts';
import type { Venue } from '../../config/schema/instrument.ts';
import type { MarketKind } from '../../domain/strategy/epp/config.ts';

import { VenueConfigError, unifiedSymbol } from './venue-config.ts';

export { VenueConfigError, unifiedSymbol } from './venue-config.ts';

/** What a ccxt exchange is built from. Credentials are values here; where they come from is the caller's business. */
export interface CcxtExchangeSpec {
  readonly venue: Venue;
  readonly market: MarketKind;
  /** Replaces the host of every API family (the venue simulator, a testnet); null/absent: the venue's own hosts. */
  readonly url?: string | null;
  readonly apiKey: string;
  readonly secret: string;
  /** Bitget's API passphrase (required there); Binance has none and ignores it. */
  readonly password?: string;
  /**
   * ccxt's own request pacing. Default false: the desk paces each account with its shared token
   * bucket; a one-shot caller with no bucket of its own (`desk recon`) turns it on.
   */
  readonly enableRateLimit?: boolean;
}

/**
 * A ccxt exchange for a venue and market, markets not loaded yet: Binance spot `binance`, USDⓈ-M
 * `binanceusdm`, Bitget spot or USDT-M swap `bitget` (classic v2 API). With `url`, every API
 * family points at it, and a Binance perp is given ccxt's futures error table. Throws
 * VenueConfigError for Bitget without a passphrase.
 */
export function createCcxtExchange(spec: CcxtExchangeSpec): Exchange {
  const { venue, market, apiKey, secret } = spec;
  const enableRateLimit = spec.enableRateLimit ?? false;
  let exchange: Exchange;
  if (venue === 'bitget') {
    const password = spec.password;
    if (password === undefined || password === '') throw new VenueConfigError('bitget: an API passphrase is required');
    // `uta: false` keeps ccxt on Bitget's classic v2 API (no unified-account switch).
    const type = market === 'perp' ? 'swap' : 'spot';
    exchange = new ccxt.bitget({ apiKey, secret, password, enableRateLimit, options: { defaultType: type, fetchMarkets: { types: [type] }, uta: false } });
  } else if (market === 'perp') {
    exchange = new ccxt.binanceusdm({ apiKey, secret, enableRateLimit, options: { fetchMargins: false, fetchCurrencies: false, fetchOpenOrders: { warnWithoutSymbol: false } } });
  } else {
    exchange = new ccxt.binance({
      apiKey,
      secret,
      enableRateLimit,
      options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false, fetchOpenOrders: { warnWithoutSymbol: false } },
    });
  }
  if (spec.url !== undefined && spec.url !== null) {
    const base = spec.url.replace(/\/+$/, '');
    const api = exchange.urls['api'] as Record<string, string>;
    for (const k of Object.keys(api)) api[k] = (api[k] as string).replace(/^https?:\/\/[^/]+/, base);
    // ccxt picks Binance's futures error table by the request's host (fapi.binance.com); on
    // another host it would consult only the common table, and a margin shortfall (-2019) or a
    // post-only that would take (-5022) would arrive as a generic error. Give it the futures table.
    if (venue === 'binance' && market === 'perp') {
      const exceptions = exchange.exceptions as { exact: Record<string, unknown>; linear?: { exact?: Record<string, unknown> } };
      exchange.exceptions = { ...exceptions, exact: { ...exceptions.exact, ...(exceptions.linear?.exact ?? {}) } };
    }
  }
  return exchange;
}

export async function openCcxtVenue(bot: BotConfig, env: NodeJS.ProcessEnv = process.env): Promise<Exchange> {
  const x = bot.execution;
  const apiKey = env[x.apiKeyEnv];
  const secret = env[x.apiSecretEnv];
  if (apiKey === undefined || apiKey === '') throw new VenueConfigError(`bots[${bot.id}].execution.api_key_env: environment variable ${x.apiKeyEnv} is not set`);
  if (secret === undefined || secret === '') throw new VenueConfigError(`bots[${bot.id}].execution.api_secret_env: environment variable ${x.apiSecretEnv} is not set`);
  let password: string | undefined;
  if (bot.venue === 'bitget') {
    password = env[x.apiPassphraseEnv];
    if (password === undefined || password === '') throw new VenueConfigError(`bots[${bot.id}].execution.api_passphrase_env: environment variable ${x.apiPassphraseEnv} is not set (Bitget needs a passphrase)`);
  }
  const exchange = createCcxtExchange({ venue: bot.venue, market: bot.market, url: x.url, apiKey, secret, ...(password !== undefined ? { password } : {}) });
  try {
    await exchange.loadMarkets();
  } catch (e) {
    throw new VenueConfigError(`bots[${bot.id}]: cannot load the markets of ${bot.venue}${x.url !== null ? ` at ${x.url}` : ''}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const symbol = unifiedSymbol(bot);
  const market = exchange.markets?.[symbol];
  if (market === undefined || market.id !== bot.instrument.symbol) throw new VenueConfigError(`bots[${bot.id}].instrument.symbol: the venue has no market ${bot.instrument.symbol} (${symbol})`);
  return exchange;
}
