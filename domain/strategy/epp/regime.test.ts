import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS } from './config.ts';
import { REGIME_HOLD_INIT, detectRegime, regimeHold, regimeThresholds } from './regime.ts';

const d = (v: string): Decimal => new Decimal(v);
const T = regimeThresholds(d('100'), d('0.002'), EPP_DEFAULTS);

describe('regime detection (§3)', () => {
  it('thresholds: ema·(1 ± 0.001), shock drift 1.25·band', () => {
    expect([T.upAbove.toString(), T.downBelow.toString(), T.shockDrift.toString()]).toEqual(['100.1', '99.9', '0.0025']);
  });
  it('classifies up / down / neutral / shock', () => {
    expect(detectRegime(d('100.2'), d('0.001'), T)).toBe('up');
    expect(detectRegime(d('99.8'), d('-0.001'), T)).toBe('down');
    expect(detectRegime(d('100.05'), null, T)).toBe('neutral_low_vol');
    expect(detectRegime(d('100'), d('-0.0025'), T)).toBe('high_vol_shock');
    expect(detectRegime(d('100'), d('0'), regimeThresholds(d('100'), d('0.008'), EPP_DEFAULTS))).toBe('high_vol_shock');
  });
  it('hold: a new regime takes effect on the 3rd consecutive detection; an interruption restarts the count', () => {
    let s = { ...REGIME_HOLD_INIT, current: 'neutral_low_vol' as const };
    let r = regimeHold(s, 'up', 3);
    expect(r.changed).toBeNull();
    r = regimeHold(r.state, 'up', 3);
    expect(r.changed).toBeNull();
    r = regimeHold(r.state, 'neutral_low_vol', 3); // interruption
    r = regimeHold(r.state, 'up', 3);
    r = regimeHold(r.state, 'up', 3);
    expect(r.state.current).toBe('neutral_low_vol');
    r = regimeHold(r.state, 'up', 3);
    expect(r.changed).toEqual({ from: 'neutral_low_vol', to: 'up' });
    s = r.state as typeof s;
    expect(s.current).toBe('up');
  });
});
