/**
 * Shared helpers of the multi-process NATS end-to-end tests: a unique prefix per run, long-running
 * `desk host|risk|killswitch` children, `desk status --json`, direct reads of the desk's streams and
 * KV buckets, and the clean-up of everything a prefix created on the server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { DESK_DAILY_BUCKET, DESK_LATCH_BUCKET, kvKey } from '../../../adapters/jetstream/kv.ts';
import { deskStreamNames } from '../../../adapters/jetstream/streams.ts';
import { deskChild, type Running, sleep } from '../desk-up.helpers.ts';

export { ROOT, sleep, type Running } from '../desk-up.helpers.ts';

/** The shared server of the e2e tests (override with $NATS_URL). */
export const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** A prefix no other run uses: `e2e<pid><random hex>` (a valid NATS token, stream and bucket suffix). */
export function uniquePrefix(tag = ''): string {
  return `e2e${tag}${process.pid}${randomBytes(3).toString('hex')}`;
}

/** A fresh temp dir for a process's `--var` (logs, spool). */
export function varDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'desk-e2e-nats-'));
}

/** Connects to `url` or throws (the tests must fail, not skip, without NATS). */
export async function mustConnect(url: string = NATS_URL): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, name: 'desk-e2e-nats-test', timeout: 3_000 });
  } catch (e) {
    throw new Error(`NATS with JetStream must run on ${url} for tests/e2e/nats: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Spawns and remembers long-running children; `killAll()` SIGKILLs the ones still alive. */
export class Children {
  readonly all: Running[] = [];

  start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
    const r = deskChild(args, env);
    this.all.push(r);
    return r;
  }

  async killAll(): Promise<void> {
    await Promise.all(
      this.all.map(async (r) => {
        if (r.child.exitCode !== null || r.child.signalCode !== null) return;
        r.child.kill('SIGKILL');
        await Promise.race([r.exited, sleep(5_000)]);
      }),
    );
  }
}

/** Waits until `r`'s stderr contains `needle` (a ready line); throws with the output on timeout or exit. */
export async function waitForOutput(r: Running, needle: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (r.out.stderr.includes(needle) || r.out.stdout.includes(needle)) return;
    if (r.child.exitCode !== null) throw new Error(`process exited ${r.child.exitCode} before "${needle}"\nstdout: ${r.out.stdout}\nstderr: ${r.out.stderr}`);
    await sleep(50);
  }
  throw new Error(`no "${needle}" within ${timeoutMs} ms\nstdout: ${r.out.stdout}\nstderr: ${r.out.stderr}`);
}

/** Runs `desk …` asynchronously to completion (the event loop stays free, unlike spawnSync). */
export async function deskRun(args: readonly string[], timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = deskChild(args);
  const timer = setTimeout(() => r.child.kill('SIGKILL'), timeoutMs);
  try {
    const e = await r.exited;
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** `desk … --json` parsed; throws with the output when stdout is not JSON. */
export async function deskJson<T>(args: readonly string[], timeoutMs = 60_000): Promise<{ status: number | null; json: T; stderr: string }> {
  const r = await deskRun([...args, '--json'], timeoutMs);
  try {
    return { status: r.status, json: JSON.parse(r.stdout) as T, stderr: r.stderr };
  } catch {
    throw new Error(`desk ${args.join(' ')} --json: exit ${String(r.status)}, stdout not JSON\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

export interface StatusBot {
  readonly botId: string;
  readonly host: string;
  readonly state: string;
  readonly openOrders: number | null;
  readonly latched: boolean;
  readonly equity: string | null;
  readonly pnl: string | null;
}
export interface StatusReport {
  readonly bots: StatusBot[];
  readonly hosts: { host: string; controlPlaneLost: boolean; heartbeatAgeMs: number }[];
}

/** `desk status --json` on a prefix (optionally another server). */
export async function status(prefix: string, nats?: string): Promise<StatusReport> {
  const r = await deskJson<StatusReport>(['status', '--prefix', prefix, '--wait', '1200', ...(nats ? ['--nats', nats] : [])]);
  if (r.status !== 0) throw new Error(`desk status exited ${String(r.status)}: ${r.stderr}`);
  return r.json;
}

/** Polls `fn` until it returns a non-undefined value or the deadline passes (then throws with `what` and the last value seen). */
export async function pollUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250, detail?: () => string): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last !== undefined ? ` (last error: ${String(last)})` : ''}${detail ? `\n${detail()}` : ''}`);
    await sleep(everyMs);
  }
}

export interface StreamEvent {
  readonly eventId: string;
  readonly seq: number;
  readonly producer: string;
  readonly botId: string | null;
  readonly type: string;
  readonly correlationId?: string;
  readonly payload: Record<string, unknown>;
  /** The stream sequence. */
  readonly streamSeq: number;
  readonly subject: string;
}

/** Every message of a stream, in order (an ordered consumer from the first message to the last one now). */
export async function readStream(nc: NatsConnection, stream: string): Promise<StreamEvent[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream);
  const out: StreamEvent[] = [];
  if (info.state.messages === 0) return out;
  const consumer = await nc.jetstream().consumers.get(stream);
  const messages = await consumer.consume();
  try {
    for await (const m of messages) {
      out.push({ ...(m.json<Omit<StreamEvent, 'streamSeq' | 'subject'>>()), streamSeq: m.seq, subject: m.subject });
      if (m.seq >= info.state.last_seq) break;
    }
  } finally {
    await messages.close();
  }
  return out;
}

/** The daily-state record of a bot in `desk_daily_state_<prefix>` (raw, as the host wrote it), or null. */
export async function readDaily(nc: NatsConnection, prefix: string, botId: string): Promise<{ day: string; savedAt: number; state: Record<string, unknown> } | null> {
  const kv = await nc.jetstream().views.kv(`${DESK_DAILY_BUCKET}_${prefix}`);
  const e = await kv.get(kvKey(botId));
  if (e === null || e.operation !== 'PUT') return null;
  return e.json();
}

/** The latch of a bot in `desk_kill_latch_<prefix>`, or null. */
export async function readLatch(nc: NatsConnection, prefix: string, botId: string): Promise<Record<string, unknown> | null> {
  const kv = await nc.jetstream().views.kv(`${DESK_LATCH_BUCKET}_${prefix}`);
  const e = await kv.get(kvKey(botId));
  if (e === null || e.operation !== 'PUT') return null;
  return e.json();
}

/** Deletes the prefix's streams (DESK_EVENTS_/DESK_AUDIT_) and KV buckets (desk_daily_state_/desk_kill_latch_); missing ones are fine. */
export async function cleanupPrefix(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const names = deskStreamNames(prefix);
  // A KV bucket is the stream KV_<bucket>.
  for (const stream of [names.events, names.audit, `KV_${DESK_DAILY_BUCKET}_${prefix}`, `KV_${DESK_LATCH_BUCKET}_${prefix}`]) {
    await jsm.streams.delete(stream).catch(() => false);
  }
}

/** Whether a log file (JSON lines) has a line whose `msg` is `msg`. */
export async function logHas(file: string, msg: string): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').some((l) => l.includes(`"msg":${JSON.stringify(msg)}`));
}

/** Removes temp dirs, ignoring errors. */
export async function removeDirs(dirs: readonly string[]): Promise<void> {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

export interface HeartbeatBot {
  readonly botId: string;
  readonly state: string;
  readonly openOrders: number;
  readonly latched: boolean;
  readonly reasons: readonly string[];
}
export interface HostHeartbeat {
  readonly host: string;
  readonly ts: number;
  readonly controlPlaneLost: boolean;
  readonly bots: readonly HeartbeatBot[];
}

/**
 * Listens to every host heartbeat of a prefix straight on the connection (quicker than a `desk
 * status` child per poll): the latest one per host, and every bot ever seen quoting (Running with
 * open orders) or with a given soft reason.
 */
export class HeartbeatWatch {
  readonly latest = new Map<string, HostHeartbeat>();
  readonly quoted = new Set<string>();
  readonly reasonsSeen = new Map<string, Set<string>>();
  private readonly sub;

  constructor(nc: NatsConnection, prefix: string) {
    // `host-*` is no NATS wildcard (a `*` must be a whole token): every heartbeat, the hosts' kept.
    this.sub = nc.subscribe(`${prefix}.desk.heartbeat.*`, {
      callback: (err, m) => {
        if (err || !m.subject.startsWith(`${prefix}.desk.heartbeat.host-`)) return;
        const hb = m.json<HostHeartbeat>();
        this.latest.set(hb.host, hb);
        for (const b of hb.bots) {
          if (b.state === 'Running' && b.openOrders > 0) this.quoted.add(b.botId);
          const seen = this.reasonsSeen.get(b.botId) ?? new Set<string>();
          for (const r of b.reasons) seen.add(r);
          this.reasonsSeen.set(b.botId, seen);
        }
      },
    });
  }

  /** The latest view of a bot across hosts, or undefined. */
  bot(botId: string): HeartbeatBot | undefined {
    for (const h of this.latest.values()) {
      const b = h.bots.find((x) => x.botId === botId);
      if (b !== undefined) return b;
    }
    return undefined;
  }

  /** What was seen, for a failure message. */
  describe(): string {
    return JSON.stringify({ quoted: [...this.quoted], latest: [...this.latest.values()].map((h) => ({ host: h.host, cpLost: h.controlPlaneLost, bots: h.bots.map((b) => ({ id: b.botId, state: b.state, open: b.openOrders, latched: b.latched, reasons: b.reasons })) })) });
  }

  /** Forgets what was seen (e.g. before a restart). */
  reset(): void {
    this.latest.clear();
    this.quoted.clear();
    this.reasonsSeen.clear();
  }

  close(): void {
    this.sub.unsubscribe();
  }
}

/** Everything a NATS e2e test started, torn down in order: the watcher, the children, the prefix's streams and buckets, the temp dirs. */
export async function teardown(t: { readonly watch?: HeartbeatWatch | undefined; readonly children: Children; readonly nc?: NatsConnection | undefined; readonly prefix: string; readonly dirs: readonly string[] }): Promise<void> {
  t.watch?.close();
  await t.children.killAll();
  if (t.nc !== undefined) {
    await cleanupPrefix(t.nc, t.prefix);
    await t.nc.close();
  }
  await removeDirs(t.dirs);
}
