import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../adapters/bus/in-process.ts';
import { RISK_DECISION_SUBJECT, killSwitchSubject } from '../adapters/bus/subjects.ts';
import type { BusMsg, JsonObject } from '../adapters/bus/types.ts';
import { WallClock } from '../adapters/clock/wall-clock.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import { silentLogger } from '../otel/logger.ts';
import { createEventLog } from './event-log.ts';
import { KillSwitchService } from './kill-switch-service.ts';

interface Harness {
  bus: InProcessBus;
  svc: KillSwitchService;
  events: EventEnvelope[];
  /** Requests each fake host received, per bot. */
  requests: Map<string, JsonObject[]>;
}

const live: Harness[] = [];

const okReply = (botId: string): JsonObject => ({ ok: true, host: 'h1', results: [{ botId, outcome: 'latched', verified: true, openOrdersAtVerify: 0, attempts: 1 }] });

/**
 * Fake hosts: `alpha` answers ok at once, `beta` answers not-verified twice then ok, `gamma`
 * never answers; `delta` answers ok after `delayMs` (a kill in flight).
 */
function harness(opts: { maxAttempts?: number; requestTimeoutMs?: number; retryDelayMs?: number; delayMs?: number } = {}): Harness {
  const bus = new InProcessBus();
  const events: EventEnvelope[] = [];
  const requests = new Map<string, JsonObject[]>();
  const seen = (bot: string, m: BusMsg): number => {
    const list = requests.get(bot) ?? [];
    list.push(m.data);
    requests.set(bot, list);
    return list.length;
  };
  bus.subscribe(killSwitchSubject('alpha'), (m) => {
    seen('alpha', m);
    m.respond(okReply('alpha'));
  });
  bus.subscribe(killSwitchSubject('beta'), (m) => {
    const n = seen('beta', m);
    m.respond(n <= 2 ? { ok: false, host: 'h1', results: [{ botId: 'beta', outcome: 'latched', verified: false, openOrdersAtVerify: 2, attempts: 5 }] } : okReply('beta'));
  });
  bus.subscribe(killSwitchSubject('gamma'), (m) => {
    seen('gamma', m); // never answers
  });
  bus.subscribe(killSwitchSubject('delta'), (m) => {
    seen('delta', m);
    setTimeout(() => m.respond(okReply('delta')), opts.delayMs ?? 50);
  });
  const svc = new KillSwitchService({
    bus,
    clock: new WallClock(),
    log: createEventLog({ append: (e) => events.push(e) }),
    logger: silentLogger(),
    maxAttempts: opts.maxAttempts ?? 3,
    requestTimeoutMs: opts.requestTimeoutMs ?? 30,
    retryDelayMs: opts.retryDelayMs ?? 5,
  });
  svc.start();
  const h = { bus, svc, events, requests };
  live.push(h);
  return h;
}

afterEach(async () => {
  for (const h of live.splice(0)) {
    h.svc.stop();
    await h.bus.close();
  }
});

const ofBot = (h: Harness, botId: string): EventEnvelope[] => h.events.filter((e) => e.botId === botId);
const waitFor = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('KillSwitchService', () => {
  it('confirms, retries and gives up per bot, auditing each bot in one correlation chain', async () => {
    const h = harness({ maxAttempts: 3, requestTimeoutMs: 30, retryDelayMs: 5 });
    const cs = await h.svc.kill(['alpha', 'beta', 'gamma'], 'portfolio daily_loss', 'risk-1');

    expect(cs.map((c) => [c.botId, c.ok, c.attempts])).toEqual([
      ['alpha', true, 1],
      ['beta', true, 3],
      ['gamma', false, 3],
    ]);
    expect(cs[0]?.reply).toEqual(okReply('alpha'));
    expect(cs[0]?.error).toBeNull();
    expect(cs[2]?.reply).toBeNull();
    expect(cs[2]?.error).toMatch(/timed out|timeout/i);
    expect(h.svc.confirmations.map((c) => c.botId).sort()).toEqual(['alpha', 'beta', 'gamma']);

    // Each request carries the reason, the risk trigger and the decision id.
    expect(h.requests.get('alpha')).toEqual([{ reason: 'portfolio daily_loss', trigger: 'risk', decisionId: 'risk-1' }]);
    expect(h.requests.get('beta')).toHaveLength(3);
    expect(h.requests.get('gamma')).toHaveLength(3);

    expect(ofBot(h, 'alpha').map((e) => e.type)).toEqual(['killswitch.requested', 'killswitch.confirmed']);
    expect(ofBot(h, 'beta').map((e) => e.type)).toEqual(['killswitch.requested', 'killswitch.retry', 'killswitch.retry', 'killswitch.confirmed']);
    expect(ofBot(h, 'gamma').map((e) => e.type)).toEqual(['killswitch.requested', 'killswitch.retry', 'killswitch.retry', 'killswitch.retry', 'killswitch.failed']);

    for (const bot of ['alpha', 'beta', 'gamma']) {
      const evs = ofBot(h, bot);
      const requested = evs[0] as EventEnvelope;
      expect(requested.payload).toEqual({ botId: bot, reason: 'portfolio daily_loss', decisionId: 'risk-1' });
      expect(requested.producer).toBe('killswitch.service');
      // One correlation id per bot: the requested event's own id.
      expect(new Set(evs.map((e) => e.correlationId))).toEqual(new Set([requested.eventId]));
      for (const e of evs.slice(1)) expect(e.causationId).toBe(requested.eventId);
    }
    const correlations = ['alpha', 'beta', 'gamma'].map((b) => ofBot(h, b)[0]?.correlationId);
    expect(new Set(correlations).size).toBe(3);

    const retries = ofBot(h, 'beta').filter((e) => e.type === 'killswitch.retry');
    expect(retries.map((e) => (e.payload as { attempt: number }).attempt)).toEqual([1, 2]);
    expect((retries[0]?.payload as { error: string }).error).toMatch(/not verified/);
    expect(ofBot(h, 'gamma').at(-1)?.payload).toMatchObject({ botId: 'gamma', attempts: 3 });
    expect(ofBot(h, 'beta').at(-1)?.payload).toMatchObject({ botId: 'beta', attempts: 3, reply: okReply('beta') });
  });

  it('a bot without a host (no responders) is retried and fails', async () => {
    const h = harness({ maxAttempts: 2, retryDelayMs: 1 });
    const [c] = await h.svc.kill(['nobody'], 'r', null);
    expect(c).toMatchObject({ botId: 'nobody', ok: false, attempts: 2, reply: null });
    expect(ofBot(h, 'nobody').map((e) => e.type)).toEqual(['killswitch.requested', 'killswitch.retry', 'killswitch.retry', 'killswitch.failed']);
  });

  it('a desk.risk.decision kill triggers kills of its bots; other actions do not', async () => {
    const h = harness();
    h.bus.publish(RISK_DECISION_SUBJECT, { id: 'risk-9', ts: 1, action: 'soft_pause', clears: null, rule: 'net_exposure', bots: ['alpha'], threshold: '1', value: '2' });
    h.bus.publish(RISK_DECISION_SUBJECT, { id: 'risk-10', ts: 1, action: 'clear', clears: 'kill', rule: 'daily_loss', bots: ['alpha'], threshold: '1', value: '2' });
    await new Promise((r) => setTimeout(r, 10));
    expect(h.requests.get('alpha')).toBeUndefined();

    h.bus.publish(RISK_DECISION_SUBJECT, { id: 'risk-11', ts: 2, action: 'kill', clears: null, rule: 'daily_loss', asset: null, side: null, threshold: '0.03', value: '0.05', bots: ['alpha', 'beta', 7], inputs: [] });
    await waitFor(() => h.svc.confirmations.length === 2);
    expect(h.svc.confirmations.map((c) => [c.botId, c.ok]).sort()).toEqual([['alpha', true], ['beta', true]]);
    expect(h.requests.get('alpha')).toEqual([{ reason: 'portfolio daily_loss: 0.05 ≥ 0.03', trigger: 'risk', decisionId: 'risk-11' }]);
    const requested = h.events.filter((e) => e.type === 'killswitch.requested');
    expect(requested.map((e) => e.payload)).toEqual([
      { botId: 'alpha', reason: 'portfolio daily_loss: 0.05 ≥ 0.03', decisionId: 'risk-11' },
      { botId: 'beta', reason: 'portfolio daily_loss: 0.05 ≥ 0.03', decisionId: 'risk-11' },
    ]);
  });

  it('a second kill for a bot in flight is not duplicated; once settled a new kill runs', async () => {
    const h = harness({ delayMs: 60, requestTimeoutMs: 1000 });
    const kill = { ts: 1, action: 'kill', rule: 'daily_loss', threshold: '0.03', value: '0.05', bots: ['delta'] };
    h.bus.publish(RISK_DECISION_SUBJECT, { ...kill, id: 'k1' });
    h.bus.publish(RISK_DECISION_SUBJECT, { ...kill, id: 'k2' });
    const direct = h.svc.kill(['delta'], 'operator', 'k3');
    const [c] = await direct;
    expect(c).toMatchObject({ botId: 'delta', ok: true, attempts: 1 });
    await new Promise((r) => setTimeout(r, 10));
    expect(h.requests.get('delta')).toHaveLength(1);
    expect(h.requests.get('delta')?.[0]).toMatchObject({ decisionId: 'k1' });
    expect(h.svc.confirmations).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'killswitch.requested')).toHaveLength(1);
    expect(h.events.filter((e) => e.type === 'killswitch.confirmed')).toHaveLength(1);

    // Settled: the next kill is a new request with a new chain.
    await h.svc.kill(['delta'], 'again', 'k4');
    expect(h.requests.get('delta')).toHaveLength(2);
    const requested = h.events.filter((e) => e.type === 'killswitch.requested');
    expect(requested).toHaveLength(2);
    expect(requested[0]?.correlationId).not.toBe(requested[1]?.correlationId);
  });

  it('stop() unsubscribes from risk decisions', async () => {
    const h = harness();
    h.svc.stop();
    h.bus.publish(RISK_DECISION_SUBJECT, { id: 'x', action: 'kill', rule: 'daily_loss', bots: ['alpha'] });
    await new Promise((r) => setTimeout(r, 10));
    expect(h.requests.get('alpha')).toBeUndefined();
    expect(h.events).toEqual([]);
  });
});
