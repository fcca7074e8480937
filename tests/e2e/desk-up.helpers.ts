/**
 * Shared helpers of the `desk up` end-to-end tests: spawn `node bin/desk.js …` (sync or as a
 * long-running child), read an event store back, and check order lifecycles in it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** config/desk.default.yaml cut to the BTC bot: one capture to load, so a quicker start. */
export const BTC_ONLY = 'tests/fixtures/config/desk-up-btc.yaml';

export interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `desk …` to completion (cwd: the repo root). */
export function desk(args: readonly string[], env: NodeJS.ProcessEnv = {}): Ran {
  const r = spawnSync(process.execPath, ['bin/desk.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Running {
  readonly child: ChildProcess;
  /** Everything written so far (grows while the child runs). */
  readonly out: { stdout: string; stderr: string };
  /** Resolves when the child has exited, with its code (null when killed by a signal) and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `desk …` as a child process and returns at once. */
export function deskChild(args: readonly string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['bin/desk.js', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out.stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out.stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
  return { child, out, exited };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` every 50 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(pred: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return true;
    await sleep(50);
  }
  return pred();
}

/**
 * Starts `desk venue-sim --port 0 <args>` (Binance unless `args` say otherwise) and resolves once
 * its ready line names the URL; rejects with its stderr when it exits or takes over 30 s.
 */
export async function venueSimChild(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ readonly sim: Running; readonly url: string }> {
  const sim = deskChild(['venue-sim', ...(args.includes('--venue') ? [] : ['--venue', 'binance']), '--port', '0', ...args], env);
  const ready = /desk venue-sim: serving \w+ spot on (http:\/\/127\.0\.0\.1:\d+)/;
  await waitFor(() => ready.test(sim.out.stderr) || sim.child.exitCode !== null, 30_000);
  const m = ready.exec(sim.out.stderr);
  if (m === null) {
    if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
    throw new Error(`venue-sim did not start: ${sim.out.stderr}`);
  }
  return { sim, url: m[1] as string };
}

/** Resolves with the exit, or rejects when the child has not exited within `ms`. */
export async function exitWithin(r: Running, ms: number): Promise<Awaited<Running['exited']>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`desk did not exit within ${ms} ms\nstderr: ${r.out.stderr}`)), ms);
  });
  try {
    return await Promise.race([r.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Envelope {
  readonly eventId: string;
  readonly seq: number;
  readonly ts: number;
  readonly producer: string;
  readonly botId: string | null;
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/** The `events-*.jsonl` file names of a store, sorted (day order). */
export async function eventFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => /^events-\d{4}-\d{2}-\d{2}\.jsonl$/.test(f)).sort();
  } catch {
    return [];
  }
}

/** Every complete event of a store, in file order (a torn last line — no newline — is skipped). */
export async function readEvents(dir: string): Promise<Envelope[]> {
  const events: Envelope[] = [];
  for (const f of await eventFiles(dir)) {
    const text = await readFile(join(dir, f), 'utf8');
    const lines = text.split('\n');
    lines.pop(); // '' after the last newline, or a torn line
    for (const line of lines) events.push(JSON.parse(line) as Envelope);
  }
  return events;
}

/** Whether any event file of the store contains `needle` (raw text, so torn lines count too). */
export async function storeContains(dir: string, needle: string): Promise<boolean> {
  for (const f of await eventFiles(dir)) {
    if ((await readFile(join(dir, f), 'utf8').catch(() => '')).includes(needle)) return true;
  }
  return false;
}

const coid = (e: Envelope): string => String(e.payload['clientOrderId']);

/** Whether the event ends an order's life: cancelled, rejected, failed, or filled with nothing left. */
export function isTerminal(e: Envelope): boolean {
  if (e.type === 'order.cancelled' || e.type === 'order.rejected' || e.type === 'order.failed') return true;
  return e.type === 'order.filled' && Number(e.payload['remaining']) === 0;
}

/** The clientOrderIds with an `order.created` and no terminal event after it. */
export function unterminatedOrders(events: readonly Envelope[]): string[] {
  const open = new Set<string>();
  for (const e of events) {
    if (e.type === 'order.created') open.add(coid(e));
    else if (isTerminal(e)) open.delete(coid(e));
  }
  return [...open].sort();
}

export interface VerifyReport {
  readonly files: string[];
  readonly records: number;
  readonly validEvents: number;
  readonly byType: Record<string, number>;
  readonly gaps: unknown[];
  readonly duplicateEventIds: unknown[];
  readonly duplicateSeqs: unknown[];
  readonly violations: unknown[];
  readonly tornLines: unknown[];
  readonly clean: boolean;
}

/** `desk events verify --json <dir>`: the exit code and the parsed report. */
export function verify(dir: string): { status: number | null; report: VerifyReport; stderr: string } {
  const r = desk(['events', 'verify', '--json', dir]);
  return { status: r.status, report: JSON.parse(r.stdout) as VerifyReport, stderr: r.stderr };
}

/** A DeskSummary as written to --summary (the fields the tests look at). */
export interface Summary {
  readonly seed: number | null;
  readonly messages: number;
  readonly endedBy: string;
  readonly events: number;
  readonly bots: readonly {
    readonly botId: string;
    readonly variant: string;
    readonly finalState: string;
    readonly ordersPlaced: number;
    readonly fills: number;
    readonly insideBookPlacements: number;
    readonly openOrdersAtEnd: number;
  }[];
}

export async function readSummary(file: string): Promise<Summary> {
  return JSON.parse(await readFile(file, 'utf8')) as Summary;
}
