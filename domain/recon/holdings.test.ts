import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { checkHoldings } from './holdings.ts';

const d = (x: string): Decimal => new Decimal(x);

describe('checkHoldings (the bot holdings are a lower bound of the account)', () => {
  it('more than the bot needs (a shared account) is no finding and no shortfall', () => {
    const r = checkHoldings({ BTC: d('0.1'), USDT: d('10000'), ETH: d('3') }, { BTC: d('0.009'), USDT: d('500') });
    expect(r.short).toEqual([]);
    expect(r.findings).toEqual([]);
    expect(r.compared.map((c) => [c.asset, c.venue.toFixed(), c.need.toFixed()])).toEqual([['BTC', '0.1', '0.009'], ['USDT', '10000', '500']]);
  });

  it('any shortfall is listed; the thresholds grade it (here > 5 %: critical)', () => {
    const r = checkHoldings({ USDT: d('10000') }, { BTC: d('0.009'), USDT: d('500') });
    expect(r.short.map((s) => [s.asset, s.venue.toFixed()])).toEqual([['BTC', '0']]);
    expect(r.findings).toEqual([expect.objectContaining({ check: 'balance', subject: 'BTC', severity: 'critical' })]);
  });

  it('a shortfall below the warning threshold is still a shortfall (the desk refuses on it)', () => {
    const r = checkHoldings({ BTC: d('0.00899'), USDT: d('500') }, { BTC: d('0.009'), USDT: d('500') });
    expect(r.short.map((s) => s.asset)).toEqual(['BTC']);
    expect(r.findings).toEqual([]);
  });
});
