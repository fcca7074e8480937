/** Builders for the portfolio tests. */
import { Decimal } from '../../domain/money/decimal.ts';
import type { BacktestFill } from '../types.ts';

export const d = (v: string | number): Decimal => new Decimal(v);

export function fill(orderId: string, ts: number, side: 'buy' | 'sell', price: string, amount: string, fee: string, mid: string): BacktestFill {
  return { orderId, ts, side, price: d(price), amount: d(amount), fee: d(fee), liquidity: 'maker', mid: d(mid) };
}
