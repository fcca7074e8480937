/**
 * Shared by the NATS benchmarks: a throw-away multi-process desk on the local NATS server under a
 * unique `--prefix` (3 `desk host` children, a `desk killswitch` child, an echo responder child),
 * a generated desk config of 10 paper bots on the bundled captures, an observer connection that
 * sees every wire message of the namespace with a monotonic receive time, and the clean-up
 * (children stopped, the namespace's streams and KV buckets deleted, temp files removed).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JetStreamManager, NatsConnection } from 'nats';
import { parse, stringify } from 'yaml';
import { NatsBus } from '../adapters/bus/nats.ts';
import { DESK_DAILY_BUCKET, DESK_LATCH_BUCKET } from '../adapters/jetstream/kv.ts';
import { deskStreamNames } from '../adapters/jetstream/streams.ts';
import { connectNats } from '../adapters/nats/connect.ts';
import { DEFAULT_CONFIG } from './desk-harness.ts';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DESK_BIN = join(REPO, 'bin', 'desk.js');

/** A unique namespace (subject prefix, stream and bucket suffix). */
export function benchPrefix(kind: string): string {
  return `bench-${kind}-${randomBytes(4).toString('hex')}`;
}

/** Deletes the namespace's desk streams and KV buckets (whichever exist). */
export async function deleteNamespace(jsm: JetStreamManager, prefix: string): Promise<string[]> {
  const names = deskStreamNames(prefix);
  const deleted: string[] = [];
  for (const s of [names.events, names.audit, `KV_${DESK_DAILY_BUCKET}_${prefix}`, `KV_${DESK_LATCH_BUCKET}_${prefix}`]) {
    try {
      if (await jsm.streams.delete(s)) deleted.push(s);
    } catch {
      // not there
    }
  }
  return deleted;
}

export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  /** Everything the child wrote to stderr (for failures). */
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts `args` under node (tsx loaded) and resolves once `readyText` appears on stdout or stderr. */
export async function startChild(name: string, args: readonly string[], readyText: string, timeoutMs = 30_000): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  let err = '';
  let out = '';
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: ${name} not ready within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`)), timeoutMs);
    const check = (): void => {
      if (err.includes(readyText) || out.includes(readyText)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    proc.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      check();
    });
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bench: ${name} exited (${String(code)}) before it was ready; stderr: ${err.slice(-2000)}`));
    });
  });
  return { name, proc, stderr: () => err, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
export async function stopChild(c: Child, graceMs = 10_000): Promise<number | null> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return c.proc.exitCode;
  c.proc.kill('SIGTERM');
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), graceMs);
  const code = await c.exited;
  clearTimeout(timer);
  return code;
}

/** One message seen by the observer: wire subject (prefix stripped), bytes parsed, monotonic receive time. */
export interface Seen {
  readonly subject: string;
  readonly data: Record<string, unknown>;
  readonly at: number;
}

/** Bot ids of the generated config: 5 on BTCUSDT, 5 on ETHUSDT. */
export const BOT_IDS = ['btc-1', 'btc-2', 'btc-3', 'btc-4', 'btc-5', 'eth-1', 'eth-2', 'eth-3', 'eth-4', 'eth-5'] as const;

/**
 * Writes a desk config of 10 paper bots (the default desk's two bots, 5 copies each with their
 * own id and paper seed) on the bundled captures, with absolute capture paths. The bars are
 * shortened (1 s bars, 5-bar ATR, 10-bar EMA) and the tick is 100 ms, so that at `--speed 1`
 * bots start quoting within seconds and re-quote within ~100 ms of a rearm.
 */
export async function writeTenBotConfig(dir: string): Promise<string> {
  const doc = parse(await readFile(DEFAULT_CONFIG, 'utf8')) as {
    market_data: { captures: { files: string[] }[]; speed?: number };
    runtime: Record<string, unknown>;
    bots: Record<string, unknown>[];
  };
  const base = dirname(DEFAULT_CONFIG);
  for (const c of doc.market_data.captures) c.files = c.files.map((f) => resolve(base, f));
  doc.market_data.speed = 1;
  doc.runtime['tick_interval_ms'] = 100;
  const [btc, eth] = doc.bots as [Record<string, unknown>, Record<string, unknown>];
  const bots: Record<string, unknown>[] = [];
  for (const id of BOT_IDS) {
    const src = id.startsWith('btc') ? btc : eth;
    const copy = structuredClone(src);
    copy['id'] = id;
    const strategy = copy['strategy'] as Record<string, unknown>;
    strategy['bar_interval_s'] = 1;
    strategy['drift_window_s'] = 1;
    strategy['atr_period'] = 5;
    strategy['ema_period'] = 10;
    (copy['paper'] as Record<string, unknown>)['seed'] = 40 + bots.length;
    bots.push(copy);
  }
  doc.bots = bots;
  const file = join(dir, 'desk.bench-10-bots.yaml');
  await writeFile(file, stringify(doc));
  return file;
}

export interface Cluster {
  readonly prefix: string;
  readonly dir: string;
  readonly nc: NatsConnection;
  readonly bus: NatsBus;
  readonly children: Child[];
  /** Observer subscriptions: callback per message of the pattern (prefix included). */
  observe(pattern: string, fn: (m: Seen) => void): () => void;
  close(): Promise<{ deleted: string[]; exitCodes: Record<string, number | null> }>;
}

/** Connects the bench (its bus uses `prefix`) and makes a temp dir; children are started by the caller. */
export async function openCluster(prefix: string): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const nc = await connectNats({ name: `desk-bench-${prefix}` });
  const bus = new NatsBus(nc, { prefix });
  const children: Child[] = [];
  const decoder = new TextDecoder();
  return {
    prefix,
    dir,
    nc,
    bus,
    children,
    observe(pattern, fn) {
      const sub = nc.subscribe(`${prefix}.${pattern}`, {
        callback: (err, m) => {
          if (err) return;
          const at = performance.now();
          let data: Record<string, unknown> = {};
          try {
            const v: unknown = JSON.parse(decoder.decode(m.data));
            if (typeof v === 'object' && v !== null && !Array.isArray(v)) data = v as Record<string, unknown>;
          } catch {
            // not JSON: ignored
          }
          fn({ subject: m.subject.slice(prefix.length + 1), data, at });
        },
      });
      return () => sub.unsubscribe();
    },
    async close() {
      const exitCodes: Record<string, number | null> = {};
      // Hosts first (they cancel their bots' orders and flush), all at once.
      await Promise.all(children.map(async (c) => (exitCodes[c.name] = await stopChild(c))));
      await bus.close();
      const deleted = await deleteNamespace(await nc.jetstreamManager(), prefix);
      await nc.drain().catch(() => nc.close());
      await rm(dir, { recursive: true, force: true });
      return { deleted, exitCodes };
    },
  };
}

/** `desk <args…> --prefix <ns> --var <dir>` as a child process (through bin/desk.js). */
export function deskArgs(cluster: Cluster, args: readonly string[]): string[] {
  // BENCH_CPU_PROF=<dir>: each desk child writes a V8 CPU profile there on exit (for finding where time goes).
  const prof = process.env['BENCH_CPU_PROF'];
  return [...(prof ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', prof] : []), DESK_BIN, ...args, '--prefix', cluster.prefix, '--var', cluster.dir];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Summary statistics of latencies in ms. */
export function stats(xs: readonly number[]): { n: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
  return { n: s.length, p50: at(50), p90: at(90), p99: at(99), max: s[s.length - 1] as number, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

export const ms3 = (x: number): string => x.toFixed(3);
