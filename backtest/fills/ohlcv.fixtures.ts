/** Builders for the OHLCV fill-model tests: rules on a 0.1 tick, bars one minute apart. */
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import type { Bar } from '../../domain/market/types.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import type { MarketEvent, OrderIntent } from '../types.ts';
import type { OhlcvFillOptions } from './ohlcv-model.ts';

export const d = (v: string | number): Decimal => new Decimal(v);

export const RULES: InstrumentRules = {
  symbol: 'TESTUSDT', base: 'TEST', quote: 'USDT',
  tickSize: d('0.1'), lotStep: d('0.001'), minAmount: d('0.002'), minNotional: d('1'),
};

export const MIN = 60_000;
/** 2024-01-01T00:00:00Z. */
export const T0 = Date.UTC(2024, 0, 1);

/**
 * Options whose ATR never warms up in a short test (period 100), so the half spread is
 * max(tick, 1·|close − open| of the first bar) throughout.
 */
export const OPTS: OhlcvFillOptions = { rules: RULES, makerFeePct: d('0.0002'), takerFeePct: d('0.001'), spreadAtrMult: d(1), atrPeriod: 100 };

/** Bar i (open time T0 + i min) as a `bar` event at its close; high/low default to the body. */
export function barEv(i: number, open: string, close: string, high?: string, low?: string): MarketEvent {
  const o = d(open);
  const c = d(close);
  const bar: Bar = { ts: T0 + i * MIN, open: o, close: c, high: d(high ?? Decimal.max(o, c).toString()), low: d(low ?? Decimal.min(o, c).toString()), volume: d(1) };
  return { kind: 'bar', ts: T0 + (i + 1) * MIN, bar, intervalMs: MIN };
}

/** Close time of bar i (when an intent made on it is submitted). */
export const closeOf = (i: number): number => T0 + (i + 1) * MIN;

export function placeI(id: string, side: 'buy' | 'sell', price: string, amount: string, postOnly = true): OrderIntent {
  return { type: 'place', id, side, price: d(price), amount: d(amount), postOnly };
}
