import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS } from './config.ts';
import { basePctOf, equityOf, sideSpreads, skewFactor, skewOf, targetBasePct } from './skew.ts';

const d = (v: string | number): Decimal => new Decimal(v);
const C = EPP_DEFAULTS;

describe('inventory skew (§5)', () => {
  it('spot equity and base %', () => {
    const b = { kind: 'spot', base: d(2), quote: d(800) } as const;
    const eq = equityOf(b, d(100));
    expect(eq.toString()).toBe('1000');
    expect(basePctOf(b, d(100), eq)?.toString()).toBe('0.2');
  });
  it('perp equity = margin + uPnL; base % from the signed position', () => {
    const b = { kind: 'perp', marginBalance: d(1000), unrealizedPnl: d(-50), position: d(-1), marginRatio: d('0.5') } as const;
    const eq = equityOf(b, d(95));
    expect(eq.toString()).toBe('950');
    expect(basePctOf(b, d(95), eq)?.toString()).toBe('-0.1');
  });
  it('skew in neutral and trend regimes, capped', () => {
    expect(skewOf(d('0.5'), d('0.2'), skewFactor('neutral_low_vol', C), C.skewCap).toString()).toBe('0.15');
    expect(skewOf(d('0.6'), d('0.2'), skewFactor('up', C), C.skewCap).toString()).toBe('0.32');
    expect(skewOf(d('0.8'), d('0'), skewFactor('up', C), C.skewCap).toString()).toBe('0.5');
    const s = sideSpreads(d('0.004'), d('0.15'));
    expect([s.buy.toString(), s.sell.toString()]).toEqual(['0.0034', '0.0046']);
  });
  it('external target override is clamped to [0.2, 0.8]', () => {
    expect(targetBasePct(d('0.5'), d('0.95'), C).toString()).toBe('0.8');
    expect(targetBasePct(d('0.5'), d('0.05'), C).toString()).toBe('0.2');
    expect(targetBasePct(d('0.5'), null, C).toString()).toBe('0.5');
  });
  it('properties: |skew| ≤ cap and buy + sell = 2·spread', () => {
    const frac = fc.integer({ min: -20_000, max: 20_000 }).map((n) => new Decimal(n).dividedBy(10_000));
    fc.assert(
      fc.property(frac, frac, fc.constantFrom('neutral_low_vol', 'up', 'down', 'high_vol_shock') as fc.Arbitrary<'up'>, fc.integer({ min: 1, max: 500 }), (target, base, regime, spreadBp) => {
        const skew = skewOf(target, base, skewFactor(regime, C), C.skewCap);
        expect(skew.abs().lte(C.skewCap)).toBe(true);
        const spread = new Decimal(spreadBp).dividedBy(10_000);
        const s = sideSpreads(spread, skew);
        expect(s.buy.plus(s.sell).eq(spread.times(2))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
