/**
 * The desk's `venue_fees` table and a bot's `execution.fee_source`: parsing into domain form, and
 * every violation named by its path.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from './validate.ts';

const inst = { venue: 'binance', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tick_size: '0.01', lot_step: '0.0001', min_amount: '0.0001', min_notional: '5' };
const desk = (extra: Record<string, unknown>, execution: Record<string, unknown> = {}) => ({ bots: [{ id: 'btc', instrument: inst, execution }], ...extra });
const violations = (v: unknown) => {
  const r = validateConfig(v);
  return r.ok ? [] : r.violations.map((x) => `${x.path}: ${x.message}`);
};

describe('venue_fees: the project fee table', () => {
  it('is optional; given, it converts to rates by venue and market', () => {
    const none = validateConfig(desk({}));
    expect(none.ok && none.config.venueFees).toBe(undefined);
    const r = validateConfig(desk({ venue_fees: { binance: { spot: { maker_fee_pct: '0.0001', taker_fee_pct: 0.0004 }, perp: { maker_fee_pct: '-0.00005', taker_fee_pct: '0.0002' } }, bitget: {} } }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = r.config.venueFees;
    expect([t?.binance?.spot?.maker.toFixed(), t?.binance?.spot?.taker.toFixed(), t?.binance?.perp?.maker.toFixed(), t?.binance?.perp?.taker.toFixed()]).toEqual(['0.0001', '0.0004', '-0.00005', '0.0002']);
    expect(t?.bitget).toEqual({});
  });

  it('a bad rate names its path and the bounds', () => {
    expect(violations(desk({ venue_fees: { binance: { spot: { maker_fee_pct: '0.1', taker_fee_pct: '-0.001' } } } }))).toEqual([
      'venue_fees.binance.spot.maker_fee_pct: expected a decimal > -0.01 and < 0.01, got "0.1"',
      'venue_fees.binance.spot.taker_fee_pct: expected a decimal ≥ 0 and < 0.01, got "-0.001"',
    ]);
    expect(violations(desk({ venue_fees: { bitget: { spot: { maker_fee_pct: '0.001' } } } }))).toEqual(['venue_fees.bitget.spot.taker_fee_pct: expected a decimal ≥ 0 and < 0.01, got nothing (the field is missing)']);
  });

  it('an unknown venue, market or key is refused, naming its path', () => {
    expect(violations(desk({ venue_fees: { kraken: { spot: { maker_fee_pct: '0', taker_fee_pct: '0' } } } }))).toEqual([
      'venue_fees.kraken: expected a known key (allowed: binance, bitget), got unknown key "kraken"',
    ]);
    expect(violations(desk({ venue_fees: { binance: { futures: {} } } }))).toEqual(['venue_fees.binance.futures: expected a known key (allowed: spot, perp), got unknown key "futures"']);
    expect(violations(desk({ venue_fees: { bitget: { spot: { maker_fee_pct: '0', taker_fee_pct: '0', maker_fee: '0' } } } }))).toEqual([
      'venue_fees.bitget.spot.maker_fee: expected a known key (did you mean "maker_fee_pct"?), got unknown key "maker_fee"',
    ]);
    expect(violations(desk({ venue_fees: { binance: '0.001' } }))).toEqual(['venue_fees.binance: expected a venue_fees.binance table (spot, perp) (a mapping), got "0.001"']);
  });

  it('belongs to a desk file: a single-bot file refuses it', () => {
    expect(violations({ id: 'btc', instrument: inst, venue_fees: {} })[0]).toMatch(/^venue_fees: expected a known key .* got unknown key "venue_fees"$/);
  });
});

describe('execution.fee_source', () => {
  it('defaults to auto and accepts project and manual', () => {
    const r = validateConfig(desk({}));
    expect(r.ok && r.config.bots[0]?.execution.feeSource).toBe('auto');
    for (const s of ['auto', 'project', 'manual'] as const) {
      const x = validateConfig(desk({}, { fee_source: s }));
      expect(x.ok && x.config.bots[0]?.execution.feeSource).toBe(s);
    }
  });

  it('anything else names the path and the choices', () => {
    expect(violations(desk({}, { fee_source: 'venue' }))).toEqual(['bots[0].execution.fee_source: expected one of auto | project | manual, got "venue"']);
  });
});
