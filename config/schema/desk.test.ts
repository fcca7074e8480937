import { describe, expect, it } from 'vitest';
import { validateConfig } from './validate.ts';

const inst = (symbol: string, base: string) => ({ venue: 'binance', symbol, base, quote: 'USDT', tick_size: '0.01', lot_step: '0.0001', min_amount: '0.0001', min_notional: '5' });
const bot = (id: string, symbol = 'BTCUSDT', base = 'BTC') => ({ id, instrument: inst(symbol, base) });
const violations = (v: unknown) => {
  const r = validateConfig(v);
  return r.ok ? [] : r.violations.map((x) => `${x.path}: ${x.message}`);
};

describe('desk and bot files', () => {
  it('a desk file converts every bot to domain form', () => {
    const r = validateConfig({ bots: [bot('btc'), { ...bot('eth', 'ETHUSDT', 'ETH'), strategy: { ema_period: 20 }, paper: { seed: 1 } }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.form).toBe('desk');
    expect(r.config.bots.map((b) => [b.id, b.venue, b.market, b.instrument.symbol, b.strategy.emaPeriod, b.paper.seed])).toEqual([
      ['btc', 'binance', 'spot', 'BTCUSDT', 50, 42],
      ['eth', 'binance', 'spot', 'ETHUSDT', 20, 1],
    ]);
  });

  it('a single-bot file is a desk of one, with paths without a bots prefix', () => {
    const r = validateConfig(bot('solo'));
    expect(r.ok && r.form === 'bot' && r.config.bots.length === 1).toBe(true);
    expect(violations({ ...bot('solo'), strategy: { band_lo: 1 } })).toEqual(['strategy.band_lo: expected a decimal ≥ 0 and < 1, got 1']);
  });

  it('the strategy market follows the instrument and must not contradict it', () => {
    const perp = { ...bot('p'), instrument: { ...inst('BTCUSDT', 'BTC'), market: 'perp' } };
    const r = validateConfig(perp);
    expect(r.ok && r.config.bots[0]?.strategy.market).toBe('perp');
    expect(violations({ ...perp, strategy: { market: 'spot' } })).toEqual(["strategy.market: expected perp (the instrument's market), got \"spot\""]);
  });

  it('bot ids are unique', () => {
    expect(violations({ bots: [bot('a'), bot('a')] })).toEqual(['bots[1].id: expected a unique bot id, got "a" (also bots[0].id)']);
  });

  it('needs at least one bot, and a mapping at the top', () => {
    expect(violations({ bots: [] })).toEqual(['bots: expected at least one bot, got an empty list']);
    expect(violations([1, 2])[0]).toMatch(/^: expected a desk file .* got a list$/);
    expect(violations(undefined)[0]).toMatch(/got an empty file$/);
  });

  it('in replay mode every bot needs a capture of its venue and symbol', () => {
    const md = { source: 'replay', captures: [{ venue: 'binance', symbol: 'BTCUSDT', files: ['btc.gz'] }] };
    expect(validateConfig({ bots: [bot('btc')], market_data: md }).ok).toBe(true);
    expect(violations({ bots: [bot('btc'), bot('eth', 'ETHUSDT', 'ETH')], market_data: md })).toEqual([
      'bots[1].instrument.symbol: expected a market_data capture for binance ETHUSDT (market_data.source is replay), got none',
    ]);
    expect(violations({ bots: [bot('btc')], market_data: { captures: [{ venue: 'binance', symbol: 'BTCUSDT', files: [] }] } })).toEqual([
      'market_data.captures[0].files: expected a non-empty list of capture file paths, got a list',
    ]);
  });

  it('reports every violation across bots at once, with a hint for typos', () => {
    const v = violations({
      bots: [
        { ...bot('a'), strategy: { ema_perod: 3 } },
        { ...bot('b'), paper: { partial_fill_min: 'x' }, strategy: { regimes: { up: { spread_min: '0.5' } } } },
      ],
      extra: true,
    });
    expect(v).toEqual([
      'bots[0].strategy.ema_perod: expected a known key (did you mean "ema_period"?), got unknown key "ema_perod"',
      'bots[1].strategy.regimes.up.spread_min: expected spread_min ≤ spread_max, got spread_min 0.5 and spread_max 0.006',
      'bots[1].paper.partial_fill_min: expected a decimal > 0 and ≤ 1, got "x"',
      'extra: expected a known key (allowed: bots, market_data, runtime, portfolio_limits, venue_fees), got unknown key "extra"',
    ]);
  });
});
