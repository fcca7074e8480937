/**
 * The shipped NATS server config (`config/nats/desk-server.conf`) on a real `nats-server`: each
 * identity can do its job and nothing else that matters for safety.
 *
 * - a bot host cannot publish a kill (`desk.killswitch.all`) or an operator command (a resume on
 *   `desk.cmd.bot1`): the server reports a permissions violation and no subscriber gets anything;
 * - an operator can command a bot but cannot fire the kill switch;
 * - the risk identity can fire the kill switch;
 * - nobody but admin can delete, purge or reconfigure DESK_AUDIT / DESK_EVENTS, and even admin
 *   cannot delete or purge messages of a stream created by `ensureDeskStreams` (deny_delete,
 *   deny_purge).
 *
 * The passwords are random per run and reach the server through its environment (the config
 * reads `$DESK_NATS_*_PASSWORD`), exactly as in production. The server is a private one started
 * by the fixture; if it cannot start, every test fails (none is skipped).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NatsConnection, Status } from 'nats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NatsBus } from '../../adapters/bus/nats.ts';
import type { BusHandlerError } from '../../adapters/bus/errors.ts';
import { KILL_SWITCH_ALL_SUBJECT, commandSubject, killSwitchSubject } from '../../adapters/bus/subjects.ts';
import { DESK_AUDIT_STREAM, DESK_EVENTS_STREAM, ensureDeskStreams } from '../../adapters/jetstream/streams.ts';
import { connectNats } from '../../adapters/nats/connect.ts';
import type { NatsStatusEvent } from '../../adapters/nats/connect.ts';
import { startNatsServer } from '../../adapters/nats/test-server.fixtures.ts';
import type { NatsServerHandle } from '../../adapters/nats/test-server.fixtures.ts';

const CONFIG_FILE = fileURLToPath(new URL('../../config/nats/desk-server.conf', import.meta.url));
const IDENTITIES = ['operator', 'host', 'risk', 'killswitch', 'admin'] as const;
type Identity = (typeof IDENTITIES)[number];
const envVar = (id: Identity): string => `DESK_NATS_${id.toUpperCase()}_PASSWORD`;

/** How long a negative check waits, after both sides flushed, for a message that must not come. */
const QUIET_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One connection as an identity, with every server error it was told about. */
interface Client {
  readonly nc: NatsConnection;
  /** From `connectNats`'s `onStatus` (the desk's own status path). */
  readonly statusEvents: NatsStatusEvent[];
  /** The raw nats.js status, which names the refused subject (`permissionContext`). */
  readonly violations: { operation: string; subject: string }[];
}

/** Messages received on a subscription, by subject. */
interface Recorder {
  readonly got: { subject: string; data: string }[];
}

let server: NatsServerHandle | undefined;
let startError: unknown;
const passwords = new Map<Identity, string>();
const savedEnv = new Map<string, string | undefined>();
const clients: Client[] = [];

async function connectAs(id: Identity): Promise<Client> {
  if (server === undefined) throw new Error('nats-server is not running');
  const statusEvents: NatsStatusEvent[] = [];
  const nc = await connectNats({
    url: server.url,
    name: `perm-test-${id}`,
    auth: { kind: 'user-password', user: id, password: passwords.get(id) ?? '' },
    env: {},
    reconnectTimeWaitMs: 50,
    connectTimeoutMs: 3000,
    onStatus: (e) => statusEvents.push(e),
  });
  const violations: Client['violations'] = [];
  void (async () => {
    for await (const s of nc.status() as AsyncIterable<Status & { permissionContext?: { operation: string; subject: string } }>) {
      if (s.permissionContext) violations.push({ operation: s.permissionContext.operation, subject: s.permissionContext.subject });
    }
  })();
  const client = { nc, statusEvents, violations };
  clients.push(client);
  return client;
}

function record(nc: NatsConnection, pattern: string): Recorder {
  const got: Recorder['got'] = [];
  nc.subscribe(pattern, { callback: (err, m) => (err ? undefined : got.push({ subject: m.subject, data: m.string() })) });
  return { got };
}

/** Waits until `cond` holds or `ms` passed. */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await sleep(10);
}

/** Flushes every connection (the server has processed what each sent), then waits QUIET_MS. */
async function settle(...ncs: NatsConnection[]): Promise<void> {
  for (const nc of ncs) await nc.flush();
  await sleep(QUIET_MS);
  for (const nc of ncs) await nc.flush();
}

const resume = (id: string): Uint8Array =>
  new TextEncoder().encode(JSON.stringify({ id, type: 'resume', issuedAt: Date.now(), expiresAt: Date.now() + 60_000, issuer: 'perm-test', reason: 'test', args: {} }));
const kill = new TextEncoder().encode(JSON.stringify({ reason: 'perm-test', trigger: 'test' }));

beforeAll(async () => {
  for (const id of IDENTITIES) {
    // A letter, then hex: nats-server parses a variable's value as a config value, so a random
    // base64 string that happens to read as a date ("1234-…"), a number or one with ';' or '#'
    // fails to load or is cut short (docs/security.md).
    passwords.set(id, `p${randomBytes(18).toString('hex')}`);
    savedEnv.set(envVar(id), process.env[envVar(id)]);
    // The fixture's nats-server inherits this process's environment.
    process.env[envVar(id)] = passwords.get(id);
  }
  try {
    server = await startNatsServer({ config: readFileSync(CONFIG_FILE, 'utf8'), jetstream: true });
  } catch (e) {
    startError = e;
  }
});

beforeEach(() => {
  // A failed start fails every test (a beforeAll failure alone would report them skipped).
  if (startError !== undefined) throw startError;
});

afterAll(async () => {
  for (const c of clients) await c.nc.close().catch(() => undefined);
  await server?.dispose();
  for (const [k, v] of savedEnv) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('the shipped config', () => {
  it('refuses a wrong password and an unknown user', async () => {
    if (server === undefined) throw new Error('nats-server is not running');
    await expect(connectNats({ url: server.url, name: 'bad', auth: { kind: 'user-password', user: 'host', password: 'wrong' }, env: {} })).rejects.toThrow(/authorization failed/i);
    await expect(connectNats({ url: server.url, name: 'none', auth: { kind: 'none' }, env: {} })).rejects.toThrow(/authorization failed/i);
  });
});

describe('a bot host cannot kill or command', () => {
  it('desk.killswitch.all and a resume on desk.cmd.bot1 are refused and nobody receives them', async () => {
    const host = await connectAs('host');
    const admin = await connectAs('admin');
    const risk = await connectAs('risk');
    // Watchers: admin sees every subject; another host (through the desk's NatsBus, as a real
    // host would) listens where a kill or a resume would land.
    const adminSeen = record(admin.nc, 'desk.>');
    const otherHost = await connectAs('host');
    const busErrors: BusHandlerError[] = [];
    const bus = new NatsBus(otherHost.nc, { onError: (e) => busErrors.push(e) });
    const hostSeen: string[] = [];
    bus.subscribe(KILL_SWITCH_ALL_SUBJECT, (m) => hostSeen.push(m.subject));
    bus.subscribe(commandSubject('bot1'), (m) => hostSeen.push(m.subject));
    const riskSeen = record(risk.nc, 'desk.heartbeat.>');
    await settle(admin.nc, otherHost.nc, risk.nc);

    host.nc.publish(KILL_SWITCH_ALL_SUBJECT, kill);
    host.nc.publish(killSwitchSubject('bot1'), kill);
    host.nc.publish(commandSubject('bot1'), resume('host-forged-resume'));
    // Also refused: impersonating the risk service's heartbeat.
    host.nc.publish('desk.heartbeat.risk', new TextEncoder().encode('{}'));
    await settle(host.nc, admin.nc, otherHost.nc, risk.nc);
    await until(() => host.violations.length >= 4);

    expect(host.violations).toEqual([
      { operation: 'publish', subject: 'desk.killswitch.all' },
      { operation: 'publish', subject: 'desk.killswitch.bot1' },
      { operation: 'publish', subject: 'desk.cmd.bot1' },
      { operation: 'publish', subject: 'desk.heartbeat.risk' },
    ]);
    expect(host.statusEvents.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? e.message : ''))).toEqual(Array(4).fill('PERMISSIONS_VIOLATION'));
    // Nothing happened: no watcher got anything, and the violating connection is still usable.
    expect(adminSeen.got).toEqual([]);
    expect(hostSeen).toEqual([]);
    expect(riskSeen.got).toEqual([]);
    expect(busErrors).toEqual([]);
    expect(host.nc.isClosed()).toBe(false);

    // What a host may publish still flows (control: the watchers do work).
    host.nc.publish('desk.bot.bot1.snapshot', new TextEncoder().encode('{"ok":true}'));
    await until(() => adminSeen.got.length === 1);
    expect(adminSeen.got).toEqual([{ subject: 'desk.bot.bot1.snapshot', data: '{"ok":true}' }]);
  });

  it('a host subscription outside its allow list is refused and reported to NatsBus onError', async () => {
    const host = await connectAs('host');
    const errors: BusHandlerError[] = [];
    const bus = new NatsBus(host.nc, { onError: (e) => errors.push(e) });
    const sub = bus.subscribe('desk.bot.*.snapshot', () => undefined);
    await settle(host.nc);
    await until(() => errors.length > 0);
    expect(errors).toHaveLength(1);
    expect(String((errors[0]?.cause as Error | undefined)?.message ?? errors[0]?.message)).toMatch(/permissions violation/i);
    expect(sub.closed).toBe(true);
    expect(host.violations).toEqual([{ operation: 'subscription', subject: 'desk.bot.*.snapshot' }]);
  });
});

describe('an operator commands bots but cannot fire the kill switch', () => {
  it('desk.cmd.bot1 reaches a host; desk.killswitch.all is refused and reaches nobody', async () => {
    const operator = await connectAs('operator');
    const host = await connectAs('host');
    const admin = await connectAs('admin');
    const bus = new NatsBus(host.nc, { onError: () => undefined });
    const hostCmds: string[] = [];
    const hostKills: string[] = [];
    bus.subscribe(commandSubject('bot1'), (m) => hostCmds.push(String((m.data as { id?: unknown }).id)));
    bus.subscribe('desk.killswitch.*', (m) => hostKills.push(m.subject));
    const adminKills = record(admin.nc, 'desk.killswitch.>');
    await settle(host.nc, admin.nc);

    operator.nc.publish(commandSubject('bot1'), resume('operator-resume'));
    await until(() => hostCmds.length === 1);
    expect(hostCmds).toEqual(['operator-resume']);

    operator.nc.publish(KILL_SWITCH_ALL_SUBJECT, kill);
    await settle(operator.nc, host.nc, admin.nc);
    await until(() => operator.violations.length > 0);
    expect(operator.violations).toEqual([{ operation: 'publish', subject: 'desk.killswitch.all' }]);
    expect(hostKills).toEqual([]);
    expect(adminKills.got).toEqual([]);
    expect(hostCmds).toEqual(['operator-resume']);
  });
});

describe('risk and kill-switch identities fire the kill switch', () => {
  it.each(['risk', 'killswitch'] as const)('%s: desk.killswitch.bot1 reaches a host', async (id) => {
    const publisher = await connectAs(id);
    const host = await connectAs('host');
    const got = record(host.nc, 'desk.killswitch.>');
    await settle(host.nc);
    publisher.nc.publish(killSwitchSubject('bot1'), kill);
    await until(() => got.got.length === 1);
    expect(got.got.map((m) => m.subject)).toEqual(['desk.killswitch.bot1']);
    expect(publisher.violations).toEqual([]);
  });
});

describe('the audit trail cannot be erased', () => {
  let auditMsgs = 0;

  beforeAll(async () => {
    if (server === undefined) return;
    const admin = await connectAs('admin');
    const jsm = await admin.nc.jetstreamManager();
    await ensureDeskStreams(jsm);
    const host = await connectAs('host');
    // A host may append to the audit stream (JetStream publish with ack).
    const js = host.nc.jetstream({ timeout: 3000 });
    await js.publish('desk.audit.command', new TextEncoder().encode('{"n":1}'));
    await js.publish('desk.audit.kill', new TextEncoder().encode('{"n":2}'));
    await js.publish('desk.evt.host-a.command.applied', new TextEncoder().encode('{"n":3}'));
    auditMsgs = (await jsm.streams.info(DESK_AUDIT_STREAM)).state.messages;
  });

  async function expectIntact(): Promise<void> {
    const admin = await connectAs('admin');
    const jsm = await admin.nc.jetstreamManager();
    const audit = await jsm.streams.info(DESK_AUDIT_STREAM);
    expect(audit.state.messages).toBe(auditMsgs);
    expect(audit.config.deny_delete).toBe(true);
    expect(audit.config.deny_purge).toBe(true);
    expect((await jsm.streams.info(DESK_EVENTS_STREAM)).state.messages).toBe(1);
  }

  it.each(['host', 'operator', 'risk', 'killswitch'] as const)('%s cannot delete, purge or update DESK_AUDIT / DESK_EVENTS', async (id) => {
    expect(auditMsgs).toBe(2);
    const c = await connectAs(id);
    const jsm = await c.nc.jetstreamManager({ timeout: 2000 });
    for (const stream of [DESK_AUDIT_STREAM, DESK_EVENTS_STREAM]) {
      await expect(jsm.streams.delete(stream)).rejects.toThrow(/permissions violation/i);
      await expect(jsm.streams.purge(stream)).rejects.toThrow(/permissions violation/i);
      await expect(jsm.streams.deleteMessage(stream, 1)).rejects.toThrow(/permissions violation/i);
      await expect(jsm.streams.update(stream, { deny_delete: false, deny_purge: false })).rejects.toThrow(/permissions violation/i);
    }
    await c.nc.flush();
    expect(c.violations.map((v) => v.subject)).toEqual(
      expect.arrayContaining([
        `$JS.API.STREAM.DELETE.${DESK_AUDIT_STREAM}`,
        `$JS.API.STREAM.PURGE.${DESK_AUDIT_STREAM}`,
        `$JS.API.STREAM.MSG.DELETE.${DESK_AUDIT_STREAM}`,
        `$JS.API.STREAM.DELETE.${DESK_EVENTS_STREAM}`,
        `$JS.API.STREAM.PURGE.${DESK_EVENTS_STREAM}`,
      ]),
    );
    await expectIntact();
  });

  it('an operator can still read the streams (desk verify)', async () => {
    const operator = await connectAs('operator');
    const jsm = await operator.nc.jetstreamManager({ timeout: 2000 });
    expect((await jsm.streams.info(DESK_AUDIT_STREAM)).state.messages).toBe(auditMsgs);
    const m = await jsm.streams.getMessage(DESK_AUDIT_STREAM, { seq: 1 });
    expect(m.subject).toBe('desk.audit.command');
  });

  it('admin: the streams themselves refuse message deletion and purge', async () => {
    const admin = await connectAs('admin');
    const jsm = await admin.nc.jetstreamManager({ timeout: 2000 });
    for (const stream of [DESK_AUDIT_STREAM, DESK_EVENTS_STREAM]) {
      await expect(jsm.streams.deleteMessage(stream, 1)).rejects.toThrow(/message delete not permitted/i);
      await expect(jsm.streams.deleteMessage(stream, 1, false)).rejects.toThrow(/message delete not permitted/i);
      await expect(jsm.streams.purge(stream)).rejects.toThrow(/purge not permitted/i);
    }
    expect(admin.violations).toEqual([]);
    await expectIntact();
  });
});
