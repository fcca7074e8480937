/**
 * Real instrument rules used by tests, replays and benchmarks: Binance spot BTCUSDT as it
 * traded in the bundled capture (tick 0.01, lot 0.00001, min notional 5 USDT).
 */
import { Decimal } from '../money/decimal.ts';
import type { InstrumentRules } from './rules.ts';

export const BTCUSDT_SPOT: InstrumentRules = {
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: new Decimal('0.01'),
  lotStep: new Decimal('0.00001'),
  minAmount: new Decimal('0.00001'),
  minNotional: new Decimal('5'),
};
