import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../adapters/bus/in-process.ts';
import { RISK_DECISION_SUBJECT, commandSubject, controlSubject, heartbeatSubject, hostSpawnSubject, killSwitchSubject } from '../adapters/bus/subjects.ts';
import type { JsonObject } from '../adapters/bus/types.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import type { DayCountersJson } from '../domain/strategy/epp/day.ts';
import { silentLogger } from '../otel/logger.ts';
import type { BotView } from './desk-view.ts';
import type { DeskEventSink } from './desk.ts';
import { BotHost, type DailyStateStore } from './host.ts';
import { MemoryLatchStore } from './kill-switch.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DEFAULT_CONFIG = join(ROOT, 'config', 'desk.default.yaml');
const DATA = join(ROOT, 'data', 'binance-spot-20240808');
const BOT = 'btc-paper';
const HOST = 'h1';

let tmp: string;
/** The default desk on a short BTC capture (~250 s of data: loads in a fraction of a second). */
let fastConfig: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-host-'));
  const lines = gunzipSync(await readFile(join(DATA, 'btcusdt_20240808.gz'))).toString('utf8').split('\n');
  const short = join(tmp, 'btcusdt_short.gz');
  await writeFile(short, gzipSync(`${lines.slice(0, 30_000).join('\n')}\n`));
  const btcFiles = '        - ../data/binance-spot-20240808/btcusdt_20240808.gz\n        - ../data/binance-spot-20240808/btcusdt_20240809.gz\n';
  const text = await readFile(DEFAULT_CONFIG, 'utf8');
  if (!text.includes(btcFiles)) throw new Error('desk.default.yaml changed: update the test fixture');
  fastConfig = join(tmp, 'fast.yaml');
  await writeFile(fastConfig, text.replace(btcFiles, `        - ${short}\n`).replaceAll('../data/', `${join(ROOT, 'data')}/`));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Harness {
  readonly bus: InProcessBus;
  readonly host: BotHost;
  readonly events: EventEnvelope[];
  readonly heartbeats: JsonObject[];
  readonly days: Map<string, DayCountersJson>;
  readonly dayGets: string[];
  readonly latches: MemoryLatchStore;
  request(subject: string, data: object, timeoutMs?: number): Promise<JsonObject>;
}

const live: Harness[] = [];

async function harness(o: { requireRisk?: boolean } = {}): Promise<Harness> {
  const bus = new InProcessBus();
  const events: EventEnvelope[] = [];
  const sink: DeskEventSink = { append: (e) => events.push(e), flush: async () => undefined, pending: 0 };
  const days = new Map<string, DayCountersJson>();
  const dayGets: string[] = [];
  const daily: DailyStateStore = {
    get: async (botId) => {
      dayGets.push(botId);
      return days.get(botId) ?? null;
    },
    put: async (botId, day) => {
      days.set(botId, day);
    },
  };
  const latches = new MemoryLatchStore();
  const heartbeats: JsonObject[] = [];
  bus.subscribe(heartbeatSubject(`host-${HOST}`), (m) => heartbeats.push(m.data));
  const host = new BotHost({
    name: HOST, bus, sink, seqState: async () => ({}), daily, latches, logger: silentLogger(), heartbeatMs: 100,
    ...(o.requireRisk !== undefined ? { requireRisk: o.requireRisk } : {}),
  });
  await host.start();
  const h: Harness = {
    bus, host, events, heartbeats, days, dayGets, latches,
    request: async (subject, data, timeoutMs = 10_000) => (await bus.request(subject, data, { timeoutMs })).data,
  };
  live.push(h);
  return h;
}

afterEach(async () => {
  for (const h of live.splice(0)) {
    await h.host.close();
    await h.bus.close();
  }
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const viewOf = (h: Harness): BotView | undefined => h.host.views().find((v) => v.botId === BOT);
const lastHeartbeatBot = (h: Harness): (JsonObject & { latched?: boolean; reasons?: string[] }) | undefined => {
  const bots = h.heartbeats.at(-1)?.['bots'] as (JsonObject & { latched?: boolean; reasons?: string[] })[] | undefined;
  return bots?.find((b) => b['botId'] === BOT);
};
const botEvents = (h: Harness, type: string): EventEnvelope[] => h.events.filter((e) => e.producer === `bot.${BOT}` && e.type === type);

let cmdSeq = 0;
const command = (type: string, reason = 'test'): JsonObject => ({ id: `cmd-${++cmdSeq}-${type}`, type, issuedAt: Date.now(), expiresAt: Date.now() + 60_000, issuer: 'tester', reason });

describe('BotHost: spawn requests', () => {
  it('spawns a bot of the default desk on request; the run ends at its duration', async () => {
    const h = await harness({ requireRisk: false });
    const reply = await h.request(hostSpawnSubject(HOST), { config: DEFAULT_CONFIG, bots: [BOT], speed: 'max', durationS: 90 });
    expect(reply).toEqual({ ok: true, host: HOST, bots: [BOT] });
    await waitFor(() => h.events.some((e) => e.type === 'desk.stopped'), 'the run to end');
    await waitFor(() => h.host.views().length === 0, 'the bot to leave the host');
    const started = h.events.find((e) => e.type === 'desk.started');
    expect(started?.producer).toBe(`desk.${HOST}.${BOT}`);
    expect(started?.payload).toMatchObject({ config: DEFAULT_CONFIG, bots: [BOT], speed: 'max' });
    expect(h.events.find((e) => e.type === 'desk.stopped')?.payload).toMatchObject({ endedBy: 'duration', openOrders: 0 });
    // Only the named bot ran.
    expect(new Set(h.events.filter((e) => e.producer.startsWith('bot.')).map((e) => e.producer))).toEqual(new Set([`bot.${BOT}`]));
  });

  it('refuses bad requests with error codes', async () => {
    const h = await harness({ requireRisk: false });
    const spawn = (data: object): Promise<JsonObject> => h.request(hostSpawnSubject(HOST), data);

    const relative = await spawn({ config: 'config/desk.default.yaml', bots: [BOT] });
    expect(relative).toMatchObject({ ok: false, host: HOST, error: { code: 'invalid_command' } });
    expect(String((relative['error'] as JsonObject)['message'])).toMatch(/^config: .*absolute path/);
    expect(await spawn({ config: DEFAULT_CONFIG, bots: [BOT], speed: 0 })).toMatchObject({ ok: false, error: { code: 'invalid_command' } });
    expect(await spawn({ config: DEFAULT_CONFIG, extra: 1 })).toMatchObject({ ok: false, error: { code: 'invalid_command' } });

    const unknown = await spawn({ config: DEFAULT_CONFIG, bots: ['sol-paper'] });
    expect(unknown).toMatchObject({ ok: false, host: HOST, error: { code: 'unknown_bot' } });
    expect(String((unknown['error'] as JsonObject)['message'])).toContain('sol-paper');

    const broken = join(tmp, 'broken.yaml');
    await writeFile(broken, 'market_data:\n  source: replay\nbots: 5\n');
    expect(await spawn({ config: broken })).toMatchObject({ ok: false, host: HOST, error: { code: 'invalid_config' } });
    expect(await spawn({ config: join(tmp, 'missing.yaml') })).toMatchObject({ ok: false, error: { code: 'invalid_config' } });
    expect(h.host.views()).toEqual([]);

    // A running bot cannot be spawned twice.
    expect(await spawn({ config: fastConfig, bots: [BOT], speed: 20 })).toEqual({ ok: true, host: HOST, bots: [BOT] });
    expect(await spawn({ config: fastConfig, bots: [BOT], speed: 20 })).toMatchObject({ ok: false, host: HOST, error: { code: 'already_running' } });
    expect(await spawn({ config: DEFAULT_CONFIG })).toMatchObject({ ok: false, error: { code: 'already_running' } }); // all bots, one of them running
    expect(h.host.views().map((v) => v.botId)).toEqual([BOT]);
  });
});

describe('BotHost: fail closed and portfolio holds', () => {
  it('requireRisk without a risk heartbeat holds the bot (control_plane): it never places an order', async () => {
    const h = await harness({ requireRisk: true });
    expect(h.heartbeats[0]).toMatchObject({ host: HOST, controlPlaneLost: true, bots: [] });
    const { done } = await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 'max', durationS: 150 });
    const summary = await done;
    expect(summary?.endedBy).toBe('duration');
    const bot = summary?.bots[0];
    expect(bot?.ticks).toBeGreaterThan(100);
    expect(bot?.ordersPlaced).toBe(0);
    expect(h.events.filter((e) => e.type === 'order.created')).toEqual([]);
    const snaps = botEvents(h, 'state.snapshot');
    expect(snaps.length).toBeGreaterThan(0);
    for (const s of snaps) expect((s.payload as { soft: string[] }).soft).toContain('control_plane');
  });

  it('shows control_plane in the views until risk heartbeats arrive, then lifts it', async () => {
    const h = await harness({ requireRisk: true });
    await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 20 });
    await waitFor(() => viewOf(h)?.reasons.includes('control_plane') === true, 'the control_plane hold');
    await waitFor(() => lastHeartbeatBot(h)?.reasons?.includes('control_plane') === true, 'a heartbeat showing the hold');
    expect(h.heartbeats.at(-1)?.['controlPlaneLost']).toBe(true);

    const beat = setInterval(() => h.bus.publish(heartbeatSubject('risk'), { ts: Date.now(), state: 'Monitoring' }), 50);
    try {
      await waitFor(() => h.heartbeats.at(-1)?.['controlPlaneLost'] === false, 'the control plane to come back');
      await waitFor(() => viewOf(h)?.reasons.includes('control_plane') === false, 'the hold to lift');
      await waitFor(() => lastHeartbeatBot(h)?.reasons?.includes('control_plane') === false, 'a heartbeat without the hold');
    } finally {
      clearInterval(beat);
    }
    expect(await h.host.stopBot(BOT)).toBe(true);
  });

  it('a portfolio soft_pause naming the bot holds it (portfolio_risk); the matching clear lifts it', async () => {
    const h = await harness({ requireRisk: false });
    await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 20 });
    await waitFor(() => (viewOf(h)?.state ?? 'Starting') !== 'Starting', 'the first tick');
    expect(viewOf(h)?.reasons).not.toContain('portfolio_risk');
    const decision = { id: 'risk-1', ts: Date.now(), rule: 'net_exposure', asset: 'BTC', side: 'long', threshold: '1000', value: '1200', inputs: [] };
    // A decision for other bots only does nothing here.
    h.bus.publish(RISK_DECISION_SUBJECT, { ...decision, action: 'soft_pause', clears: null, bots: ['eth-paper'] });
    h.bus.publish(RISK_DECISION_SUBJECT, { ...decision, action: 'soft_pause', clears: null, bots: ['eth-paper', BOT] });
    await waitFor(() => viewOf(h)?.reasons.includes('portfolio_risk') === true, 'the portfolio hold');
    await waitFor(() => lastHeartbeatBot(h)?.reasons?.includes('portfolio_risk') === true, 'a heartbeat showing the hold');
    // A warning or a clear of something else leaves the hold.
    h.bus.publish(RISK_DECISION_SUBJECT, { ...decision, id: 'risk-2', action: 'warn', clears: null, rule: 'concentration', bots: [BOT] });
    h.bus.publish(RISK_DECISION_SUBJECT, { ...decision, id: 'risk-3', action: 'clear', clears: 'soft_pause', asset: 'ETH', bots: [BOT] });
    await sleep(200);
    expect(viewOf(h)?.reasons).toContain('portfolio_risk');

    h.bus.publish(RISK_DECISION_SUBJECT, { ...decision, id: 'risk-4', action: 'clear', clears: 'soft_pause', bots: ['eth-paper', BOT] });
    await waitFor(() => viewOf(h)?.reasons.includes('portfolio_risk') === false, 'the hold to lift');

    // Decisions can be lost across a reconnect: the risk heartbeat's list of soft pauses in force
    // sets the holds too (a missed decision is applied, a missed clear is released).
    h.bus.publish(heartbeatSubject('risk'), { ts: Date.now(), state: 'Breached', softPauses: [{ rule: 'net_exposure', asset: 'BTC', side: 'long', bots: [BOT] }] });
    await waitFor(() => viewOf(h)?.reasons.includes('portfolio_risk') === true, 'the hold from the heartbeat');
    h.bus.publish(heartbeatSubject('risk'), { ts: Date.now(), state: 'Monitoring', softPauses: [] });
    await waitFor(() => viewOf(h)?.reasons.includes('portfolio_risk') === false, 'the release from the heartbeat');
    expect(await h.host.stopBot(BOT)).toBe(true);
  });
});

describe('BotHost: kill switch', () => {
  it('desk.killswitch.<bot> latches it (verified, persisted, audited); resume is refused until rearm', async () => {
    const h = await harness({ requireRisk: false });
    await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 50 });
    await waitFor(() => (viewOf(h)?.openOrders ?? 0) > 0, 'orders resting', 10_000);

    const reply = await h.request(killSwitchSubject(BOT), { reason: 'portfolio daily_loss', trigger: 'risk' });
    expect(reply).toMatchObject({ ok: true, host: HOST, results: [{ botId: BOT, outcome: 'latched', verified: true, openOrdersAtVerify: 0 }] });

    expect(h.latches.keys()).toEqual([BOT]);
    expect(await h.latches.get(BOT)).toMatchObject({ botId: BOT, reason: 'portfolio daily_loss', trigger: 'risk', verified: true });
    await waitFor(() => lastHeartbeatBot(h)?.latched === true, 'a heartbeat showing the latch');

    const kills = h.events.filter((e) => e.type.startsWith('kill.'));
    const types = kills.map((e) => e.type);
    expect(types[0]).toBe('kill.triggered');
    expect(types).toContain('kill.cancel_attempt');
    expect(types).toContain('kill.verified');
    expect(types).toContain('kill.latched');
    const triggered = kills[0] as EventEnvelope;
    expect(triggered.producer).toBe(`killswitch.${HOST}`);
    expect(triggered.payload).toMatchObject({ reason: 'portfolio daily_loss', trigger: 'risk', symbol: 'BTCUSDT' });
    const chain = kills.filter((e) => e.type !== 'kill.ignored');
    expect(new Set(chain.map((e) => e.correlationId))).toEqual(new Set([triggered.eventId]));
    await waitFor(() => (viewOf(h)?.openOrders ?? 1) === 0, 'no open orders');

    // A resume cannot lift a latch.
    const resume = await h.request(commandSubject(BOT), command('resume'));
    expect(resume).toMatchObject({ ok: false, botId: BOT, error: { code: 'latched' } });
    expect(h.latches.keys()).toEqual([BOT]);

    // Rearm does, and the latch leaves the store.
    const rearm = await h.request(commandSubject(BOT), command('rearm', 'loss dealt with'));
    expect(rearm).toMatchObject({ ok: true, botId: BOT });
    expect(h.latches.keys()).toEqual([]);
    expect(h.events.some((e) => e.type === 'kill.rearmed')).toBe(true);
    await waitFor(() => lastHeartbeatBot(h)?.latched === false, 'a heartbeat without the latch');
    expect(await h.host.stopBot(BOT)).toBe(true);
  });

  it('a portfolio kill decision starts the kill at once; the relay request that follows joins that run and is answered verified', async () => {
    const h = await harness({ requireRisk: false });
    await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 50 });
    await waitFor(() => (viewOf(h)?.openOrders ?? 0) > 0, 'orders resting', 10_000);

    // Not hosted here: ignored. Hosted: killed, without any desk.killswitch request.
    h.bus.publish(RISK_DECISION_SUBJECT, { id: 'risk-1', ts: 1, action: 'kill', clears: null, rule: 'daily_loss', asset: null, side: null, threshold: '0.03', value: '0.05', bots: [BOT, 'elsewhere'], inputs: [] });
    await waitFor(() => h.latches.keys().length > 0, 'the latch');
    expect(h.latches.keys()).toEqual([BOT]);
    expect(await h.latches.get(BOT)).toMatchObject({ reason: 'portfolio daily_loss: 0.05 ≥ 0.03', trigger: 'risk', verified: true });

    // The kill-switch service's request for the same decision: answered from the same run.
    const reply = await h.request(killSwitchSubject(BOT), { reason: 'portfolio daily_loss: 0.05 ≥ 0.03', trigger: 'risk' });
    expect(reply).toMatchObject({ ok: true, results: [{ botId: BOT, outcome: 'latched', verified: true, openOrdersAtVerify: 0 }] });
    const kills = h.events.filter((e) => e.type.startsWith('kill.'));
    expect(kills.filter((e) => e.type === 'kill.triggered')).toHaveLength(1);
    expect(kills.filter((e) => e.type === 'kill.latched')).toHaveLength(1);
    expect(kills.some((e) => e.botId === 'elsewhere')).toBe(false);
    await waitFor(() => (viewOf(h)?.openOrders ?? 1) === 0, 'no open orders');
    await waitFor(() => viewOf(h)?.state === 'HardStopped', 'the bot HardStopped');
    expect(await h.host.stopBot(BOT)).toBe(true);
  });
});

describe('BotHost: daily state', () => {
  it('persists the day counters and restores them on the next spawn', async () => {
    const h = await harness({ requireRisk: false });
    const first = await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 'max', durationS: 120 });
    const summary = await first.done;
    expect(summary?.bots[0]?.ordersPlaced).toBeGreaterThan(0); // not held: risk not required
    expect(h.dayGets).toEqual([BOT]);
    const stored = h.days.get(BOT);
    expect(stored).toBeDefined();
    if (stored === undefined) return;
    expect(stored.equityOpen).not.toBeNull();
    const lastSnap = botEvents(h, 'state.snapshot').at(-1);
    expect(lastSnap?.payload['day']).toEqual(stored);

    // A distinctive open equity, as if an earlier run of the same UTC day had seen it.
    h.days.set(BOT, { ...stored, equityOpen: '777.77', equityPeak: '2000' });
    const seen = h.events.length;
    const second = await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 'max', durationS: 90 });
    await second.done;
    expect(h.dayGets).toEqual([BOT, BOT]);
    const firstSnap = h.events.slice(seen).find((e) => e.producer === `bot.${BOT}` && e.type === 'state.snapshot');
    expect((firstSnap?.payload['day'] as JsonObject | undefined)?.['equityOpen']).toBe('777.77');
    expect(h.days.get(BOT)?.equityOpen).toBe('777.77');
  });
});

describe('BotHost: stop', () => {
  it('desk.ctl.<bot> stop: the bot leaves the host with every order cancelled', async () => {
    const h = await harness({ requireRisk: false });
    const { bots, done } = await h.host.spawn({ config: fastConfig, bots: [BOT], speed: 50 });
    expect(bots).toEqual([BOT]);
    await waitFor(() => (viewOf(h)?.openOrders ?? 0) > 0, 'orders resting', 10_000);

    expect(await h.request(controlSubject(BOT), { op: 'pause' })).toMatchObject({ ok: false, botId: BOT, error: { code: 'invalid_command' } });
    const reply = await h.request(controlSubject(BOT), { op: 'stop' });
    expect(reply).toEqual({ ok: true, botId: BOT, host: HOST, state: 'Stopped' });
    expect(h.host.views()).toEqual([]);
    expect(h.host.deskViews()).toEqual([]);
    const summary = await done;
    expect(summary?.endedBy).toBe('SIGTERM');
    expect(summary?.bots[0]?.finalState).toBe('Stopped');
    expect(summary?.bots[0]?.ordersPlaced).toBeGreaterThan(0);
    expect(summary?.bots[0]?.openOrdersAtEnd).toBe(0);
    await waitFor(() => Array.isArray(h.heartbeats.at(-1)?.['bots']) && (h.heartbeats.at(-1)?.['bots'] as unknown[]).length === 0, 'a heartbeat without the bot');
    // The bot's subjects are gone with it.
    await expect(h.bus.request(controlSubject(BOT), { op: 'stop' }, { timeoutMs: 500 })).rejects.toThrow();
    expect(await h.host.stopBot(BOT)).toBe(false);
  });
});
