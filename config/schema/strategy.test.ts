import { describe, expect, it } from 'vitest';
import { Decimal } from '../../domain/money/decimal.ts';
import { EPP_DEFAULTS, REGIMES } from '../../domain/strategy/epp/config.ts';
import { strategySchema, toEppConfig } from './strategy.ts';

/** Decimals as strings, so configs compare by value. */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

const issues = (input: unknown) => {
  const r = strategySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
};

describe('strategy schema', () => {
  it('an empty section converts to exactly EPP_DEFAULTS', () => {
    const cfg = toEppConfig(strategySchema.parse({}));
    expect(plain(cfg)).toEqual(plain(EPP_DEFAULTS));
    expect(cfg.makerFeePct).toBeInstanceOf(Decimal);
  });

  it('covers every EppConfig field (snake_case) and every regime', () => {
    const camel = Object.keys(EPP_DEFAULTS).sort();
    const snake = Object.keys(strategySchema.shape).map((k) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).sort();
    expect(snake).toEqual(camel);
    expect(Object.keys(strategySchema.parse({}).regimes)).toEqual([...REGIMES]);
  });

  it('accepts decimal strings and numbers and converts them to Decimal', () => {
    const s = strategySchema.parse({ total_amount_quote: '2500.5', skew_cap: 0.25, trend_eps_pct: '1e-3' });
    expect(s.total_amount_quote.toString()).toBe('2500.5');
    expect(s.skew_cap.toString()).toBe('0.25');
    expect(s.trend_eps_pct.eq(new Decimal('0.001'))).toBe(true);
  });

  it('rejects non-decimal strings, infinities and out-of-range fractions with expected/got', () => {
    expect(issues({ skew_cap: 'half' })).toEqual([{ path: 'skew_cap', code: 'custom', message: 'expected a decimal ≥ 0 and < 1, got "half"' }]);
    expect(issues({ skew_cap: 1 })[0]?.message).toBe('expected a decimal ≥ 0 and < 1, got 1');
    expect(issues({ total_amount_quote: Number.POSITIVE_INFINITY })[0]?.message).toBe('expected a decimal > 0, got Infinity');
    expect(issues({ total_amount_quote: '0x10' })).toHaveLength(1);
    expect(issues({ total_amount_quote: 'Infinity' })).toHaveLength(1);
  });

  it('requires integers for counts and periods', () => {
    expect(issues({ ema_period: 2.5 })[0]?.message).toBe('expected an integer ≥ 1 and ≤ 10000, got 2.5');
    expect(issues({ ema_period: '50' })[0]?.message).toBe('expected an integer ≥ 1 and ≤ 10000, got "50"');
    expect(issues({ regimes: { up: { levels_min: 0 } } })[0]?.path).toBe('regimes.up.levels_min');
  });

  it('rejects enum values outside the set with a hint', () => {
    expect(issues({ variant: 'paper' })[0]?.message).toBe('expected one of live | paper_only | disabled | no_trade (did you mean "paper_only"?), got "paper"');
    expect(issues({ regimes: { down: { one_sided: false } } })[0]?.message).toMatch(/^expected one of off \| buy_only \| sell_only, got false$/);
  });

  it('rejects unknown keys at every level (a typo must not use a default)', () => {
    expect(issues({ ema_perod: 20 })).toMatchObject([{ code: 'unrecognized_keys' }]);
    expect(issues({ regimes: { neutral: {} } })).toMatchObject([{ code: 'unrecognized_keys', path: 'regimes' }]);
    expect(issues({ regimes: { up: { spread: '0.01' } } })).toMatchObject([{ code: 'unrecognized_keys', path: 'regimes.up' }]);
  });

  it('merges a partial regime override over that regime\'s defaults', () => {
    const cfg = toEppConfig(strategySchema.parse({ regimes: { up: { spread_max: '0.0070', one_sided: 'buy_only' } } }));
    expect(cfg.regimes.up.spreadMax.toString()).toBe('0.007');
    expect(cfg.regimes.up.oneSided).toBe('buy_only');
    expect(cfg.regimes.up.spreadMin.eq(EPP_DEFAULTS.regimes.up.spreadMin)).toBe(true);
    expect(plain(cfg.regimes.down)).toEqual(plain(EPP_DEFAULTS.regimes.down));
  });

  describe('cross-field rules', () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['spread_min ≤ spread_max', { regimes: { up: { spread_min: '0.007' } } }, 'regimes.up.spread_min', 'expected spread_min ≤ spread_max, got spread_min 0.007 and spread_max 0.006'],
      ['levels_min ≤ levels_max', { regimes: { high_vol_shock: { levels_min: 3 } } }, 'regimes.high_vol_shock.levels_min', 'expected levels_min ≤ levels_max, got levels_min 3 and levels_max 2'],
      ['band_lo < band_hi', { band_lo: '0.008' }, 'band_lo', 'expected band_lo < band_hi, got band_lo 0.008 and band_hi 0.008'],
      ['target_base_pct_min ≤ max', { target_base_pct_min: '0.9' }, 'target_base_pct_min', 'expected target_base_pct_min ≤ target_base_pct_max, got target_base_pct_min 0.9 and target_base_pct_max 0.8'],
      ['margin_ratio_hard < soft', { margin_ratio_hard: '0.2' }, 'margin_ratio_hard', 'expected margin_ratio_hard < margin_ratio_soft, got margin_ratio_hard 0.2 and margin_ratio_soft 0.2'],
      ['edge_resume_bps ≥ min_net_edge_bps', { min_net_edge_bps: '2', edge_resume_bps: '1' }, 'edge_resume_bps', 'expected min_net_edge_bps ≤ edge_resume_bps, got min_net_edge_bps 2 and edge_resume_bps 1'],
      ['position drift warn ≤ pause', { position_drift_warn_pct: '0.1' }, 'position_drift_warn_pct', 'expected position_drift_warn_pct ≤ position_drift_pause_pct, got position_drift_warn_pct 0.1 and position_drift_pause_pct 0.05'],
      ['leverage ≤ max_leverage (refuse to start)', { leverage: '10' }, 'leverage', 'expected leverage ≤ max_leverage, got leverage 10 and max_leverage 5'],
    ];
    it.each(cases)('%s', (_name, input, path, message) => {
      expect(issues(input)).toEqual([{ path, message, code: 'custom' }]);
    });

    it('the boundary values themselves are accepted', () => {
      expect(issues({ regimes: { up: { spread_min: '0.006' } }, target_base_pct_min: '0.8', edge_resume_bps: '0', leverage: '5' })).toEqual([]);
    });

    it('run even when another field is invalid, so every violation surfaces at once', () => {
      const found = issues({ ema_period: 0, band_lo: '0.009', leverage: 6, regimes: { up: { spread_min: '0.5' } } }).map((i) => i.path);
      expect(found.sort()).toEqual(['band_lo', 'ema_period', 'leverage', 'regimes.up.spread_min']);
    });

    it('skip a comparison whose operand is itself invalid', () => {
      expect(issues({ band_lo: 'x' }).map((i) => i.path)).toEqual(['band_lo']);
    });
  });

  it('describes every field with its default source', () => {
    for (const [key, field] of Object.entries(strategySchema.shape)) {
      expect(field.description, key).toMatch(/(Default: (strategy-epp\.md §\d+|desk default)\.|Optional\.)$/);
    }
  });

  it('takes market from the bot when the section does not name one', () => {
    expect(toEppConfig(strategySchema.parse({}), 'perp').market).toBe('perp');
    expect(toEppConfig(strategySchema.parse({ market: 'spot' }), 'perp').market).toBe('spot');
  });
});
