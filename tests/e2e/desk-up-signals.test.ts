/**
 * End to end: `node bin/desk.js up --speed 20 …` stopped from outside — SIGTERM / SIGINT (a clean
 * stop: exit 143 / 130, summary, store flushed and verifiable), a second SIGINT (exits at once),
 * SIGKILL (the store still verifies, at most a torn last line), and the metrics endpoint of a
 * running desk. The runs are heavy (each loads the full capture), so they run one after another.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BTC_ONLY, deskChild, exitWithin, readEvents, readSummary, storeContains, unterminatedOrders, verify, waitFor,
  type Envelope, type Running, type Summary,
} from './desk-up.helpers.ts';

let tmp = '';
const children: Running[] = [];
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-e2e-up-signals-'));
});
afterEach(() => {
  // A failed test must not leave a desk running.
  for (const r of children.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * Starts a `--speed 20` desk into `<tmp>/<name>` and waits until its bots have live orders (an
 * `order.acked` in the store), so a stop has orders to cancel. Loading the capture takes a few
 * seconds of CPU per desk, more when several start at once, hence the generous wait.
 */
async function startDesk(name: string, extra: string[] = [], config: string[] = []): Promise<{ run: Running; dir: string }> {
  const dir = join(tmp, name);
  const run = deskChild(['up', ...config, '--speed', '20', '--seed', '7', '--var', dir, '--no-view', ...extra]);
  children.push(run);
  const quoting = await waitFor(() => run.child.exitCode !== null || storeContains(join(dir, 'events'), '"type":"order.acked"'), 45_000);
  if (!quoting || run.child.exitCode !== null) throw new Error(`${name}: the desk ${run.child.exitCode !== null ? `exited (${run.child.exitCode})` : 'placed no order within 45 s'}\nstderr: ${run.out.stderr}`);
  return { run, dir };
}

interface Stopped {
  readonly exit: Awaited<Running['exited']>;
  readonly dir: string;
  readonly summary: Summary;
  readonly events: Envelope[];
}

/** Starts a desk, sends `signal` once its bots quote, and collects what it left behind. */
async function stopBy(signal: 'SIGTERM' | 'SIGINT'): Promise<Stopped> {
  const { run, dir } = await startDesk(signal);
  run.child.kill(signal);
  const exit = await exitWithin(run, 10_000);
  return { exit, dir, summary: await readSummary(join(dir, 'summary.json')), events: await readEvents(join(dir, 'events')) };
}

async function doubleSigint(): Promise<{ exit: Awaited<Running['exited']>; ms: number }> {
  const { run } = await startDesk('double-sigint', [], ['--config', BTC_ONLY]);
  run.child.kill('SIGINT');
  await waitFor(() => run.out.stderr.includes('SIGINT received'), 2_000);
  run.child.kill('SIGINT');
  const t0 = Date.now();
  const exit = await exitWithin(run, 5_000);
  return { exit, ms: Date.now() - t0 };
}

async function sigkill(): Promise<{ exit: Awaited<Running['exited']>; dir: string }> {
  const { run, dir } = await startDesk('sigkill', [], ['--config', BTC_ONLY]);
  run.child.kill('SIGKILL');
  return { exit: await exitWithin(run, 10_000), dir };
}

interface MetricsRun {
  readonly stderrAtStart: string;
  readonly metrics?: { status: number; text: string };
  readonly health?: { status: number; body: { ok: boolean; details?: { bots: { botId: string; state: string }[] } } };
  readonly healthAfterStop?: 'refused' | number;
  readonly exit: Awaited<Running['exited']>;
  readonly summary: Summary;
}

async function metricsRun(): Promise<MetricsRun> {
  const { run, dir } = await startDesk('metrics', ['--metrics-port', '0'], ['--config', BTC_ONLY]);
  const stderrAtStart = run.out.stderr;
  const base = /metrics {2}(http:\/\/\S+)\/metrics {2}\(health: \/health\)/.exec(stderrAtStart)?.[1];
  let metrics: MetricsRun['metrics'];
  let health: MetricsRun['health'];
  if (base !== undefined) {
    const m = await fetch(`${base}/metrics`);
    metrics = { status: m.status, text: await m.text() };
    const h = await fetch(`${base}/health`);
    health = { status: h.status, body: (await h.json()) as NonNullable<MetricsRun['health']>['body'] };
  }
  run.child.kill('SIGTERM');
  const exit = await exitWithin(run, 10_000);
  const healthAfterStop = base === undefined ? undefined : await fetch(`${base}/health`).then((r) => r.status, () => 'refused' as const);
  return { stderrAtStart, ...(metrics ? { metrics } : {}), ...(health ? { health } : {}), ...(healthAfterStop !== undefined ? { healthAfterStop } : {}), exit, summary: await readSummary(join(dir, 'summary.json')) };
}

// All five desks run at once: after loading the capture a --speed 20 desk is mostly idle, so
// running them one after another would cost five times the wall time for no extra coverage.
let stopped: Record<'SIGTERM' | 'SIGINT', Stopped>;
let double: Awaited<ReturnType<typeof doubleSigint>>;
let killed: Awaited<ReturnType<typeof sigkill>>;
let metered: MetricsRun;
beforeAll(async () => {
  const [term, int, d, k, m] = await Promise.all([stopBy('SIGTERM'), stopBy('SIGINT'), doubleSigint(), sigkill(), metricsRun()]);
  stopped = { SIGTERM: term, SIGINT: int };
  double = d;
  killed = k;
  metered = m;
}, 90_000);

describe.each([
  { signal: 'SIGTERM' as const, code: 143 },
  { signal: 'SIGINT' as const, code: 130 },
])('desk up stopped by $signal (e2e)', ({ signal, code }) => {
  it(`exits ${code} within 10 s after a clean stop, summary endedBy ${signal}`, () => {
    const { exit, summary, events } = stopped[signal];
    expect(exit.signal).toBeNull();
    expect(exit.code, exit.stderr).toBe(code);
    expect(exit.stderr).toContain(`desk: ${signal} received — cancelling all orders and flushing the event store`);
    expect(exit.stdout).toContain(`desk stopped (${signal})`);
    expect(summary.endedBy).toBe(signal);
    expect(summary.events).toBe(events.length);
    const last = events.at(-1);
    expect(last?.type).toBe('desk.stopped');
    expect(last?.payload['endedBy']).toBe(signal);
    expect(events.filter((e) => e.type === 'bot.stopped').map((e) => [e.botId, e.payload['reason']])).toEqual([
      ['btc-paper', signal],
      ['eth-paper', signal],
    ]);
  });

  it('no order is left open: openOrdersAtEnd 0, every created order has a terminal event', () => {
    const { summary, events } = stopped[signal];
    expect(events.some((e) => e.type === 'order.created')).toBe(true);
    expect(summary.bots.map((b) => [b.botId, b.openOrdersAtEnd])).toEqual([['btc-paper', 0], ['eth-paper', 0]]);
    expect(unterminatedOrders(events)).toEqual([]);
  });

  it('desk events verify: exit 0, clean', () => {
    const { dir, events } = stopped[signal];
    const v = verify(join(dir, 'events'));
    expect(v.status, v.stderr).toBe(0);
    expect(v.report).toMatchObject({ gaps: [], duplicateEventIds: [], duplicateSeqs: [], violations: [], tornLines: [], clean: true, validEvents: events.length });
  });
});

describe('desk up: a second SIGINT exits at once (e2e)', () => {
  it('two SIGINTs in quick succession: the process ends promptly, as a SIGINT exit', () => {
    // While the desk runs, the second signal is handled: exit(130). A BTC-only desk's clean stop
    // can also finish first; a signal landing in Node's own teardown (after JavaScript has run, when
    // the signal handlers are gone) then ends the process by the signal itself. Both are a prompt
    // SIGINT exit (a shell reports 130 for either); anything else — another code, or still running — is not.
    const asExit = { code: double.exit.code, signal: double.exit.signal };
    expect([{ code: 130, signal: null }, { code: null, signal: 'SIGINT' }], double.exit.stderr).toContainEqual(asExit);
    expect(double.exit.stderr).toContain('SIGINT received');
    expect(double.ms).toBeLessThan(5_000);
  });
});

describe('desk up killed by SIGKILL (e2e)', () => {
  it('the store verifies (exit 0; at most a torn last line), no gaps, duplicates or violations', () => {
    expect(killed.exit.signal).toBe('SIGKILL');
    const v = verify(join(killed.dir, 'events'));
    expect(v.status, JSON.stringify(v.report)).toBe(0);
    expect(v.report).toMatchObject({ gaps: [], duplicateEventIds: [], duplicateSeqs: [], violations: [], clean: true });
    expect(v.report.tornLines.length).toBeLessThanOrEqual(1);
    expect(v.report.validEvents).toBeGreaterThan(0);
    expect(v.report.byType['desk.started']).toBe(1);
    expect(v.report.byType['desk.stopped']).toBeUndefined();
  });
});

describe('desk up --metrics-port 0 (e2e)', () => {
  it('prints the metrics URL; /metrics has desk_ticks_total and desk_bot_state; /health is ok', () => {
    expect(metered.stderrAtStart).toMatch(/^metrics {2}http:\/\/127\.0\.0\.1:\d+\/metrics {2}\(health: \/health\)$/m);
    expect(metered.metrics?.status).toBe(200);
    const text = metered.metrics?.text ?? '';
    expect(text).toMatch(/^desk_ticks_total\{bot="btc-paper"\} [1-9]\d*$/m);
    expect(text).toMatch(/^desk_bot_state\{bot="btc-paper",state="Running"\} 1$/m);
    expect(metered.health?.status).toBe(200);
    expect(metered.health?.body.ok).toBe(true);
    expect(metered.health?.body.details?.bots.map((b) => b.botId)).toEqual(['btc-paper']);
  });

  it('SIGTERM stops it (143) and closes the server', () => {
    expect(metered.exit.code, metered.exit.stderr).toBe(143);
    expect(metered.summary.endedBy).toBe('SIGTERM');
    expect(metered.healthAfterStop).toBe('refused');
  });
});
