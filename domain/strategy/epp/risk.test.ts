import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../../ids.ts';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from './config.ts';
import type { EppDecision, HardReason, SoftReason } from './decisions.ts';
import { type SteppedSim, T0, TEST_RULES, bookAt, simStart, simStep, spot } from './fixtures.ts';
import { validateStart } from './risk.ts';
import type { EppBalances, EppInputs, OpenOrder } from './types.ts';

const C = EPP_DEFAULTS;
/** A tolerance wide enough that the warm pattern's mid moves never reprice the ladder. */
const WIDE: EppConfig = { ...C, priceToleranceTicks: 100 };
const PERP: EppConfig = { ...WIDE, market: 'perp' };
const d = (v: string | number): Decimal => new Decimal(v);
const perp = (marginRatio: string): EppBalances => ({ kind: 'perp', marginBalance: d(1000), unrealizedPnl: d(0), position: d(5), marginRatio: d(marginRatio) });
const types = (ds: readonly EppDecision[]): string[] => ds.map((x) => x.type);
const placeCount = (ds: readonly EppDecision[]): number => ds.filter((x) => x.type === 'place').length;
const cancelled = (ds: readonly EppDecision[]): string[] => ds.flatMap((x) => (x.type === 'cancel' ? [x.clientOrderId] : [])).sort();
const live = (sim: SteppedSim): string[] => sim.orders.map((o) => o.clientOrderId).sort();

/** 51 orders the bot does not quote: each tick that sees them cancels them all (> cancel_budget_per_min). */
const FOREIGN: OpenOrder[] = Array.from({ length: 51 }, (_, i) => ({
  clientOrderId: clientOrderId(`foreign-${i}`),
  levelId: `x_${i}`,
  side: 'buy',
  price: d(90),
  remaining: d(1),
  placedAt: T0,
  acked: true,
  cancelling: false,
}));

/** A running sim (spot, or perp with a healthy margin) with a live ladder. */
function running(config: EppConfig, healthy: Partial<EppInputs>): SteppedSim {
  const sim = simStep(simStart(config, TEST_RULES, healthy), config, TEST_RULES, healthy);
  expect(sim.last.status).toBe('running');
  expect(sim.orders.length).toBe(8);
  return sim;
}

interface HardCase {
  readonly reason: HardReason;
  readonly config: EppConfig;
  readonly healthy: Partial<EppInputs>;
  /** Ticks that lead to the breach; the last one latches. */
  readonly breach: readonly Partial<EppInputs>[];
}

const stormy = (n: number): Partial<EppInputs>[] => [{ openOrders: FOREIGN }, {}, {}, {}].slice(0, n);
const HARD: readonly HardCase[] = [
  // equity open 1000 (5 base at 100 + 500); 984.5 at 100.1 is a 1.55% loss.
  { reason: 'daily_loss', config: WIDE, healthy: {}, breach: [{ balances: spot(5, 484) }] },
  // peak 1030.5, then 1004.5: 2.52% off the peak, no loss against the open.
  { reason: 'drawdown', config: WIDE, healthy: {}, breach: [{ balances: spot(5, 530) }, { balances: spot(5, 504) }] },
  // traded notional 3000 = 3 × equity open.
  { reason: 'turnover', config: WIDE, healthy: {}, breach: [{ fills: [{ clientOrderId: clientOrderId('f-1'), side: 'buy', price: d(100), amount: d(30), feeQuote: d(0), orderPrice: d(100), ts: T0 }] }] },
  // three breach episodes with under a clean minute between them: the 3rd escalates.
  { reason: 'cancel_budget_escalation', config: WIDE, healthy: {}, breach: [...stormy(4), ...stormy(4), ...stormy(2)] },
  { reason: 'margin_ratio', config: PERP, healthy: { balances: perp('0.5') }, breach: [{ balances: perp('0.09') }] },
];

describe('HARD_STOP reasons (§8): latch, ops.hard_stop, cancel every order', () => {
  for (const hc of HARD) {
    it(`${hc.reason}: latches until an operator resume, which re-latches while the reason holds`, () => {
      let sim = running(hc.config, hc.healthy);
      // Foreign orders come on top of the bot's own.
      const tick = (over: Partial<EppInputs>): SteppedSim => (sim = simStep(sim, hc.config, TEST_RULES, { ...hc.healthy, ...over, openOrders: [...sim.orders, ...(over.openOrders ?? [])] }));
      hc.breach.slice(0, -1).forEach((over) => expect(tick(over).last.status).not.toBe('hard_stopped'));
      const liveBefore = live(sim);
      const held = hc.breach[hc.breach.length - 1] ?? {};
      const r = tick(held).last;
      expect(r.status).toBe('hard_stopped');
      expect(r.decisions.filter((x) => x.type.startsWith('ops.'))).toEqual([{ type: 'ops.hard_stop', reason: hc.reason }]);
      expect(liveBefore.length).toBeGreaterThan(0);
      expect(cancelled(r.decisions)).toEqual(liveBefore);
      expect(placeCount(r.decisions)).toBe(0);
      // Latched: nothing lifts it but an operator resume, even once the inputs are healthy again.
      for (let i = 0; i < 4; i++) {
        const x = tick(i % 2 === 0 ? held : {}).last;
        expect(x.status).toBe('hard_stopped');
        expect(types(x.decisions).filter((t) => t !== 'cancel')).toEqual([]);
      }
      if (hc.reason === 'daily_loss' || hc.reason === 'margin_ratio') {
        const again = tick({ ...held, intents: [{ type: 'resume' }] }).last;
        expect(types(again.decisions)).toEqual(['ops.resume', 'ops.hard_stop']);
        expect(again.status).toBe('hard_stopped');
      }
      if (hc.reason === 'daily_loss' || hc.reason === 'drawdown' || hc.reason === 'turnover') return; // the day's counters keep them true
      sim = { ...sim, now: sim.now + 60_000 };
      const lifted = tick({ intents: [{ type: 'resume' }] }).last;
      expect(lifted.status).toBe('running');
      expect(types(lifted.decisions)[0]).toBe('ops.resume');
      expect(placeCount(lifted.decisions)).toBeGreaterThan(0);
    });
  }

  it('a daily-loss latch outlives a recovery of the equity; resume re-latches while the loss holds', () => {
    let sim = running(C, {});
    sim = simStep(sim, C, TEST_RULES, { balances: spot(5, 484) });
    for (const over of [{ balances: spot(5, 500) }, { balances: spot(5, 500), intents: [{ type: 'pause' as const }] }]) {
      sim = simStep(sim, C, TEST_RULES, over);
      expect(sim.last.status).toBe('hard_stopped');
    }
    sim = simStep(sim, C, TEST_RULES, { balances: spot(5, 500), intents: [{ type: 'resume' }] });
    expect(types(sim.last.decisions)).toContain('ops.resume');
    expect(sim.last.status).toBe('running');
  });

  it('leverage above max_leverage refuses to start (and is a hard reason)', () => {
    const bad: EppConfig = { ...C, leverage: d(6) };
    expect(validateStart(bad, TEST_RULES)).toEqual(['leverage 6 exceeds max_leverage 5']);
    expect(validateStart(C, TEST_RULES)).toEqual([]);
  });
});

interface SoftCase {
  readonly reason: SoftReason;
  readonly config: EppConfig;
  readonly healthy: Partial<EppInputs>;
  readonly bad: (now: number) => Partial<EppInputs>;
}

const SOFT: readonly SoftCase[] = [
  { reason: 'book_stale', config: C, healthy: {}, bad: (now) => ({ book: bookAt(now - 30_001, '100.1') }) },
  { reason: 'balance_read_failed', config: C, healthy: {}, bad: () => ({ balances: { kind: 'failed', message: 'timeout' } }) },
  { reason: 'position_drift', config: C, healthy: {}, bad: () => ({ positionDriftPct: d('0.05') }) },
  { reason: 'margin_ratio', config: PERP, healthy: { balances: perp('0.5') }, bad: () => ({ balances: perp('0.19') }) },
  { reason: 'operator_pause', config: C, healthy: {}, bad: () => ({ intents: [{ type: 'pause' }] }) },
];

describe('SOFT_PAUSE reasons (§8): cancel the orders, place none until every reason clears', () => {
  for (const sc of SOFT) {
    it(`${sc.reason}: pauses, cancels every live order, resumes with ops.resume once cleared`, () => {
      let sim = running(sc.config, sc.healthy);
      const liveBefore = live(sim);
      sim = simStep(sim, sc.config, TEST_RULES, { ...sc.healthy, ...sc.bad(sim.now) });
      const r = sim.last;
      expect(r.status).toBe('soft_paused');
      expect(r.decisions.filter((x) => x.type.startsWith('ops.'))).toEqual([{ type: 'ops.soft_pause', reasons: [sc.reason] }]);
      expect(cancelled(r.decisions)).toEqual(liveBefore);
      expect(r.decisions.every((x) => x.type !== 'cancel' || x.reason === 'soft_pause')).toBe(true);
      expect(placeCount(r.decisions)).toBe(0);
      const still = simStep(sim, sc.config, TEST_RULES, { ...sc.healthy, ...(sc.reason === 'operator_pause' ? {} : sc.bad(sim.now)) });
      expect(still.last.status).toBe('soft_paused');
      expect(still.last.decisions).toEqual([]); // announced once, nothing placed
      const clear = sc.reason === 'operator_pause' ? { intents: [{ type: 'resume' as const }] } : {};
      const back = simStep(still, sc.config, TEST_RULES, { ...sc.healthy, ...clear }).last;
      expect(back.status).toBe('running');
      expect(types(back.decisions)[0]).toBe('ops.resume');
      expect(placeCount(back.decisions)).toBe(8);
    });
  }

  it('cancel_budget: more than cancel_budget_per_min cancels in a minute pause until the window clears', () => {
    let sim = running(WIDE, {});
    const ladder = live(sim);
    sim = simStep(sim, WIDE, TEST_RULES, { openOrders: [...sim.orders, ...FOREIGN] });
    expect(cancelled(sim.last.decisions)).toEqual(FOREIGN.map((o) => o.clientOrderId).sort());
    sim = simStep(sim, WIDE, TEST_RULES);
    expect(sim.last.decisions.filter((x) => x.type.startsWith('ops.'))).toEqual([{ type: 'ops.soft_pause', reasons: ['cancel_budget'] }]);
    expect(cancelled(sim.last.decisions)).toEqual(ladder);
    expect(placeCount(sim.last.decisions)).toBe(0);
    sim = simStep(sim, WIDE, TEST_RULES);
    expect([sim.last.status, placeCount(sim.last.decisions)]).toEqual(['soft_paused', 0]);
    sim = simStep(sim, WIDE, TEST_RULES); // 60 s after the storm
    expect([sim.last.status, types(sim.last.decisions)[0]]).toEqual(['running', 'ops.resume']);
  });

  it('position drift warns once at 1% without pausing', () => {
    let sim = running(C, {});
    const warns = (): string[] => sim.last.decisions.flatMap((x) => (x.type === 'warn' ? [x.code] : []));
    sim = simStep(sim, C, TEST_RULES, { positionDriftPct: d('-0.01') });
    expect([sim.last.status, warns()]).toEqual(['running', ['position.drift']]);
    sim = simStep(sim, C, TEST_RULES, { positionDriftPct: d('0.02') });
    expect([sim.last.status, warns()]).toEqual(['running', []]);
    sim = simStep(sim, C, TEST_RULES, { positionDriftPct: d('0.001') });
    sim = simStep(sim, C, TEST_RULES, { positionDriftPct: d('0.03') });
    expect(warns()).toEqual(['position.drift']); // a new excursion warns again
  });

  it('places nothing until every soft reason has cleared', () => {
    let sim = running(C, {});
    sim = simStep(sim, C, TEST_RULES, { positionDriftPct: d('0.06'), intents: [{ type: 'pause' }] });
    expect(sim.last.decisions.find((x) => x.type === 'ops.soft_pause')).toEqual({ type: 'ops.soft_pause', reasons: ['position_drift', 'operator_pause'] });
    sim = simStep(sim, C, TEST_RULES); // drift cleared, still paused by the operator
    expect(sim.last.decisions).toEqual([{ type: 'ops.soft_pause', reasons: ['operator_pause'] }]);
    sim = simStep(sim, C, TEST_RULES, { intents: [{ type: 'resume' }] });
    expect(types(sim.last.decisions)[0]).toBe('ops.resume');
    expect(placeCount(sim.last.decisions)).toBe(8);
  });

  it('a portfolio-risk hold and a lost control plane pause while they hold, then quoting resumes', () => {
    let sim = running(C, {});
    sim = simStep(sim, C, TEST_RULES, { portfolioPaused: true, controlPlaneLost: true });
    expect(sim.last.decisions.find((x) => x.type === 'ops.soft_pause')).toEqual({ type: 'ops.soft_pause', reasons: ['portfolio_risk', 'control_plane'] });
    expect(sim.last.status).toBe('soft_paused');
    expect(placeCount(sim.last.decisions)).toBe(0);
    sim = simStep(sim, C, TEST_RULES, { controlPlaneLost: true });
    expect([sim.last.status, sim.last.decisions]).toEqual(['soft_paused', [{ type: 'ops.soft_pause', reasons: ['control_plane'] }]]);
    sim = simStep(sim, C, TEST_RULES);
    expect(types(sim.last.decisions)[0]).toBe('ops.resume');
    expect(placeCount(sim.last.decisions)).toBe(8);
  });
});
