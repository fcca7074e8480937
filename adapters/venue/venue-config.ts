/**
 * The ccxt-free part of opening a venue: its configuration error and the unified symbol of a
 * bot's instrument. Kept apart from `ccxt-venue.ts` so a paper run, which needs these names but
 * never a venue, does not load ccxt (~0.75 s).
 */
import type { BotConfig } from '../../config/schema/desk.ts';

export class VenueConfigError extends Error {
  override readonly name = 'VenueConfigError';
}

/** The ccxt market symbol of a bot's instrument: `BTC/USDT` on spot, `BTC/USDT:USDT` on a USDT-settled perp. */
export function unifiedSymbol(bot: Pick<BotConfig, 'instrument' | 'market'>): string {
  const { base, quote } = bot.instrument;
  return bot.market === 'perp' ? `${base}/${quote}:${quote}` : `${base}/${quote}`;
}
