/**
 * A live perp bot's leverage at startup (strategy-epp §8: leverage above `max_leverage` refuses
 * to start). The config already refuses `leverage > max_leverage`; here the venue is made to
 * agree: its leverage for the symbol is set to the bot's (`setLeverage`, whole numbers: venues
 * take no fractions) and read back (`fetchLeverage`; a venue that cannot say refuses the start). A venue that reports another leverage — above
 * `max_leverage` above all, e.g. set by hand on the exchange's site — refuses the start, naming
 * both numbers. The outcome is audited (`venue.leverage`).
 */
import type { Exchange } from 'ccxt';
import { VenueConfigError } from '../adapters/venue/venue-config.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { EventLog } from './event-log.ts';

export async function applyVenueLeverage(
  bot: BotConfig,
  exchange: Pick<Exchange, 'setLeverage' | 'fetchLeverage'>,
  symbol: string,
): Promise<{ readonly leverage: number; readonly venue: number | null }> {
  const want = bot.strategy.leverage;
  const max = bot.strategy.maxLeverage;
  if (!want.isInteger()) throw new VenueConfigError(`bots[${bot.id}].strategy.leverage: venues take a whole-number leverage, got ${want.toFixed()}`);
  try {
    await exchange.setLeverage(want.toNumber(), symbol);
  } catch (e) {
    throw new VenueConfigError(`bots[${bot.id}].strategy.leverage: the venue refused leverage ${want.toFixed()} on ${symbol}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let venue: Decimal | null;
  try {
    const l = await exchange.fetchLeverage(symbol);
    // One-way mode: one leverage; a venue that answers per side must agree on both.
    const sides = [l.longLeverage, l.shortLeverage].filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).map((x) => new Decimal(String(x)));
    venue = sides.reduce<Decimal | null>((a, x) => (a === null || x.gt(a) ? x : a), null);
  } catch (e) {
    throw new VenueConfigError(`bots[${bot.id}]: cannot read back the venue's leverage on ${symbol}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (venue === null) throw new VenueConfigError(`bots[${bot.id}]: the venue did not report its leverage on ${symbol} after setting ${want.toFixed()}: refusing to start`);
  if (venue.gt(max)) {
    throw new VenueConfigError(`bots[${bot.id}]: the venue reports leverage ${venue.toFixed()} on ${symbol}, above strategy.max_leverage ${max.toFixed()}: refusing to start`);
  }
  if (!venue.eq(want)) {
    throw new VenueConfigError(`bots[${bot.id}]: the venue reports leverage ${venue.toFixed()} on ${symbol} after setting ${want.toFixed()} (strategy.leverage): refusing to start`);
  }
  return { leverage: want.toNumber(), venue: venue.toNumber() };
}

/** Audits the applied leverage as `venue.leverage`. */
export function auditLeverage(log: EventLog, botId: string, clock: Clock, applied: { readonly leverage: number; readonly venue: number | null }, maxLeverage: string): void {
  log.append(`venue.${botId}`, { type: 'venue.leverage', ts: clock.now(), botId, payload: { leverage: applied.leverage, venueReports: applied.venue, maxLeverage } });
}
