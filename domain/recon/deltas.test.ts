import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { balanceChanges, type BookedFill, fillDeltas } from './deltas.ts';

const d = (x: string): Decimal => new Decimal(x);
const fill = (side: 'buy' | 'sell', price: string, amount: string, fee: string, feeAsset: string): BookedFill => ({ tradeId: '1', clientOrderId: 'b-x-1', side, price: d(price), amount: d(amount), fee: d(fee), feeAsset, ts: 0 });

describe('fillDeltas', () => {
  it('a buy adds base and spends quote; a sell the reverse; fees leave the asset they are paid in', () => {
    const r = fillDeltas([fill('buy', '60000', '0.01', '0.00001', 'BTC'), fill('sell', '61000', '0.005', '0.1', 'USDT'), fill('sell', '61000', '0.001', '1', 'BNB')], 'BTC', 'USDT');
    expect(r['BTC']?.toFixed()).toBe('0.00399');
    expect(r['USDT']?.toFixed()).toBe('-234.1');
  });

  it('no fills ⇒ no change', () => {
    expect(Object.values(fillDeltas([], 'BTC', 'USDT')).map((x) => x.toFixed())).toEqual(['0', '0']);
  });
});

describe('balanceChanges', () => {
  it('now − start per asset, a missing side counting as 0', () => {
    const r = balanceChanges({ BTC: d('0.11'), ETH: d('1') }, { BTC: d('0.1'), USDT: d('5') }, ['BTC', 'USDT']);
    expect([r['BTC']?.toFixed(), r['USDT']?.toFixed(), r['ETH']]).toEqual(['0.01', '-5', undefined]);
  });
});
