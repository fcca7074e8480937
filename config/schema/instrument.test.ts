import { describe, expect, it } from 'vitest';
import { instrumentSchema, toInstrumentRules } from './instrument.ts';

const BTC = { venue: 'binance', market: 'spot', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tick_size: '0.01', lot_step: '0.00001', min_amount: '0.00001', min_notional: 5 };
const paths = (input: unknown) => {
  const r = instrumentSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('instrument schema', () => {
  it('converts to InstrumentRules with Decimals', () => {
    const rules = toInstrumentRules(instrumentSchema.parse(BTC));
    expect(rules.symbol).toBe('BTCUSDT');
    expect(rules.tickSize.toString()).toBe('0.01');
    expect(rules.lotStep.toString()).toBe('0.00001');
    expect(rules.minNotional.toString()).toBe('5');
  });

  it('defaults market to spot and accepts ccxt-style symbols', () => {
    const { market: _m, ...noMarket } = BTC;
    expect(instrumentSchema.parse(noMarket).market).toBe('spot');
    expect(paths({ ...BTC, market: 'perp', symbol: 'BTC/USDT:USDT' })).toEqual([]);
  });

  it('requires every rule and reports each missing one', () => {
    expect(paths({ venue: 'binance', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT' })).toEqual([
      'tick_size: expected a decimal > 0, got nothing (the field is missing)',
      'lot_step: expected a decimal > 0, got nothing (the field is missing)',
      'min_amount: expected a decimal ≥ 0, got nothing (the field is missing)',
      'min_notional: expected a decimal ≥ 0, got nothing (the field is missing)',
    ]);
  });

  it('rejects a zero step, an unknown venue and a symbol that does not match base and quote', () => {
    expect(paths({ ...BTC, tick_size: '0' })).toEqual(['tick_size: expected a decimal > 0, got "0"']);
    expect(paths({ ...BTC, venue: 'kraken' })).toEqual(['venue: expected one of binance | bitget, got "kraken"']);
    expect(paths({ ...BTC, symbol: 'ETHUSDT' })).toEqual(['symbol: expected a symbol for BTC/USDT (such as "BTCUSDT"), got "ETHUSDT"']);
  });
});
