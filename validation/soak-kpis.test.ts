import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../domain/events/index.ts';
import type { StoredEvent } from './events.ts';
import { type KpiId } from './soak-kpis.ts';
import { type SoakReport, paperSoakReport } from './soak-report.ts';
import { PAPER_SOAK_THRESHOLDS_V1 } from './soak-thresholds.ts';
import { MIN, T0, scenario, stamper } from './synthetic.fixtures.ts';
import { parseDuration } from './window.ts';

const asStored = (es: readonly EventEnvelope[]): StoredEvent[] => es.map((e) => ({ ...e, payload: e.payload }));
function report(events: readonly EventEnvelope[], window = 'all', extra: { bot?: string; budgets?: Map<string, number> } = {}): SoakReport {
  return paperSoakReport({
    source: 'test', events: asStored(events), window: parseDuration(window), windowText: window,
    ...(extra.bot !== undefined ? { bot: extra.bot } : {}), ...(extra.budgets !== undefined ? { cancelBudgets: extra.budgets, cancelBudgetSource: 'config t' } : {}),
  });
}
const kpi = (r: SoakReport, id: KpiId) => {
  const k = r.bots[0]?.kpis.find((x) => x.id === id);
  if (k === undefined) throw new Error(`no ${id}`);
  return k;
};

describe('paper-soak KPIs on synthetic events', () => {
  it('a healthy 20-minute run passes all 7 KPIs, with the thresholds version named', () => {
    const r = report(scenario({ minutes: 20 }));
    expect(r.status).toBe('PASS');
    expect(r.thresholdsVersion).toBe('paper-soak-thresholds/v1');
    expect(r.bots[0]?.kpis.map((k) => [k.id, k.pass])).toEqual([
      ['running_pct', true], ['turnover_x', true], ['daily_loss_pct', true], ['drawdown_pct', true], ['cancels_within_budget', true], ['fills', true], ['rejects_after_warmup', true],
    ]);
    // The warm-up minute's sample is left out of running_pct.
    expect(kpi(r, 'running_pct').evidence).toMatchObject({ samples: 19, running: 19, samplesInWarmup: 1 });
    expect(r.bots[0]?.warmups[0]?.end).toBe(new Date(T0 + MIN + 1000).toISOString());
  });

  it('running_pct: fails at 60 % running, passes at exactly 65 %', () => {
    const fail = report(scenario({ minutes: 21, minute: (i) => (i >= 1 && i <= 8 ? { state: 'SoftPaused' } : {}) })); // 12/20
    expect(kpi(fail, 'running_pct')).toMatchObject({ value: '0.6', pass: false });
    expect((kpi(fail, 'running_pct').evidence['notRunning'] as unknown[]).length).toBe(8);
    expect(fail.status).toBe('FAIL');
    const edge = report(scenario({ minutes: 21, minute: (i) => (i >= 1 && i <= 7 ? { state: 'SoftPaused' } : {}) })); // 13/20
    expect(kpi(edge, 'running_pct')).toMatchObject({ value: '0.65', pass: true });
  });

  it('turnover_x: 3× passes, above fails', () => {
    expect(kpi(report(scenario({ minutes: 3, minute: (i) => (i === 2 ? { traded: '2980' } : {}) })), 'turnover_x')).toMatchObject({ value: '3', pass: true });
    const r = report(scenario({ minutes: 3, minute: (i) => (i === 2 ? { traded: '2990' } : {}) }));
    expect(kpi(r, 'turnover_x')).toMatchObject({ value: '3.01', pass: false });
  });

  it('daily_loss_pct: a 1.5 % loss fails (strict <), 1.4 % passes', () => {
    expect(kpi(report(scenario({ minutes: 5, minute: (i) => (i === 3 ? { equity: '985' } : {}) })), 'daily_loss_pct')).toMatchObject({ value: '0.015', pass: false });
    expect(kpi(report(scenario({ minutes: 5, minute: (i) => (i === 3 ? { equity: '986' } : {}) })), 'daily_loss_pct')).toMatchObject({ value: '0.014', pass: true });
  });

  it('drawdown_pct: 2.5 % from the day\'s peak fails, even while above the day\'s open', () => {
    const r = report(scenario({ minutes: 5, minute: (i) => (i === 2 ? { equity: '1040', equityPeak: '1040' } : i >= 3 ? { equity: '1014', equityPeak: '1040' } : {}) }));
    expect(kpi(r, 'drawdown_pct')).toMatchObject({ value: '0.025', pass: false });
    expect(kpi(r, 'daily_loss_pct').pass).toBe(true);
  });

  it('cancels_within_budget: over budget in 1 of 20 samples is exactly 95 % (fails: > 95 % needed); 1 of 21 passes', () => {
    const over = (minutes: number) => report(scenario({ minutes, minute: (i) => (i === 5 ? { cancels: 51 } : { cancels: 50 }) }));
    expect(kpi(over(21), 'cancels_within_budget')).toMatchObject({ value: '0.95', pass: false });
    const ok = kpi(over(22), 'cancels_within_budget');
    expect(ok.pass).toBe(true);
    expect(ok.evidence).toMatchObject({ budgetPerMin: 50, maxPerMin: 51, overBudget: [{ cancelsLastMinute: 51 }] });
    // A budget from the config replaces the default.
    const strict = report(scenario({ minutes: 10, minute: () => ({ cancels: 20 }) }), 'all', { budgets: new Map([['bot-a', 10]]) });
    expect(kpi(strict, 'cancels_within_budget')).toMatchObject({ value: '0', pass: false, evidence: { budgetPerMin: 10, budgetSource: 'config t' } });
  });

  it('fills: zero fills fails', () => {
    const r = report(scenario({ minutes: 10, minute: () => ({ fills: 0 }) }));
    expect(kpi(r, 'fills')).toMatchObject({ value: '0', pass: false });
    expect(r.status).toBe('FAIL');
  });

  it('rejects_after_warmup: 1 in 101 orders passes, 3 in 103 fails; an order ends the warm-up', () => {
    // Warm-up (minute 0) places no orders in the desk; a reject there is ignored anyway.
    const warm = report(scenario({ minutes: 6, minute: (i) => (i === 0 ? { rejects: 3, orders: 0 } : {}) }));
    // An order.created ends the warm-up (a warming bot places none): these rejects count.
    expect(kpi(warm, 'rejects_after_warmup').evidence).toMatchObject({ rejects: 3, ordersCreated: 13, rejectsInWarmup: 0 });
    const some = (rejects: number) => report(scenario({ minutes: 51, minute: (i) => (i === 10 ? { rejects } : {}) }));
    expect(kpi(some(1), 'rejects_after_warmup')).toMatchObject({ pass: true, evidence: { rejects: 1, ordersCreated: 101, reasons: { post_only_would_cross: 1 } } });
    expect(kpi(some(3), 'rejects_after_warmup')).toMatchObject({ pass: false, evidence: { rejects: 3 } });
  });

  it('window: the last 10 minutes only; a window longer than the data is INVALID with a finding', () => {
    const r = report(scenario({ minutes: 30, minute: (i) => (i < 20 ? { state: 'SoftPaused', fills: 0 } : {}) }), '10m');
    expect(kpi(r, 'running_pct')).toMatchObject({ value: '1', pass: true });
    const long = report(scenario({ minutes: 30 }), '2h');
    expect(long.status).toBe('INVALID');
    expect(long.findings[0]).toMatchObject({ code: 'window_exceeds_data', severity: 'invalid', botId: 'bot-a' });
  });

  it('bad input: no events, an unknown bot', () => {
    expect(report([]).findings[0]?.code).toBe('no_events');
    expect(report([]).status).toBe('INVALID');
    const r = report(scenario({ minutes: 5 }), 'all', { bot: 'nope' });
    expect(r).toMatchObject({ status: 'INVALID', findings: [{ code: 'unknown_bot' }] });
  });

  it('a bot that never leaves warm-up has no post-warm-up samples: running fails with a finding', () => {
    const r = report(scenario({ minutes: 5, warmupMinutes: 5 }));
    expect(kpi(r, 'running_pct')).toMatchObject({ value: null, pass: false, evidence: { finding: 'no post-warm-up state samples in the window' } });
    expect(r.bots[0]?.warmups[0]?.end).toBeNull();
  });

  it('a restart begins another warm-up: rejects in it do not count', () => {
    const events = scenario({ minutes: 10 });
    const stamp = stamper();
    // Another producer stamps the restart; only ts/type/botId matter to the KPIs.
    const restart = { ...stamp('bot-a', T0 + 5 * MIN + 100, 'bot.restarted', { incarnation: 1 }), producer: 'bot.bot-a#2' };
    const rej = { ...stamp('bot-a', T0 + 5 * MIN + 200, 'order.rejected', { clientOrderId: 'x', reason: 'r' }), producer: 'bot.bot-a#2' };
    const r = report([...events, restart, rej]);
    expect(kpi(r, 'rejects_after_warmup').evidence).toMatchObject({ rejects: 0, rejectsInWarmup: 1 });
    expect(r.bots[0]?.warmups).toHaveLength(2);
  });

  it('V1 thresholds are the origin plan\'s', () => {
    expect(PAPER_SOAK_THRESHOLDS_V1.minRunningFraction.toString()).toBe('0.65');
    expect(PAPER_SOAK_THRESHOLDS_V1.maxTurnoverX.toString()).toBe('3');
    expect(PAPER_SOAK_THRESHOLDS_V1.maxDailyLossFraction.toString()).toBe('0.015');
    expect(PAPER_SOAK_THRESHOLDS_V1.maxDrawdownFraction.toString()).toBe('0.025');
    expect(PAPER_SOAK_THRESHOLDS_V1.minCancelWithinBudgetFraction.toString()).toBe('0.95');
  });
});
