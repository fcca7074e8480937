import { describe, expect, it } from 'vitest';
import { fieldDocs } from './fields.ts';
import { portfolioLimitsSchema, toPortfolioLimits } from './portfolio.ts';

const issues = (input: unknown) => {
  const r = portfolioLimitsSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('portfolio_limits schema', () => {
  it('an empty section gives the documented defaults', () => {
    const l = toPortfolioLimits(portfolioLimitsSchema.parse({}));
    expect(l.dailyLossPct.toString()).toBe('0.03');
    expect(l.netExposureCapQuote.default.toString()).toBe('2000');
    expect(l.netExposureCapQuote.byAsset).toEqual({});
    expect(l.concentrationPct.toString()).toBe('0.6');
    expect(l.warnAtFraction.toString()).toBe('0.8');
    // desk-hardening-plan.md Day 70: portfolio_kill_switch_on_global_breach defaults to true.
    expect(l.killOnGlobalBreach).toBe(true);
    expect(l.staleAfterMs).toBe(10_000);
    expect(l.exposureHoldMs).toBe(30_000);
    expect(l.scope).toBe('all');
  });

  it('converts given values', () => {
    const l = toPortfolioLimits(
      portfolioLimitsSchema.parse({
        daily_loss_pct: '0.02',
        net_exposure_cap_quote: 500,
        net_exposure_cap_quote_by_asset: { BTC: '5000', ETH: 2500 },
        concentration_pct: 1,
        warn_at_fraction: '0.9',
        portfolio_kill_switch_on_global_breach: false,
        stale_after_s: 2.5,
        exposure_hold_s: 0,
        scope: ['bot-a', 'bot_b'],
      }),
    );
    expect(l.dailyLossPct.toString()).toBe('0.02');
    expect(l.netExposureCapQuote.default.toString()).toBe('500');
    expect(Object.fromEntries(Object.entries(l.netExposureCapQuote.byAsset).map(([k, v]) => [k, v.toString()]))).toEqual({ BTC: '5000', ETH: '2500' });
    expect(l.killOnGlobalBreach).toBe(false);
    expect(l.staleAfterMs).toBe(2500);
    expect(l.exposureHoldMs).toBe(0);
    expect(l.scope).toEqual(['bot-a', 'bot_b']);
  });

  it('names the field path of each bad value, all at once', () => {
    expect(
      issues({
        daily_loss_pct: '1',
        net_exposure_cap_quote: 0,
        net_exposure_cap_quote_by_asset: { BTC: '-1', 'bad key': 1 },
        concentration_pct: '1.1',
        warn_at_fraction: 0,
        portfolio_kill_switch_on_global_breach: 'yes',
        stale_after_s: 0,
        exposure_hold_s: -1,
        scope: [],
      }),
    ).toEqual([
      { path: 'daily_loss_pct', message: 'expected a decimal > 0 and < 1, got "1"' },
      { path: 'net_exposure_cap_quote', message: 'expected a decimal > 0, got 0' },
      { path: 'net_exposure_cap_quote_by_asset.BTC', message: 'expected a decimal > 0, got "-1"' },
      { path: 'net_exposure_cap_quote_by_asset.bad key', message: 'expected an asset code (a letter or digit, then letters, digits, ".", "_", "-"; at most 32), got key "bad key"' },
      { path: 'concentration_pct', message: 'expected a decimal > 0 and ≤ 1, got "1.1"' },
      { path: 'warn_at_fraction', message: 'expected a decimal > 0 and ≤ 1, got 0' },
      { path: 'portfolio_kill_switch_on_global_breach', message: 'expected true or false, got "yes"' },
      { path: 'stale_after_s', message: 'expected a number > 0, got 0' },
      { path: 'exposure_hold_s', message: 'expected a number ≥ 0, got -1' },
      { path: 'scope', message: 'expected all or a non-empty list of distinct bot ids, got a list' },
    ]);
  });

  it('refuses a map that is not a mapping, duplicate or malformed bot ids, and unknown keys', () => {
    expect(issues({ net_exposure_cap_quote_by_asset: 5 })).toEqual([{ path: 'net_exposure_cap_quote_by_asset', message: 'expected a mapping of asset to decimal, got 5' }]);
    expect(issues({ scope: ['a', 'a'] })[0]?.path).toBe('scope');
    expect(issues({ scope: ['Bad Id'] })[0]?.path).toBe('scope');
    expect(issues({ scope: 'some' })[0]?.path).toBe('scope');
    expect(portfolioLimitsSchema.safeParse({ daily_loss: 0.1 }).success).toBe(false);
    expect(issues(7)).toEqual([{ path: '', message: 'expected a portfolio_limits section (a mapping), got 7' }]);
  });

  it('documents every field with a default', () => {
    for (const [key, s] of Object.entries(portfolioLimitsSchema.shape)) {
      const doc = fieldDocs.get(s);
      expect(doc, key).toBeDefined();
      expect(doc?.required, key).toBe(false);
      expect(s.description, key).toMatch(/Default/);
    }
  });
});
