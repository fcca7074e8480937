import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../adapters/bus/in-process.ts';
import { RISK_REARM_SUBJECT } from './portfolio-risk.ts';
import { RISK_DECISION_SUBJECT, botSubject, heartbeatSubject } from '../adapters/bus/subjects.ts';
import type { JsonObject } from '../adapters/bus/types.ts';
import { portfolioLimitsSchema, toPortfolioLimits, type PortfolioLimitsInput } from '../config/schema/portfolio.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { silentLogger } from '../otel/logger.ts';
import type { BotRiskSnapshot as WireSnapshot } from './bot-runtime.ts';
import { createEventLog } from './event-log.ts';
import { PortfolioRiskActor, decisionToWire, fromWire } from './portfolio-risk.ts';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

class TestClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  setTimer(): () => void {
    return () => undefined;
  }
}

function limitsOf(input: PortfolioLimitsInput) {
  return toPortfolioLimits(portfolioLimitsSchema.parse(input));
}

/** A bot's wire snapshot: one BTC position at 60 000. */
function wire(botId: string, o: { ts: number; equity?: string; open?: string | null; base?: string; mark?: string | null; pendingBuy?: string; pendingSell?: string; quote?: string }): WireSnapshot {
  return {
    botId,
    ts: o.ts,
    quoteAsset: o.quote ?? 'USDT',
    equity: o.equity ?? '1000',
    equityDayOpen: o.open === undefined ? '1000' : o.open,
    positions: [{ asset: 'BTC', base: o.base ?? '0', mark: o.mark === undefined ? '60000' : o.mark, pendingBuyBase: o.pendingBuy ?? '0', pendingSellBase: o.pendingSell ?? '0' }],
    state: 'Quoting',
  };
}

interface Harness {
  bus: InProcessBus;
  clock: TestClock;
  actor: PortfolioRiskActor;
  events: EventEnvelope[];
  decisions: JsonObject[];
  heartbeats: JsonObject[];
  snap(botId: string, o: Parameters<typeof wire>[1]): void;
}

const live: Harness[] = [];

function harness(input: PortfolioLimitsInput = {}, heartbeatMs = 3_600_000): Harness {
  const bus = new InProcessBus();
  const clock = new TestClock(T0);
  const events: EventEnvelope[] = [];
  const decisions: JsonObject[] = [];
  const heartbeats: JsonObject[] = [];
  bus.subscribe(RISK_DECISION_SUBJECT, (m) => decisions.push(m.data));
  bus.subscribe(heartbeatSubject('risk'), (m) => heartbeats.push(m.data));
  const actor = new PortfolioRiskActor({
    bus,
    clock,
    limits: limitsOf(input),
    log: createEventLog({ append: (e) => events.push(e) }),
    logger: silentLogger(),
    // Cadences far away: the test evaluates explicitly.
    evaluateEveryMs: 3_600_000,
    heartbeatMs,
  });
  actor.start();
  const h: Harness = {
    bus, clock, actor, events, decisions, heartbeats,
    snap: (botId, o) => bus.publish(botSubject(botId, 'snapshot'), { botId, risk: { ...wire(botId, o) } }),
  };
  live.push(h);
  return h;
}

afterEach(async () => {
  for (const h of live.splice(0)) {
    h.actor.stop();
    await h.bus.close();
  }
});

const riskEvents = (h: Harness): EventEnvelope[] => h.events.filter((e) => e.type === 'risk.decision');

describe('PortfolioRiskActor', () => {
  it('publishes a heartbeat on desk.heartbeat.risk at start', () => {
    const h = harness();
    expect(h.heartbeats).toHaveLength(1);
    expect(h.heartbeats[0]).toEqual({ ts: T0, state: 'Monitoring', softPauses: [] });
  });

  it('a daily-loss breach publishes one kill (latched), audited with its provenance', () => {
    const h = harness({ daily_loss_pct: '0.05', portfolio_kill_switch_on_global_breach: true, net_exposure_cap_quote: '100000' });
    h.snap('alpha', { ts: T0, equity: '1000', open: '1000' });
    h.snap('beta', { ts: T0, equity: '1000', open: '1000' });
    h.actor.evaluate();
    expect(h.decisions).toEqual([]);
    expect(h.actor.state).toBe('Monitoring');

    // Aggregate: open 2000, equity 1880 → loss 0.06 ≥ 0.05.
    h.clock.ms = T0 + 1000;
    h.snap('alpha', { ts: T0 + 1000, equity: '880', open: '1000' });
    h.actor.evaluate();
    expect(h.decisions).toHaveLength(1);
    const kill = h.decisions[0] as JsonObject;
    expect(kill).toMatchObject({ action: 'kill', clears: null, rule: 'daily_loss', threshold: '0.05', value: '0.06', bots: ['alpha', 'beta'], asset: null, side: null, ts: T0 + 1000 });
    expect(typeof kill['id']).toBe('string');
    expect(kill['inputs']).toEqual([
      { kind: 'equity', botId: 'alpha', ts: T0 + 1000, equity: '880', equityDayOpen: '1000' },
      { kind: 'equity', botId: 'beta', ts: T0, equity: '1000', equityDayOpen: '1000' },
    ]);
    expect(h.actor.state).toBe('KillTriggered');
    // The audit event carries the same wire decision.
    const audited = riskEvents(h);
    expect(audited).toHaveLength(1);
    expect(audited[0]?.producer).toBe('desk.risk');
    expect(audited[0]?.payload).toEqual(kill);
    expect(h.actor.published).toEqual([kill]);

    // The breach goes on (and worsens): no second kill.
    h.clock.ms = T0 + 2000;
    h.snap('alpha', { ts: T0 + 2000, equity: '700', open: '1000' });
    h.actor.evaluate();
    h.actor.evaluate();
    expect(h.decisions.filter((d) => d['action'] === 'kill')).toHaveLength(1);
    expect(h.actor.state).toBe('KillTriggered');
  });

  it('the heartbeat lists the soft pauses in force, so hosts can reconcile after a lost decision', () => {
    const h = harness({ net_exposure_cap_quote: '100', daily_loss_pct: '0.5' }, 100);
    h.snap('alpha', { ts: T0, equity: '1000', open: '1000', base: '1', mark: '200' });
    h.actor.evaluate();
    expect(h.actor.activeSoftPauses()).toEqual([{ rule: 'net_exposure', asset: 'BTC', side: 'long', bots: ['alpha'] }]);
  });

  it('exposure: warning, then soft pause (warning cleared), then clear; each audited', () => {
    // Cap 1000 per asset, warn at 800.
    const h = harness({ net_exposure_cap_quote: '1000', warn_at_fraction: '0.8', daily_loss_pct: '0.5' });
    h.snap('alpha', { ts: T0, base: '0.007' }); // 420
    h.snap('beta', { ts: T0, base: '0.007' }); // 420 → 840 ≥ 800
    h.actor.evaluate();
    expect(h.decisions).toHaveLength(1);
    expect(h.decisions[0]).toMatchObject({ action: 'warn', rule: 'net_exposure', asset: 'BTC', side: 'long', threshold: '1000', value: '840', bots: ['alpha', 'beta'] });
    expect(h.actor.state).toBe('Monitoring');

    // Pending buys count in the long worst case: beta 0.007 + 0.003 → 600; total 1020 > 1000.
    h.snap('beta', { ts: T0 + 1, base: '0.007', pendingBuy: '0.003' });
    h.actor.evaluate();
    expect(h.decisions.slice(1)).toEqual([
      expect.objectContaining({ action: 'clear', clears: 'warn', rule: 'net_exposure', asset: 'BTC', side: 'long' }),
      expect.objectContaining({ action: 'soft_pause', clears: null, rule: 'net_exposure', asset: 'BTC', side: 'long', threshold: '1000', value: '1020', bots: ['alpha', 'beta'] }),
    ]);
    const pause = h.decisions[2] as JsonObject;
    expect(pause['inputs']).toEqual([
      { kind: 'position', botId: 'alpha', ts: T0, asset: 'BTC', base: '0.007', mark: '60000', pendingBuyBase: '0', pendingSellBase: '0' },
      { kind: 'position', botId: 'beta', ts: T0 + 1, asset: 'BTC', base: '0.007', pendingBuyBase: '0.003', mark: '60000', pendingSellBase: '0' },
    ]);
    expect(h.actor.state).toBe('Breached');

    // Same condition, moving value: nothing new.
    h.snap('beta', { ts: T0 + 2, base: '0.007', pendingBuy: '0.004' });
    h.actor.evaluate();
    expect(h.decisions).toHaveLength(3);

    // Below the warning level: the pause is held for exposure_hold_s (30 s by default; the pause
    // itself cancels the resting orders that counted), then cleared.
    h.snap('beta', { ts: T0 + 3, base: '0.001' });
    h.actor.evaluate();
    expect(h.decisions).toHaveLength(3);
    expect(h.actor.state).toBe('Breached');
    h.clock.ms += 30_000;
    h.snap('alpha', { ts: T0 + 30_000, base: '0.007' });
    h.snap('beta', { ts: T0 + 30_000, base: '0.001' });
    h.actor.evaluate();
    expect(h.decisions).toHaveLength(4);
    expect(h.decisions[3]).toMatchObject({ action: 'clear', clears: 'soft_pause', rule: 'net_exposure', asset: 'BTC', side: 'long', bots: ['alpha', 'beta'] });
    expect(h.actor.state).toBe('Monitoring');

    // Every publication is audited as risk.decision, in order, with the same payload.
    expect(riskEvents(h).map((e) => e.payload)).toEqual(h.decisions);
    expect(riskEvents(h).map((e) => (e.payload as { action: string }).action)).toEqual(['warn', 'clear', 'soft_pause', 'clear']);
    // Ids are unique.
    expect(new Set(h.decisions.map((d) => d['id'])).size).toBe(4);
  });

  it('a stale snapshot soft-pauses its bot (fail closed)', () => {
    const h = harness({ stale_after_s: 5, net_exposure_cap_quote: '100000' });
    h.snap('alpha', { ts: T0 });
    h.snap('beta', { ts: T0 });
    h.clock.ms = T0 + 4000;
    h.snap('beta', { ts: T0 + 4000 });
    h.clock.ms = T0 + 6000;
    h.actor.evaluate();
    expect(h.decisions).toEqual([expect.objectContaining({ action: 'soft_pause', rule: 'stale_snapshot', bots: ['alpha'], threshold: '5000', value: '6000' })]);
  });

  it('snapshots without a mark are not evaluated; malformed payloads are ignored', () => {
    const h = harness({ daily_loss_pct: '0.05' });
    h.snap('alpha', { ts: T0, equity: '1', open: '1000', mark: null });
    h.bus.publish(botSubject('beta', 'snapshot'), { botId: 'beta' });
    h.bus.publish(botSubject('gamma', 'snapshot'), { risk: 'nope' });
    h.actor.evaluate();
    expect(h.decisions).toEqual([]);
    expect(h.actor.state).toBe('Monitoring');
  });

  it('heartbeats go out on the cadence and report the state', async () => {
    const h = harness({ daily_loss_pct: '0.05', net_exposure_cap_quote: '100000' }, 20);
    h.snap('alpha', { ts: T0, equity: '100', open: '1000' });
    h.actor.evaluate();
    expect(h.actor.state).toBe('KillTriggered');
    h.clock.ms = T0 + 500;
    await new Promise((r) => setTimeout(r, 90));
    expect(h.heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(h.heartbeats.at(-1)).toEqual({ ts: T0 + 500, state: 'KillTriggered', softPauses: [] });
    h.actor.stop();
    const n = h.heartbeats.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(h.heartbeats).toHaveLength(n);
  });

  it('rearm lifts the latch; a breach still holding kills again', () => {
    const h = harness({ daily_loss_pct: '0.05', net_exposure_cap_quote: '100000' });
    h.snap('alpha', { ts: T0, equity: '900', open: '1000' });
    h.actor.evaluate();
    expect(h.decisions.map((d) => d['action'])).toEqual(['kill']);
    h.actor.rearm();
    expect(h.actor.state).toBe('Monitoring');
    h.actor.evaluate();
    expect(h.decisions.map((d) => d['action'])).toEqual(['kill', 'kill']);
    expect(h.actor.state).toBe('KillTriggered');
  });

  it('desk.risk.rearm (issuer and reason required) lifts the latch over the bus, audited', async () => {
    const h = harness({ daily_loss_pct: '0.05', net_exposure_cap_quote: '100000' });
    h.snap('alpha', { ts: T0, equity: '900', open: '1000' });
    h.actor.evaluate();
    expect(h.actor.state).toBe('KillTriggered');
    const bad = await h.bus.request(RISK_REARM_SUBJECT, { issuer: 'ops' }, { timeoutMs: 1000 });
    expect(bad.data).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
    expect(h.actor.state).toBe('KillTriggered');
    const ok = await h.bus.request(RISK_REARM_SUBJECT, { issuer: 'ops', reason: 'loss reviewed' }, { timeoutMs: 1000 });
    expect(ok.data).toEqual({ ok: true, state: 'Monitoring', was: 'KillTriggered' });
    expect(h.events.filter((e) => e.type === 'risk.rearmed').map((e) => e.payload)).toEqual([{ issuer: 'ops', reason: 'loss reviewed', from: 'KillTriggered', to: 'Monitoring' }]);
  });

  it('while latched, a kill that clears and comes back is audited but not published again', () => {
    const h = harness({ daily_loss_pct: '0.05', net_exposure_cap_quote: '100000' });
    h.snap('alpha', { ts: T0, equity: '900', open: '1000' });
    h.actor.evaluate();
    h.clock.ms = T0 + 1000;
    h.snap('alpha', { ts: T0 + 1000, equity: '1000', open: '1000' });
    h.actor.evaluate();
    h.clock.ms = T0 + 2000;
    h.snap('alpha', { ts: T0 + 2000, equity: '900', open: '1000' });
    h.actor.evaluate();
    expect(h.decisions.map((d) => d['action'])).toEqual(['kill', 'clear']);
    expect(h.events.filter((e) => e.type === 'risk.decision').map((e) => e.payload['action'])).toEqual(['kill', 'clear', 'kill']);
  });
});

describe('fromWire', () => {
  it('returns null when no position has a mark', () => {
    expect(fromWire(wire('a', { ts: T0, mark: null }))).toBeNull();
  });

  it('returns null on a malformed decimal', () => {
    expect(fromWire(wire('a', { ts: T0, equity: 'abc' }))).toBeNull();
  });

  it('converts decimals exactly; a null day open is the equity', () => {
    const s = fromWire(wire('a', { ts: T0, equity: '1000.123456789012345678901234', open: null, base: '-0.000000012345678901', mark: '61234.56789012345678', pendingBuy: '0.1', pendingSell: '0.2' }));
    expect(s).not.toBeNull();
    if (s === null) return;
    expect(s.botId).toBe('a');
    expect(s.ts).toBe(T0);
    expect(s.quoteAsset).toBe('USDT');
    expect(s.equity.toFixed()).toBe('1000.123456789012345678901234');
    expect(s.equityDayOpen.toFixed()).toBe('1000.123456789012345678901234');
    expect(s.positions).toHaveLength(1);
    const p = s.positions[0];
    expect(p?.base.toFixed()).toBe('-0.000000012345678901');
    expect(p?.mark.toFixed()).toBe('61234.56789012345678');
    expect(p?.pendingBuyBase.plus(p.pendingSellBase).toFixed()).toBe('0.3'); // exact decimal arithmetic, not binary float
    const withOpen = fromWire(wire('a', { ts: T0, equity: '1', open: '0.1' }));
    expect(withOpen?.equityDayOpen.toFixed()).toBe('0.1');
  });

  it('decisionToWire writes decimals as strings and marks clears', () => {
    const s = fromWire(wire('a', { ts: T0, equity: '900' }));
    if (s === null) throw new Error('no snapshot');
    const d = { action: 'soft_pause' as const, rule: 'daily_loss' as const, threshold: s.equity.minus(800), value: s.equity.dividedBy(9000), bots: ['a'], inputs: [{ kind: 'equity' as const, botId: 'a', ts: T0, equity: s.equity, equityDayOpen: s.equityDayOpen }] };
    expect(decisionToWire(d, { id: 'x', ts: 5 })).toEqual({ id: 'x', ts: 5, action: 'soft_pause', clears: null, rule: 'daily_loss', asset: null, side: null, threshold: '100', value: '0.1', bots: ['a'], inputs: [{ kind: 'equity', botId: 'a', ts: T0, equity: '900', equityDayOpen: '1000' }] });
    expect(decisionToWire(d, { id: 'y', ts: 6, cleared: true })).toMatchObject({ action: 'clear', clears: 'soft_pause' });
  });
});
