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

/** A perpetual's margin parameters (one-way mode, cross margin, USDT settled). */
export interface PerpParams {
  /** The highest leverage the venue allows on the market (its first tier). */
  readonly maxLeverage: number;
  /** Maintenance margin rate of the first notional tier. */
  readonly mmr: Decimal;
}

export interface PerpMarketSpec extends SimMarketSpec {
  readonly perp: PerpParams;
}

const perpSpec = (base: SimMarketSpec, maxLeverage: number, mmr: string): PerpMarketSpec => ({ ...base, perp: { maxLeverage, mmr: new Decimal(mmr) } });

/**
 * Binance USDⓈ-M perpetuals, as `GET /fapi/v1/exchangeInfo` listed them in 2024: BTCUSDT
 * PRICE_FILTER tickSize 0.10, LOT_SIZE stepSize/minQty 0.001, MIN_NOTIONAL 100; ETHUSDT tick
 * 0.01, lot 0.001, MIN_NOTIONAL 20. First leverage bracket (`/fapi/v1/leverageBracket`): 125× and
 * maintenance margin rate 0.004 (BTCUSDT), 100× and 0.005 (ETHUSDT). ccxt 4.5.84 ships no static
 * copy of these to check against; they are from Binance's published tables.
 */
export const BINANCE_USDM_MARKETS: readonly PerpMarketSpec[] = [
  perpSpec(spec('BTCUSDT', 'BTC', 'USDT', '0.1', '0.001', '0.001', '100'), 125, '0.004'),
  perpSpec(spec('ETHUSDT', 'ETH', 'USDT', '0.01', '0.001', '0.001', '20'), 100, '0.005'),
];

/**
 * Bitget USDT-M perpetuals (productType USDT-FUTURES), as `GET /api/v2/mix/market/contracts`
 * lists them. ccxt (bitget.js `fetchDefaultMarkets`) reads tick = `priceEndStep` with at least
 * `pricePlace` decimals, lot = `sizeMultiplier` with at least `volumePlace` decimals, min amount
 * = `minTradeNum`, min cost = `minTradeUSDT`, max leverage = `maxLever`; the dialect serves these
 * fields from the rules below (bitget-mix-wire.ts `contractJson`).
 * - BTCUSDT: `pricePlace` 1, `priceEndStep` 1 (tick 0.1), `volumePlace` 3, `sizeMultiplier` =
 *   `minTradeNum` 0.001, `minTradeUSDT` 5, `maxLever` 125 — the BTCUSDT contract in the
 *   response sample ccxt 4.5.84 quotes in bitget.js (`fetchDefaultMarkets`), also Bitget's
 *   published values.
 * - ETHUSDT: `pricePlace` 2, `priceEndStep` 1 (tick 0.01), `volumePlace` 2, `sizeMultiplier` =
 *   `minTradeNum` 0.01, `minTradeUSDT` 5, `maxLever` 100 — Bitget's published contract values;
 *   ccxt ships no sample to check them against.
 * - Maintenance margin rate: Bitget's first-tier rates (`/api/v2/mix/market/query-position-lever`,
 *   `keepMarginRate`) could not be checked from here; 0.004 (BTCUSDT) and 0.005 (ETHUSDT),
 *   Binance's first-tier rates, are used in their place.
 */
export const BITGET_USDTM_MARKETS: readonly PerpMarketSpec[] = [
  perpSpec(spec('BTCUSDT', 'BTC', 'USDT', '0.1', '0.001', '0.001', '5'), 125, '0.004'),
  perpSpec(spec('ETHUSDT', 'ETH', 'USDT', '0.01', '0.01', '0.01', '5'), 100, '0.005'),
];

const PERP_MARKETS: Readonly<Record<SimVenue, readonly PerpMarketSpec[]>> = { binance: BINANCE_USDM_MARKETS, bitget: BITGET_USDTM_MARKETS };

/** The perpetual spec of `symbol` (any case) on `venue`, or an error naming the symbols known. */
export function perpMarket(venue: SimVenue, symbol: string): PerpMarketSpec {
  const known = PERP_MARKETS[venue];
  const m = known.find((x) => x.id === symbol.toUpperCase());
  if (m === undefined) throw new RangeError(`venue-sim: no ${venue} perpetual market rules for ${symbol}; known: ${known.map((x) => x.id).join(', ')}`);
  return m;
}
