import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../../ids.ts';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS } from './config.ts';
import { dayToJson } from './day.ts';
import type { EppDecision } from './decisions.ts';
import { TEST_RULES, patternMid, simStart, simStep, spot, tickAt } from './fixtures.ts';
import { eppInit } from './state.ts';
import { eppStep } from './step.ts';
import type { EppFill } from './types.ts';

const C = EPP_DEFAULTS;
const d = (v: string | number): Decimal => new Decimal(v);
const MIDNIGHT = Date.UTC(2024, 7, 9);
const fill = (id: string, price: string, orderPrice: string, amount = '1', fee = '0.075'): EppFill => ({
  clientOrderId: clientOrderId(id),
  side: 'buy',
  price: d(price),
  amount: d(amount),
  feeQuote: d(fee),
  orderPrice: d(orderPrice),
  ts: MIDNIGHT - 60_000,
});
const warnsOf = (ds: readonly EppDecision[]): unknown[] => ds.flatMap((x) => (x.type === 'warn' ? [[x.code, x.clientOrderId]] : []));

describe('fills (§9, §8 turnover)', () => {
  it('warns fill.price_deviation for a fill more than 1% from its order price', () => {
    const sim = simStart(C, TEST_RULES, {}, MIDNIGHT - 3_600_000);
    const r = simStep(sim, C, TEST_RULES, { fills: [fill('a', '101.02', '100'), fill('b', '101', '100'), fill('c', '98.9', '100'), fill('d', '100.5', '100')] }).last;
    expect(warnsOf(r.decisions)).toEqual([
      ['fill.price_deviation', 'a'],
      ['fill.price_deviation', 'c'],
    ]);
  });

  it('adds each fill to the day: traded notional (turnover), fill count, fees', () => {
    let sim = simStep(simStart(C, TEST_RULES, {}, MIDNIGHT - 3_600_000), C, TEST_RULES, { fills: [fill('a', '100', '100', '2', '0.15'), fill('b', '100.5', '100.5', '4', '0.3')] });
    sim = simStep(sim, C, TEST_RULES, { fills: [fill('c', '99', '99', '1', '0.07')] });
    const day = dayToJson(sim.state.day);
    expect([day.tradedNotionalQuote, day.fillCount, day.feesQuote]).toEqual(['701', 3, '0.52']);
    expect(sim.last.status).toBe('running');
  });
});

describe('UTC day rollover and restore (§10)', () => {
  it('a tick crossing 00:00 UTC emits day.rollover with the closed day and resets the counters', () => {
    // Warm until 23:55, then a fill, a funding payment and the day's peak (1010 at mid 100.0).
    const first = { fills: [fill('a', '100', '100', '3', '0.2')], fundingPaidQuote: d('0.4'), balances: spot(5, 510) };
    let sim = simStep(simStart(C, TEST_RULES, {}, MIDNIGHT - 20 * 60_000), C, TEST_RULES, first);
    while (sim.now < MIDNIGHT) {
      sim = simStep(sim, C, TEST_RULES);
      expect(sim.last.decisions.filter((x) => x.type === 'day.rollover')).toEqual([]);
    }
    const before = dayToJson(sim.state.day);
    sim = simStep(sim, C, TEST_RULES, { balances: spot(5, 480), mid: '100' }); // 00:00:00, equity 980
    const rolled = sim.last.decisions.filter((x) => x.type === 'day.rollover');
    expect(rolled).toHaveLength(1);
    const closed = rolled[0]?.type === 'day.rollover' ? dayToJson(rolled[0].day) : null;
    expect(closed).toEqual(before);
    expect(closed).toMatchObject({ dayStartMs: MIDNIGHT - 86_400_000, equityOpen: '1000', equityPeak: '1010', tradedNotionalQuote: '300', fillCount: 1, feesQuote: '0.2', fundingQuote: '0.4' });
    // A 2% drop against yesterday's open is the new day's open, not a loss.
    expect(dayToJson(sim.state.day)).toEqual({ dayStartMs: MIDNIGHT, equityOpen: '980', equityPeak: '980', tradedNotionalQuote: '0', fillCount: 0, feesQuote: '0', fundingQuote: '0' });
    expect(sim.last.status).toBe('running');
  });

  it('a restart within the day keeps the daily loss limit; one from another day starts fresh', () => {
    const start = MIDNIGHT + 3_600_000;
    const day = dayToJson({ ...eppInit(C, { now: start - 1_800_000 }).day, equityOpen: d(1000), equityPeak: d(1000) });
    // 984.5 after the restart: 1.55% below the persisted open, during the warm-up.
    const restarted = eppStep(eppInit(C, { now: start, day }), tickAt(start, '100', { balances: spot(5, 484.5) }), C, TEST_RULES);
    expect(restarted.status).toBe('hard_stopped');
    expect(restarted.decisions).toEqual([{ type: 'ops.hard_stop', reason: 'daily_loss' }]);
    const nextDay = start + 86_400_000;
    const fresh = eppStep(eppInit(C, { now: nextDay, day }), tickAt(nextDay, '100', { balances: spot(5, 484.5) }), C, TEST_RULES);
    expect(fresh.status).toBe('warming_up');
    expect(dayToJson(fresh.state.day)).toMatchObject({ dayStartMs: MIDNIGHT + 86_400_000, equityOpen: '984.5' });
  });

  it('a restart within the day keeps the day peak for the drawdown limit', () => {
    const start = MIDNIGHT + 3_600_000;
    const day = dayToJson({ ...eppInit(C, { now: start }).day, equityOpen: d(980), equityPeak: d(1010) });
    const r = eppStep(eppInit(C, { now: start, day }), tickAt(start, patternMid(start), { balances: spot(5, 484.5) }), C, TEST_RULES);
    expect(r.decisions).toEqual([{ type: 'ops.hard_stop', reason: 'drawdown' }]); // (1010 − 984.5)/1010 = 2.52%
  });

  it('the day opens at 00:00 even while latched: a loss taken during a HARD_STOP still counts at resume', () => {
    let sim = simStep(simStart(C, TEST_RULES, {}, MIDNIGHT - 20 * 60_000), C, TEST_RULES, { intents: [{ type: 'kill' }] });
    while (sim.now < MIDNIGHT) sim = simStep(sim, C, TEST_RULES);
    sim = simStep(sim, C, TEST_RULES, { mid: '100' }); // 00:00, equity 1000 opens the day
    expect(dayToJson(sim.state.day)).toMatchObject({ dayStartMs: MIDNIGHT, equityOpen: '1000', equityPeak: '1000' });
    sim = simStep(sim, C, TEST_RULES, { balances: spot(5, 480) }); // 2% down, still latched
    sim = simStep(sim, C, TEST_RULES, { balances: spot(5, 480), intents: [{ type: 'resume' }] });
    expect(sim.last.decisions.filter((x) => x.type.startsWith('ops.'))).toEqual([{ type: 'ops.resume' }, { type: 'ops.hard_stop', reason: 'daily_loss' }]);
  });
});
