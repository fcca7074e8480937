import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../../ids.ts';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from './config.ts';
import type { EppDecision } from './decisions.ts';
import { T0, TEST_RULES, simStart, simStep } from './fixtures.ts';
import { announceSoft, applyIntents, latchHardStop } from './ops.ts';
import { eppInit } from './state.ts';
import type { EppIntent, OpenOrder } from './types.ts';

const C: EppConfig = { ...EPP_DEFAULTS, priceToleranceTicks: 100 };
const d = (v: string): Decimal => new Decimal(v);
const S0 = eppInit(C, { now: T0 });
const types = (ds: readonly EppDecision[]): string[] => ds.map((x) => x.type);

describe('ops transitions, unit', () => {
  it('kill latches operator_kill once; resume lifts the latch and the pause, announcing ops.resume', () => {
    const out: EppDecision[] = [];
    const killed = applyIntents(S0, [{ type: 'pause' }, { type: 'kill' }, { type: 'kill' }], out);
    expect([killed.hardStop, killed.operatorPaused]).toEqual(['operator_kill', true]);
    expect(out).toEqual([{ type: 'ops.hard_stop', reason: 'operator_kill' }]);
    const out2: EppDecision[] = [];
    const resumed = applyIntents(killed, [{ type: 'resume' }], out2);
    expect([resumed.hardStop, resumed.operatorPaused, out2]).toEqual([null, false, [{ type: 'ops.resume' }]]);
  });

  it('resume without a latch announces nothing (the soft set does when it empties)', () => {
    const out: EppDecision[] = [];
    expect(applyIntents({ ...S0, operatorPaused: true }, [{ type: 'resume' }], out).operatorPaused).toBe(false);
    expect(out).toEqual([]);
  });

  it('a second hard reason does not replace the first nor announce again', () => {
    const out: EppDecision[] = [];
    const s = latchHardStop(latchHardStop(S0, 'daily_loss', out), 'turnover', out);
    expect([s.hardStop, out]).toEqual(['daily_loss', [{ type: 'ops.hard_stop', reason: 'daily_loss' }]]);
  });

  it('announces soft_pause on a changed non-empty set, ops.resume when it empties, nothing when unchanged', () => {
    const out: EppDecision[] = [];
    let s = announceSoft(S0, ['book_stale'], out);
    s = announceSoft(s, ['book_stale'], out);
    s = announceSoft(s, ['book_stale', 'operator_pause'], out);
    s = announceSoft(s, [], out);
    expect(out).toEqual([{ type: 'ops.soft_pause', reasons: ['book_stale'] }, { type: 'ops.soft_pause', reasons: ['book_stale', 'operator_pause'] }, { type: 'ops.resume' }]);
    expect(s.soft).toEqual([]);
  });
});

describe('operator intents through the step', () => {
  const ladder = () => simStep(simStart(C), C, TEST_RULES, { mid: '100.1' });

  it('kill: HARD_STOP operator_kill, every order cancelled, late orders too; resume restarts quoting', () => {
    let sim = ladder();
    const live = sim.orders.map((o) => o.clientOrderId).sort();
    sim = simStep(sim, C, TEST_RULES, { intents: [{ type: 'kill' }] });
    expect(sim.last.status).toBe('hard_stopped');
    expect(sim.last.decisions[0]).toEqual({ type: 'ops.hard_stop', reason: 'operator_kill' });
    expect(sim.last.decisions.flatMap((x) => (x.type === 'cancel' ? [x.clientOrderId] : [])).sort()).toEqual(live);
    expect(sim.last.decisions.every((x) => x.type !== 'cancel' || x.reason === 'hard_stop')).toBe(true);
    // An order the venue reports late is cancelled too; one already cancelling is left alone.
    const base = ladder().orders[0];
    if (base === undefined) throw new Error('no order');
    const late: OpenOrder = { ...base, clientOrderId: clientOrderId('late-1'), acked: false };
    const pending: OpenOrder = { ...base, clientOrderId: clientOrderId('late-2'), cancelling: true };
    sim = simStep(sim, C, TEST_RULES, { openOrders: [late, pending] });
    expect(sim.last.decisions).toEqual([{ type: 'cancel', clientOrderId: late.clientOrderId, levelId: late.levelId, reason: 'hard_stop' }]);
    sim = simStep(sim, C, TEST_RULES, { openOrders: [] });
    expect([sim.last.status, sim.last.decisions]).toEqual(['hard_stopped', []]);
    sim = simStep(sim, C, TEST_RULES, { intents: [{ type: 'resume' }] });
    expect(sim.last.status).toBe('running');
    expect(types(sim.last.decisions).filter((t) => t !== 'place')).toEqual(['ops.resume']);
    expect(types(sim.last.decisions).filter((t) => t === 'place')).toHaveLength(8);
  });

  it('pause soft-pauses (operator_pause) until resume', () => {
    let sim = simStep(ladder(), C, TEST_RULES, { intents: [{ type: 'pause' }] });
    expect(sim.last.decisions.find((x) => x.type === 'ops.soft_pause')).toEqual({ type: 'ops.soft_pause', reasons: ['operator_pause'] });
    for (let i = 0; i < 3; i++) {
      sim = simStep(sim, C, TEST_RULES);
      expect([sim.last.status, sim.last.decisions]).toEqual(['soft_paused', []]);
    }
    sim = simStep(sim, C, TEST_RULES, { intents: [{ type: 'resume' }] });
    expect([sim.last.status, types(sim.last.decisions)[0]]).toEqual(['running', 'ops.resume']);
  });

  it('set_target_base_pct overrides the regime target, clamped to [0.2, 0.8]; null restores it', () => {
    const sim = ladder();
    const at = (value: Decimal | null) => {
      const intents: EppIntent[] = [{ type: 'set_target_base_pct', value }];
      return simStep(sim, C, TEST_RULES, { mid: '100.1', intents }).last;
    };
    const high = at(d('0.9'));
    const cap = at(d('0.8'));
    const none = at(null);
    expect(high.quote?.targetBasePct.toString()).toBe('0.8');
    expect(at(d('0.1')).quote?.targetBasePct.toString()).toBe('0.2');
    expect(at(d('0.35')).quote?.targetBasePct.toString()).toBe('0.35');
    expect(none.quote?.targetBasePct.toString()).toBe('0.5');
    expect(high.decisions).toEqual(cap.decisions); // 0.9 behaves exactly as 0.8
    // basePct ≈ 0.5: skew = (0.8 − 0.5)·0.5 = 0.15 → bids tighter, asks wider.
    expect(high.quote?.skew.toDecimalPlaces(3).toString()).toBe('0.15');
    const q = high.quote;
    if (q === null || none.quote === null) throw new Error('no quote');
    expect(q.buySpread.lt(none.quote.buySpread) && q.sellSpread.gt(none.quote.sellSpread)).toBe(true);
    // The target persists on later ticks without repeating the intent.
    const later = simStep(simStep(sim, C, TEST_RULES, { mid: '100.1', intents: [{ type: 'set_target_base_pct', value: d('0.1') }] }), C, TEST_RULES, { mid: '100.1' });
    expect(later.last.quote?.targetBasePct.toString()).toBe('0.2');
  });
});
