/**
 * The file form of an instrument's trading rules (venue grid and minimums) and its conversion
 * into the domain's `InstrumentRules`. Nothing here has a default: the rules are the venue's,
 * and a missing tick size or minimum must not silently become something else.
 */
import type { z } from 'zod';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { MARKETS } from './strategy.ts';
import { decimalField, enumField, isRecord, stringField, strictObject, WHEN_MAPPING } from './fields.ts';

/** Venues the desk has adapters for. */
export const VENUES = ['binance', 'bitget'] as const;
export type Venue = (typeof VENUES)[number];

const ASSET = /^[A-Z0-9]{1,20}$/;

/** The instrument section of a bot. */
export const instrumentSchema = strictObject(
  {
    venue: enumField(VENUES, { src: 'required', doc: 'Venue the instrument trades on.' }),
    market: enumField(MARKETS, { def: 'spot', src: 'desk', doc: 'Market kind: `spot` or `perp` (USDⓈ-M perpetual).' }),
    symbol: stringField(/^[A-Za-z0-9][A-Za-z0-9/:_-]{0,39}$/, 'a venue symbol such as "BTCUSDT" or "BTC/USDT:USDT"', {
      src: 'required',
      doc: 'Venue symbol; with separators removed it must start with base + quote.',
    }),
    base: stringField(ASSET, 'an upper-case asset code such as "BTC"', { src: 'required', doc: 'Base asset code.' }),
    quote: stringField(ASSET, 'an upper-case asset code such as "USDT"', { src: 'required', doc: 'Quote asset code.' }),
    tick_size: decimalField('(0,∞)', { src: 'required', doc: 'Price grid step in quote units; bids floor to it, asks ceil.' }),
    lot_step: decimalField('(0,∞)', { src: 'required', doc: 'Amount grid step in base units; amounts floor to it.' }),
    min_amount: decimalField('[0,∞)', { src: 'required', doc: 'Smallest order amount in base units; a smaller level is dropped, never rounded up.' }),
    min_notional: decimalField('[0,∞)', { src: 'required', doc: 'Smallest order notional (price × amount) in quote units; a smaller level is dropped.' }),
  },
  'an instrument section',
).superRefine((v, ctx) => {
  const { symbol, base, quote } = v as Record<string, unknown>;
  if (typeof symbol !== 'string' || typeof base !== 'string' || typeof quote !== 'string' || !isRecord(v)) return;
  const compact = symbol.replace(/[/:_-]/g, '').toUpperCase();
  if (!compact.startsWith(base + quote)) {
    ctx.addIssue({ code: 'custom', path: ['symbol'], input: symbol, message: `expected a symbol for ${base}/${quote} (such as "${base}${quote}"), got ${JSON.stringify(symbol)}` });
  }
}, WHEN_MAPPING);

/** A parsed instrument section. */
export type InstrumentFile = z.output<typeof instrumentSchema>;

/** Converts a parsed instrument section into the domain's `InstrumentRules` (venue and market are the bot's). */
export function toInstrumentRules(i: InstrumentFile): InstrumentRules {
  return { symbol: i.symbol, base: i.base, quote: i.quote, tickSize: i.tick_size, lotStep: i.lot_step, minAmount: i.min_amount, minNotional: i.min_notional };
}
