import { describe, expect, it } from 'vitest';
import { gridReject } from './grid.ts';
import { RULES, d } from './ohlcv.fixtures.ts';

describe('gridReject', () => {
  it.each([
    ['0', '1', 'price_not_positive'],
    ['100.05', '1', 'price_off_tickSize'],
    ['100', '0', 'amount_not_positive'],
    ['100', '0.0025', 'amount_off_lotStep'],
    ['100', '0.001', 'amount_below_minAmount'],
    ['0.1', '5', 'notional_below_minNotional'],
    ['100.1', '0.01', null],
  ])('price %s amount %s → %s', (price, amount, reason) => {
    expect(gridReject(RULES, d(price), d(amount))).toBe(reason);
  });
});
