/**
 * The multi-process desk's acceptance scenario, with real processes on the shared NATS server:
 * `desk risk` (portfolio limits from a 4-bot fixture with a tight global daily-loss cap),
 * `desk killswitch`, two `desk host`s; `desk spawn` puts btc-a+eth-a on h1 and btc-b+eth-b on h2.
 * The bots quote, the replayed market makes the desk lose more than the cap (real paper fills on
 * the bundled capture, nothing mocked), risk decides `kill`, the kill-switch service kills every
 * scoped bot on both hosts: each latched with 0 open orders, everything in DESK_AUDIT; `resume`
 * is refused (`latched`), `rearm` works; every process exits 143 on SIGTERM, and
 * `desk events verify --prefix` is clean.
 */
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskStreamNames } from '../../../adapters/jetstream/streams.ts';
import {
  Children, deskJson, deskRun, HeartbeatWatch, mustConnect, pollUntil, readStream, ROOT, status, teardown,
  type Running, type StreamEvent, uniquePrefix, varDir, waitForOutput,
} from './nats.helpers.ts';

const CONFIG = join(ROOT, 'tests/fixtures/config/nats/desk-4bots.yaml');
const PLACEMENT = [
  ['btc-a', 'h1', '11'],
  ['eth-a', 'h1', '12'],
  ['btc-b', 'h2', '13'],
  ['eth-b', 'h2', '14'],
] as const;
const BOTS = PLACEMENT.map(([b]) => b);
/** ~65 s of wall time for the ~650 s capture: time to quote, lose, get killed and be rearmed. */
const SPEED = '10';

describe('multi-process desk: global daily-loss breach kills every bot on every host', () => {
  const prefix = uniquePrefix('mp');
  const children = new Children();
  const dirs: string[] = [];
  let nc: NatsConnection;
  let watch: HeartbeatWatch;
  let procs: { risk: Running; ks: Running; h1: Running; h2: Running };
  const timings: Record<string, number> = {};
  const t0 = Date.now();
  const mark = (what: string): void => void (timings[what] = Date.now() - t0);

  beforeAll(async () => {
    nc = await mustConnect();
    const dir = await varDir();
    dirs.push(dir);
    const common = ['--prefix', prefix, '--var', dir];
    watch = new HeartbeatWatch(nc, prefix);
    procs = {
      risk: children.start(['risk', '--config', CONFIG, ...common]),
      ks: children.start(['killswitch', ...common]),
      h1: children.start(['host', '--name', 'h1', ...common]),
      h2: children.start(['host', '--name', 'h2', ...common]),
    };
    await Promise.all([
      waitForOutput(procs.risk, 'desk risk: monitoring', 60_000),
      waitForOutput(procs.ks, 'desk killswitch: armed', 60_000),
      waitForOutput(procs.h1, 'desk host h1: ready', 60_000),
      waitForOutput(procs.h2, 'desk host h2: ready', 60_000),
    ]);
    mark('processes ready');
  }, 90_000);

  afterAll(async () => {
    await teardown({ watch, children, nc, prefix, dirs });
    // Kept in the test output: how long each phase took on this machine.
    process.stdout.write(`multi-process timings (ms since start): ${JSON.stringify(timings)}\n`);
  }, 60_000);

  it('kills, latches and audits every scoped bot; resume is refused, rearm works; clean exit and clean streams', async () => {
    // ── spawn 2 bots on each host ─────────────────────────────────────────────────────────────
    const spawned = await Promise.all(
      PLACEMENT.map(([bot, host, seed]) => deskJson<{ ok: boolean; host: string; bots: string[] }>(['spawn', bot, '--host', host, '--config', CONFIG, '--prefix', prefix, '--speed', SPEED, '--seed', seed, '--timeout', '90s'], 120_000)),
    );
    for (const [i, s] of spawned.entries()) {
      expect(s.status, s.stderr).toBe(0);
      expect(s.json).toEqual({ ok: true, host: PLACEMENT[i]?.[1], bots: [PLACEMENT[i]?.[0]] });
    }
    mark('spawned');

    // ── they quote (Running with open orders in a host heartbeat) ────────────────────────────────
    await pollUntil('every bot quoting', async () => (BOTS.every((b) => watch.quoted.has(b)) ? true : undefined), 90_000, 250, () => watch.describe());
    mark('all quoting');

    // ── the breach: every bot latched and flat (heartbeats), then the same in `desk status` ──────
    await pollUntil(
      'every bot latched with 0 open orders',
      async () => (BOTS.every((b) => watch.bot(b)?.latched === true && watch.bot(b)?.openOrders === 0) ? true : undefined),
      120_000,
      250,
      () => watch.describe(),
    );
    mark('all latched');
    const st = await status(prefix);
    for (const [bot, host] of PLACEMENT) {
      const b = st.bots.find((x) => x.botId === bot);
      expect(b, `${bot} in desk status`).toMatchObject({ host, latched: true, openOrders: 0, state: 'HardStopped' });
    }

    // ── DESK_AUDIT: the decision, each bot's latch and verification, each confirmation ──────────
    const names = deskStreamNames(prefix);
    const audit = await pollUntil(
      'the kill trail in DESK_AUDIT',
      async () => {
        const events = await readStream(nc, names.audit);
        const ok = BOTS.every((b) => ['kill.latched', 'kill.verified', 'killswitch.confirmed'].every((t) => events.some((e) => e.type === t && e.botId === b)));
        return ok && events.some(isKillDecision) ? events : undefined;
      },
      30_000,
      500,
    );
    const decision = audit.find(isKillDecision) as StreamEvent;
    expect(decision.payload).toMatchObject({ action: 'kill', rule: 'daily_loss', threshold: '0.0005' });
    expect([...(decision.payload['bots'] as string[])].sort()).toEqual([...BOTS].sort());
    expect(Number(decision.payload['value'])).toBeGreaterThanOrEqual(0.0005);
    for (const b of BOTS) {
      const confirmed = audit.find((e) => e.type === 'killswitch.confirmed' && e.botId === b) as StreamEvent;
      // The service's confirmation comes from the host that runs the bot, verified flat.
      expect(confirmed.payload['reply']).toMatchObject({ ok: true, host: PLACEMENT.find(([x]) => x === b)?.[1] });
      const verified = audit.filter((e) => e.type === 'kill.verified' && e.botId === b);
      expect(verified.length).toBeGreaterThan(0);
    }
    // Quoting really happened before the kill: order events precede the decision in DESK_EVENTS.
    const events = await readStream(nc, names.events);
    const decisionInEvents = events.find((e) => e.eventId === decision.eventId);
    expect(decisionInEvents).toBeDefined();
    for (const b of BOTS) expect(events.some((e) => e.type === 'order.created' && e.botId === b && e.streamSeq < (decisionInEvents?.streamSeq ?? 0)), `${b} placed orders before the kill`).toBe(true);
    mark('audit checked');

    // ── operator: resume refused while latched, rearm accepted ───────────────────────────────────
    const resume = await deskJson<{ ok: boolean; error?: { code: string } }>(['resume', 'btc-a', '--reason', 'try', '--prefix', prefix]);
    expect(resume.status).toBe(1);
    expect(resume.json).toMatchObject({ ok: false, botId: 'btc-a', error: { code: 'latched' } });
    const rearm = await deskJson<{ ok: boolean }>(['rearm', 'btc-a', '--reason', 'r', '--prefix', prefix]);
    expect(rearm.status, JSON.stringify(rearm.json)).toBe(0);
    expect(rearm.json).toMatchObject({ ok: true, botId: 'btc-a' });
    await pollUntil('btc-a unlatched in its heartbeat', async () => (watch.bot('btc-a')?.latched === false ? true : undefined), 15_000);
    expect(watch.bot('eth-b')?.latched).toBe(true);
    mark('resume/rearm');

    // ── SIGTERM every process: exit 143 ──────────────────────────────────────────────────────
    for (const p of Object.values(procs)) p.child.kill('SIGTERM');
    const exits = await Promise.all(Object.values(procs).map((p) => p.exited));
    for (const e of exits) expect({ code: e.code, stderr: e.code === 143 ? '' : e.stderr }).toEqual({ code: 143, stderr: '' });
    mark('stopped');

    // ── the streams: no gaps, no duplicates, protected ───────────────────────────────────────
    const v = await deskRun(['events', 'verify', '--prefix', prefix, '--json']);
    expect(v.status, v.stdout.slice(0, 4000)).toBe(0);
    const report = JSON.parse(v.stdout) as { clean: boolean; events: VerifyPart; audit: VerifyPart };
    expect(report.clean).toBe(true);
    for (const part of [report.events, report.audit]) {
      expect({ gaps: part.gaps, dupIds: part.duplicateEventIds, dupSeqs: part.duplicateSeqs, violations: part.violations }).toEqual({ gaps: [], dupIds: [], dupSeqs: [], violations: [] });
      expect({ denyDelete: part.denyDelete, denyPurge: part.denyPurge }).toEqual({ denyDelete: true, denyPurge: true });
    }
    expect(report.audit.byType['risk.decision']).toBeGreaterThan(0);
    expect(report.audit.byType['killswitch.confirmed']).toBeGreaterThanOrEqual(BOTS.length);
    expect(report.events.byType['order.created']).toBeGreaterThan(0);
    mark('verified');
  }, 330_000);
});

interface VerifyPart {
  readonly gaps: unknown[];
  readonly duplicateEventIds: unknown[];
  readonly duplicateSeqs: unknown[];
  readonly violations: unknown[];
  readonly denyDelete: boolean;
  readonly denyPurge: boolean;
  readonly byType: Record<string, number>;
}

function isKillDecision(e: StreamEvent): boolean {
  return e.type === 'risk.decision' && e.payload['action'] === 'kill';
}
