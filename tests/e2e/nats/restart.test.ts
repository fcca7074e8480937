/**
 * Restarts, with real processes:
 * (a) a private nats-server restarted under a running desk (host + risk + killswitch on it): the
 *     host fails closed (control plane lost, logged), comes back (control plane up), its bot
 *     trades again, and the event spool re-publishes what the outage held back — DESK_EVENTS has
 *     no gaps and no duplicates;
 * (b) `kill -9` of a host whose bot is latched: the host restarted with the same name and prefix
 *     gets the bot back latched (HardStopped) and its day restored from KV (same day record).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, describe, expect, it } from 'vitest';
import { deskStreamNames } from '../../../adapters/jetstream/streams.ts';
import { startNatsServer, type NatsServerHandle } from '../../../adapters/nats/test-server.fixtures.ts';
import {
  Children, deskJson, deskRun, HeartbeatWatch, logHas, mustConnect, pollUntil, readDaily, readLatch, readStream, removeDirs, ROOT, teardown,
  status, uniquePrefix, varDir, waitForOutput,
} from './nats.helpers.ts';

const BTC_CONFIG = join(ROOT, 'tests/fixtures/config/desk-up-btc.yaml');
const BOT = 'btc-paper';

describe('(a) NATS server restarted mid-run', () => {
  const prefix = uniquePrefix('rs');
  const children = new Children();
  const dirs: string[] = [];
  let server: NatsServerHandle | undefined;
  let nc: NatsConnection | undefined;
  let watch: HeartbeatWatch | undefined;

  afterAll(async () => {
    watch?.close();
    await children.killAll();
    await nc?.close().catch(() => undefined);
    await server?.dispose();
    await removeDirs(dirs);
  }, 60_000);

  it('fails closed while the server is down, resumes after, and the spool leaves no gap or duplicate', async () => {
    server = await startNatsServer({ jetstream: true });
    const url = server.url;
    const dir = await varDir();
    dirs.push(dir);
    nc = await mustConnect(url);
    // Reconnects forever on its own (nats.js default: 10 attempts, 2 s apart: enough for a restart).
    watch = new HeartbeatWatch(nc, prefix);
    const common = ['--nats', url, '--prefix', prefix, '--var', dir];
    const risk = children.start(['risk', ...common]);
    const ks = children.start(['killswitch', ...common]);
    const host = children.start(['host', '--name', 'h1', '--control-plane-timeout', '2', ...common]);
    await Promise.all([waitForOutput(risk, 'desk risk: monitoring', 60_000), waitForOutput(ks, 'desk killswitch: armed', 60_000), waitForOutput(host, 'desk host h1: ready', 60_000)]);

    const spawn = await deskJson<{ ok: boolean }>(['spawn', BOT, '--host', 'h1', '--config', BTC_CONFIG, '--nats', url, '--prefix', prefix, '--speed', '6', '--seed', '7', '--timeout', '90s'], 120_000);
    expect(spawn.status, spawn.stderr).toBe(0);
    await pollUntil('the bot quoting', async () => (watch?.quoted.has(BOT) ? true : undefined), 90_000);

    // ── the restart ──────────────────────────────────────────────────────────────────────────
    const hostLog = join(dir, 'host-h1.log');
    expect(await logHas(hostLog, 'control plane lost: bots soft-paused')).toBe(false);
    await server.restart();
    await pollUntil('"control plane lost" in the host log', async () => ((await logHas(hostLog, 'control plane lost: bots soft-paused')) ? true : undefined), 30_000);
    watch.reset();
    await pollUntil('"control plane up" again after the restart', async () => {
      const msgs = (await readFile(hostLog, 'utf8')).split('\n').filter((l) => l.includes('"msg":"control plane'));
      return msgs.at(-1)?.includes('control plane up') === true && msgs.length >= 3 ? true : undefined; // up (start), lost, up
    }, 60_000);
    // Trading again: Running with open orders, not held.
    await pollUntil('the bot quoting again after the restart', async () => (watch?.quoted.has(BOT) ? true : undefined), 60_000, 250, () => watch?.describe() ?? '');
    const st = await status(prefix, url);
    expect(st.hosts).toEqual([expect.objectContaining({ host: 'h1', controlPlaneLost: false })]);
    expect(st.bots.find((b) => b.botId === BOT)?.latched).toBe(false);

    // ── stop everything, then the streams ───────────────────────────────────────────────────
    for (const p of [host, risk, ks]) p.child.kill('SIGTERM');
    for (const e of await Promise.all([host, risk, ks].map((p) => p.exited))) expect(e.code, e.stderr).toBe(143);
    const v = await deskRun(['events', 'verify', '--nats', url, '--prefix', prefix, '--json']);
    expect(v.status, v.stdout.slice(0, 4000)).toBe(0);
    const report = JSON.parse(v.stdout) as { clean: boolean; events: { gaps: unknown[]; duplicateEventIds: unknown[]; duplicateSeqs: unknown[]; byType: Record<string, number> } };
    expect(report.clean).toBe(true);
    expect({ gaps: report.events.gaps, dupIds: report.events.duplicateEventIds, dupSeqs: report.events.duplicateSeqs }).toEqual({ gaps: [], dupIds: [], dupSeqs: [] });
    expect(report.events.byType['order.created']).toBeGreaterThan(0);
    // The soft pause of the outage itself reached DESK_EVENTS (written while NATS was down: spooled, then re-published).
    const events = await readStream(nc, deskStreamNames(prefix).events);
    const held = events.filter((e) => e.type === 'ops_guard.transition' && e.botId === BOT && (e.payload['reasons'] as string[] | undefined)?.includes('control_plane'));
    expect(held.length, JSON.stringify(events.filter((e) => e.type === 'ops_guard.transition').map((e) => e.payload))).toBeGreaterThan(0);
  }, 300_000);
});

describe('(b) kill -9 of a host with a latched bot', () => {
  const prefix = uniquePrefix('k9');
  const children = new Children();
  const dirs: string[] = [];
  let nc: NatsConnection | undefined;
  let watch: HeartbeatWatch | undefined;

  afterAll(async () => {
    await teardown({ watch, children, nc, prefix, dirs });
  }, 60_000);

  it('comes back latched (HardStopped) with its day restored', async () => {
    nc = await mustConnect();
    const dir = await varDir();
    dirs.push(dir);
    watch = new HeartbeatWatch(nc, prefix);
    const common = ['--prefix', prefix, '--var', dir];
    const hostArgs = ['host', '--name', 'h1', '--no-require-risk', ...common];
    const spawnArgs = ['spawn', BOT, '--host', 'h1', '--config', BTC_CONFIG, '--prefix', prefix, '--speed', '6', '--seed', '7', '--timeout', '90s'];
    const host1 = children.start(hostArgs);
    await waitForOutput(host1, 'desk host h1: ready', 60_000);
    const s1 = await deskJson<{ ok: boolean }>(spawnArgs, 120_000);
    expect(s1.status, s1.stderr).toBe(0);
    await pollUntil('the bot quoting', async () => (watch?.quoted.has(BOT) ? true : undefined), 90_000);

    const kill = await deskJson<{ ok: boolean; result?: { verified: boolean }[] }>(['kill', BOT, '--reason', 't', '--prefix', prefix]);
    expect(kill.status, kill.stderr).toBe(0);
    expect(kill.json).toMatchObject({ ok: true, result: [{ botId: BOT, outcome: 'latched', verified: true }] });
    await pollUntil('latched in the heartbeat', async () => (watch?.bot(BOT)?.latched === true ? true : undefined), 15_000);
    const latch = await readLatch(nc, prefix, BOT);
    expect(latch).toMatchObject({ reason: 't', trigger: 'operator' });
    const dayBefore = await pollUntil('the daily record with an equity open', async () => {
      const d = await readDaily(nc as NatsConnection, prefix, BOT);
      return d !== null && d.state['equityOpen'] !== null ? d : undefined;
    }, 15_000);

    // ── kill -9, restart with the same name and prefix, spawn again ───────────────────────────
    host1.child.kill('SIGKILL');
    expect((await host1.exited).signal).toBe('SIGKILL');
    watch.reset();
    const host2 = children.start(hostArgs);
    await waitForOutput(host2, 'desk host h1: ready', 60_000);
    const s2 = await deskJson<{ ok: boolean }>(spawnArgs, 120_000);
    expect(s2.status, s2.stderr).toBe(0);
    await pollUntil('back latched and HardStopped', async () => {
      const b = watch?.bot(BOT);
      return b?.latched === true && b.state === 'HardStopped' ? true : undefined;
    }, 60_000);
    const st = await status(prefix);
    expect(st.bots.find((b) => b.botId === BOT)).toMatchObject({ host: 'h1', latched: true, state: 'HardStopped', openOrders: 0 });
    // It never quoted after the restart.
    expect(watch.quoted.has(BOT)).toBe(false);

    const dayAfter = await readDaily(nc, prefix, BOT);
    expect(dayAfter?.day).toBe(dayBefore.day);
    expect(dayAfter?.state['equityOpen']).toBe(dayBefore.state['equityOpen']);
    expect(dayAfter?.state['dayStartMs']).toBe(dayBefore.state['dayStartMs']);
    expect(await readLatch(nc, prefix, BOT)).toEqual(latch);

    host2.child.kill('SIGTERM');
    expect((await host2.exited).code).toBe(143);
  }, 300_000);
});
