import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS } from './config.ts';
import { EDGE_GATE_OPEN, edgeGateUpdate } from './edge-gate.ts';
import { fundingCostEst, netEdge } from './edge.ts';

const d = (v: string): Decimal => new Decimal(v);
const C = EPP_DEFAULTS;

describe('edge model (§7)', () => {
  it('netEdge at the defaults: 0.4·0.0025 − 0.00075 − 0.0001 − 0.0001 = 0.00005', () => {
    expect(netEdge(d('0.0025'), C, 60, null).toString()).toBe('0.00005');
  });
  it('funding cost only on perps: |rate|·refresh/28800', () => {
    expect(fundingCostEst(C, 60, d('0.0001')).toString()).toBe('0');
    expect(fundingCostEst({ ...C, market: 'perp' }, 288, d('-0.0001')).toString()).toBe('0.000001');
  });
  it('property: netEdge is non-decreasing in spread', () => {
    const bp = fc.integer({ min: 0, max: 1000 });
    fc.assert(
      fc.property(bp, bp, fc.integer({ min: -100, max: 100 }), fc.boolean(), (a, b, rate, perp) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const cfg = { ...C, market: perp ? ('perp' as const) : ('spot' as const) };
        const r = new Decimal(rate).dividedBy(100_000);
        const eLo = netEdge(new Decimal(lo).dividedBy(10_000), cfg, 45, r);
        const eHi = netEdge(new Decimal(hi).dividedBy(10_000), cfg, 45, r);
        expect(eHi.gte(eLo)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('edge gate (§7): hysteresis + hold', () => {
  it('blocks below min, resumes only at ≥ resume and after the hold', () => {
    let g = edgeGateUpdate(EDGE_GATE_OPEN, d('-0.0001'), 0, C);
    expect(g).toEqual({ blocked: true, blockedAt: 0 });
    g = edgeGateUpdate(g, d('0.001'), 60_000, C); // good edge, hold not over
    expect(g.blocked).toBe(true);
    g = edgeGateUpdate(g, d('0.00003'), 120_000, C); // hold over, but 0.3 bps < resume 0.5 bps
    expect(g.blocked).toBe(true);
    g = edgeGateUpdate(g, d('-0.001'), 121_000, C); // re-dips: hold still counts from the block
    expect(g.blockedAt).toBe(0);
    g = edgeGateUpdate(g, d('0.00005'), 122_000, C);
    expect(g).toEqual(EDGE_GATE_OPEN);
  });
});
