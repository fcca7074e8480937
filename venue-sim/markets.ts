/**
 * The markets the venue simulator knows, with each venue's trading rules as the venue publishes
 * them (tick, lot, minimums). A capture's symbol must be one of these; the rules are what the
 * simulator's market list serves and what its matching (the paper fill model) enforces.
 */
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import { Decimal } from '../domain/money/decimal.ts';

export interface SimMarketSpec {
  /** The venue's market id (`BTCUSDT`); ccxt names it `BASE/QUOTE`. */
  readonly id: string;
  readonly rules: InstrumentRules;
}

const spec = (id: string, base: string, quote: string, tick: string, lot: string, minAmount: string, minNotional: string): SimMarketSpec => ({
  id,
  rules: { symbol: id, base, quote, tickSize: new Decimal(tick), lotStep: new Decimal(lot), minAmount: new Decimal(minAmount), minNotional: new Decimal(minNotional) },
});

/** Binance spot, as its exchangeInfo lists them (PRICE_FILTER, LOT_SIZE, NOTIONAL) in 2024. */
export const BINANCE_SPOT_MARKETS: readonly SimMarketSpec[] = [
  spec('BTCUSDT', 'BTC', 'USDT', '0.01', '0.00001', '0.00001', '5'),
  spec('ETHUSDT', 'ETH', 'USDT', '0.01', '0.0001', '0.0001', '5'),
];

/**
 * Bitget spot, as `GET /api/v2/spot/public/symbols` lists them: `pricePrecision` 2 (tick 0.01),
 * `quantityPrecision` 6 for BTCUSDT / 4 for ETHUSDT (lot 0.000001 BTC / 0.0001 ETH),
 * `minTradeAmount` 0 (so the smallest amount is one lot) and `minTradeUSDT` 1. ccxt reads the
 * precisions as digits (tick = 10^-pricePrecision), so Bitget's ticks and lots are powers of ten.
 */
export const BITGET_SPOT_MARKETS: readonly SimMarketSpec[] = [
  spec('BTCUSDT', 'BTC', 'USDT', '0.01', '0.000001', '0.000001', '1'),
  spec('ETHUSDT', 'ETH', 'USDT', '0.01', '0.0001', '0.0001', '1'),
];

export type SimVenue = 'binance' | 'bitget';

const SPOT_MARKETS: Readonly<Record<SimVenue, readonly SimMarketSpec[]>> = { binance: BINANCE_SPOT_MARKETS, bitget: BITGET_SPOT_MARKETS };

/** The spot spec of `symbol` (any case) on `venue`, or an error naming the symbols known. */
export function spotMarket(venue: SimVenue, symbol: string): SimMarketSpec {
  const known = SPOT_MARKETS[venue];
  const m = known.find((x) => x.id === symbol.toUpperCase());
  if (m === undefined) throw new RangeError(`venue-sim: no ${venue} market rules for ${symbol}; known: ${known.map((x) => x.id).join(', ')}`);
  return m;
}

/** The Binance spot spec of `symbol` (any case), or an error naming the symbols known. */
export function binanceSpotMarket(symbol: string): SimMarketSpec {
  return spotMarket('binance', symbol);
}

/** The Bitget spot spec of `symbol` (any case), or an error naming the symbols known. */
export function bitgetSpotMarket(symbol: string): SimMarketSpec {
  return spotMarket('bitget', symbol);
}
