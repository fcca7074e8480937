/**
 * The markets the venue simulator knows, with each venue's trading rules as the venue publishes
 * them (tick, lot, minimums). A capture's symbol must be one of these; the rules are what the
 * simulator's exchangeInfo serves and what its matching (the paper fill model) enforces.
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

/** The spec of `symbol` (any case), or an error naming the symbols known. */
export function binanceSpotMarket(symbol: string): SimMarketSpec {
  const m = BINANCE_SPOT_MARKETS.find((x) => x.id === symbol.toUpperCase());
  if (m === undefined) throw new RangeError(`venue-sim: no market rules for ${symbol}; known: ${BINANCE_SPOT_MARKETS.map((x) => x.id).join(', ')}`);
  return m;
}
