import { describe, expect, it } from 'vitest';
import { Decimal, bpsToFraction } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from './config.ts';
import type { EppDecision } from './decisions.ts';
import { EDGE_GATE_OPEN, edgeGateUpdate } from './edge-gate.ts';
import { type SteppedSim, TEST_RULES, simStart, simStep } from './fixtures.ts';
import type { EppBalances } from './types.ts';

const d = (v: string): Decimal => new Decimal(v);
// min_net_edge 2 bps, resume 5 bps, hold 120 s.
const C: EppConfig = { ...EPP_DEFAULTS, minNetEdgeBps: d('2'), edgeResumeBps: d('5') };
const MIN = bpsToFraction(C.minNetEdgeBps);
const RESUME = bpsToFraction(C.edgeResumeBps);

describe('edge gate (§7), unit', () => {
  it('blocks strictly below min_net_edge_bps/1e4 and stays open at it', () => {
    expect(edgeGateUpdate(EDGE_GATE_OPEN, MIN, 0, C)).toEqual(EDGE_GATE_OPEN);
    expect(edgeGateUpdate(EDGE_GATE_OPEN, MIN.minus('1e-12'), 5, C)).toEqual({ blocked: true, blockedAt: 5 });
  });

  it('hysteresis: with the hold over, an edge back above min but below resume keeps it blocked', () => {
    const blocked = edgeGateUpdate(EDGE_GATE_OPEN, d('0'), 0, C);
    for (const edge of [MIN, d('0.0004'), RESUME.minus('1e-12')]) expect(edgeGateUpdate(blocked, edge, 600_000, C)).toEqual(blocked);
    expect(edgeGateUpdate(blocked, RESUME, 600_000, C)).toEqual(EDGE_GATE_OPEN);
  });

  it('hold: an edge at resume unblocks only once edge_gate_hold_s have passed since the block', () => {
    const blocked = edgeGateUpdate(EDGE_GATE_OPEN, d('0'), 1_000, C);
    expect(edgeGateUpdate(blocked, d('0.01'), 1_000 + 119_999, C)).toEqual(blocked);
    expect(edgeGateUpdate(blocked, d('0.01'), 1_000 + 120_000, C)).toEqual(EDGE_GATE_OPEN);
  });
});

describe('edge gate through the step (perp funding moves the edge)', () => {
  // Warm pattern: netEdge = 0.4·0.0028564 − 0.00095 ≈ 1.93 bps before funding; with
  // min 0 / resume 0.5 bps (defaults) the funding cost r·60/28800 sets the zone.
  const PERP: EppConfig = { ...EPP_DEFAULTS, market: 'perp', priceToleranceTicks: 100 };
  const bal: EppBalances = { kind: 'perp', marginBalance: d('1000'), unrealizedPnl: d('0'), position: d('5'), marginRatio: d('0.5') };
  const BLOCK = d('0.1'); // edge ≈ −0.16 bps
  const BETWEEN = d('0.07'); // edge ≈ 0.47 bps: ≥ min, < resume
  const GOOD = d('0'); // edge ≈ 1.93 bps
  const ops = (ds: readonly EppDecision[]): EppDecision[] => ds.filter((x) => x.type.startsWith('ops.'));
  const places = (ds: readonly EppDecision[]): number => ds.filter((x) => x.type === 'place').length;

  function blockedSim(): SteppedSim {
    let sim = simStep(simStart(PERP, TEST_RULES, { balances: bal }), PERP, TEST_RULES, { balances: bal, fundingRate: GOOD });
    expect([sim.last.status, sim.orders.length]).toEqual(['running', 8]);
    sim = simStep(sim, PERP, TEST_RULES, { balances: bal, fundingRate: BLOCK });
    expect(sim.last.quote?.netEdge.lt(0)).toBe(true);
    expect(ops(sim.last.decisions)).toEqual([{ type: 'ops.soft_pause', reasons: ['edge_gate'] }]);
    expect(sim.last.decisions.filter((x) => x.type === 'cancel')).toHaveLength(8);
    expect(sim.orders).toEqual([]);
    return sim;
  }

  it('stays blocked past the hold while the edge is between min and resume; resumes at ≥ resume', () => {
    let sim = blockedSim();
    for (let i = 0; i < 8; i++) {
      sim = simStep(sim, PERP, TEST_RULES, { balances: bal, fundingRate: BETWEEN });
      const e = sim.last.quote?.netEdge ?? d('-1');
      expect(e.gte(0) && e.lt(bpsToFraction(EPP_DEFAULTS.edgeResumeBps))).toBe(true);
      expect([sim.last.status, places(sim.last.decisions)]).toEqual(['soft_paused', 0]);
    }
    sim = simStep(sim, PERP, TEST_RULES, { balances: bal, fundingRate: GOOD }); // 180 s after the block
    expect(ops(sim.last.decisions)).toEqual([{ type: 'ops.resume' }]);
    expect([sim.last.status, places(sim.last.decisions)]).toEqual(['running', 8]);
  });

  it('stays blocked with a good edge until edge_gate_hold_s have passed', () => {
    let sim = blockedSim();
    for (let i = 1; i < 6; i++) {
      sim = simStep(sim, PERP, TEST_RULES, { balances: bal, fundingRate: GOOD }); // 20 … 100 s after
      expect([sim.last.status, places(sim.last.decisions)]).toEqual(['soft_paused', 0]);
    }
    sim = simStep(sim, PERP, TEST_RULES, { balances: bal, fundingRate: GOOD }); // 120 s after
    expect(ops(sim.last.decisions)).toEqual([{ type: 'ops.resume' }]);
    expect(sim.last.status).toBe('running');
  });
});
