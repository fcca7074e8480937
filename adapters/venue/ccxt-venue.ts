/**
 * Opens a bot's venue through ccxt: the exchange class of the bot's venue (Binance or Bitget spot),
 * its API host replaced by `execution.url` when set (the venue simulator), credentials read
 * from the environment variables the config names (never from the config itself), markets
 * loaded. Options keep `loadMarkets` to the spot exchange info (no futures, margin or currency
 * calls a spot desk does not need).
 */
import ccxt, { type Exchange } from 'ccxt';
import type { BotConfig } from '../../config/schema/desk.ts';

export class VenueConfigError extends Error {
  override readonly name = 'VenueConfigError';
}

/** The ccxt market symbol (`BTC/USDT`) of a bot's instrument. */
export function unifiedSymbol(bot: BotConfig): string {
  return `${bot.instrument.base}/${bot.instrument.quote}`;
}

export async function openCcxtVenue(bot: BotConfig, env: NodeJS.ProcessEnv = process.env): Promise<Exchange> {
  const x = bot.execution;
  if (bot.market !== 'spot') throw new VenueConfigError(`bots[${bot.id}].instrument.market: ccxt execution supports spot so far, got ${bot.market}`);
  const apiKey = env[x.apiKeyEnv];
  const secret = env[x.apiSecretEnv];
  if (apiKey === undefined || apiKey === '') throw new VenueConfigError(`bots[${bot.id}].execution.api_key_env: environment variable ${x.apiKeyEnv} is not set`);
  if (secret === undefined || secret === '') throw new VenueConfigError(`bots[${bot.id}].execution.api_secret_env: environment variable ${x.apiSecretEnv} is not set`);
  let exchange: Exchange;
  if (bot.venue === 'bitget') {
    const password = env[x.apiPassphraseEnv];
    if (password === undefined || password === '') throw new VenueConfigError(`bots[${bot.id}].execution.api_passphrase_env: environment variable ${x.apiPassphraseEnv} is not set (Bitget needs a passphrase)`);
    // `uta: false` keeps ccxt on Bitget's classic v2 spot API (no unified-account switch).
    exchange = new ccxt.bitget({ apiKey, secret, password, enableRateLimit: false, options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, uta: false } });
  } else {
    exchange = new ccxt.binance({
      apiKey,
      secret,
      enableRateLimit: false, // the desk's shared token bucket paces the account
      options: { defaultType: 'spot', fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false, fetchOpenOrders: { warnWithoutSymbol: false } },
    });
  }
  if (x.url !== null) {
    const base = x.url.replace(/\/$/, '');
    const api = exchange.urls['api'] as Record<string, string>;
    for (const k of Object.keys(api)) api[k] = (api[k] as string).replace(/^https?:\/\/[^/]+/, base);
  }
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
