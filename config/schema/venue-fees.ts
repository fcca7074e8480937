/**
 * The desk's own fee table (`venue_fees:` in a desk file): the project's maker and taker rates per
 * venue and market. A live bot falls back to it when the venue does not report its rates (or
 * skips the venue, `execution.fee_source: project`); the strategy's `maker_fee_pct` /
 * `taker_fee_pct` are the last fallback (actors/venue-fees.ts).
 *
 * Strict objects rather than a free-form record, so an unknown venue or market is an error that
 * names its path, and the config reference lists every entry.
 */
import type { z } from 'zod';
import type { Decimal } from '../../domain/money/decimal.ts';
import type { MarketKind } from '../../domain/strategy/epp/config.ts';
import { decimalField, strictObject } from './fields.ts';
import { type Venue, VENUES } from './instrument.ts';
import { MARKETS } from './strategy.ts';

/** One venue-and-market's rates, as fractions of notional. */
const ratesSchema = strictObject(
  {
    // The same bounds as the strategy's fee fields: a rate outside them is a typo (a percent written as a fraction).
    maker_fee_pct: decimalField('(-0.01,0.01)', { src: 'required', doc: 'Maker fee as a fraction of notional (negative for a rebate).' }),
    taker_fee_pct: decimalField('[0,0.01)', { src: 'required', doc: 'Taker fee as a fraction of notional.' }),
  },
  'fee rates (maker_fee_pct and taker_fee_pct)',
);

const VENUE_NAMES: Readonly<Record<Venue, string>> = { binance: 'Binance', bitget: 'Bitget' };

function venueTable(venue: Venue) {
  const name = VENUE_NAMES[venue];
  return strictObject(
    {
      spot: ratesSchema.optional().describe(`The project's rates on ${name} spot. Optional.`),
      perp: ratesSchema.optional().describe(`The project's rates on ${name} perpetuals. Optional.`),
    } satisfies Record<MarketKind, unknown>,
    `a venue_fees.${venue} table (spot, perp)`,
  );
}

/** `venue_fees:` — the project's rates, by venue then market; every entry is optional. */
export const venueFeesSchema = strictObject(
  {
    binance: venueTable('binance').optional().describe(`The project's ${VENUE_NAMES.binance} rates by market. Optional.`),
    bitget: venueTable('bitget').optional().describe(`The project's ${VENUE_NAMES.bitget} rates by market. Optional.`),
  } satisfies Record<Venue, unknown>,
  'a venue_fees table (venue, then market)',
);

/** A parsed `venue_fees` section. */
export type VenueFeesFile = z.output<typeof venueFeesSchema>;

/** Maker and taker rates as fractions of notional. */
export interface FeeRates {
  readonly maker: Decimal;
  readonly taker: Decimal;
}

/** The project fee table in domain form: rates by venue, then market. */
export type VenueFeeTable = { readonly [V in Venue]?: { readonly [M in MarketKind]?: FeeRates } };

export function toVenueFeeTable(f: VenueFeesFile): VenueFeeTable {
  const out: { [V in Venue]?: { [M in MarketKind]?: FeeRates } } = {};
  for (const venue of VENUES) {
    const t = f[venue];
    if (t === undefined) continue;
    const markets: { [M in MarketKind]?: FeeRates } = {};
    for (const market of MARKETS) {
      const r = t[market];
      if (r !== undefined) markets[market] = { maker: r.maker_fee_pct, taker: r.taker_fee_pct };
    }
    out[venue] = markets;
  }
  return out;
}
