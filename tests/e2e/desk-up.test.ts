/**
 * End to end through the installed entry point: `node bin/desk.js up …` in child processes — a
 * full `--speed max` run of the embedded desk (summary, event store, order lifecycles, `desk events
 * verify`), its determinism (a second run byte-identical), a `no_trade` bot, bad input (exit 2,
 * nothing written to the store) and a second run appending to the same store.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BTC_ONLY, ROOT, deskChild, desk, eventFiles, readEvents, readSummary, unterminatedOrders, verify,
  type Envelope, type Ran, type Summary,
} from './desk-up.helpers.ts';

let tmp = '';
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-e2e-up-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('desk up --speed max --seed 7 (e2e)', () => {
  const A = (): string => join(tmp, 'A');
  const B = (): string => join(tmp, 'B');
  const args = (dir: string): string[] => ['up', '--speed', 'max', '--seed', '7', '--var', dir, '--summary', join(dir, 's.json'), '--no-view'];
  let runA: { code: number | null; stdout: string; stderr: string };
  let runB: { code: number | null; stdout: string; stderr: string };
  let summary: Summary;
  let events: Envelope[];

  beforeAll(async () => {
    // Both runs at once: they share nothing but the read-only capture.
    [runA, runB] = await Promise.all([deskChild(args(A())).exited, deskChild(args(B())).exited]);
    summary = await readSummary(join(A(), 's.json'));
    events = await readEvents(join(A(), 'events'));
  }, 60_000);

  it('exits 0 with a summary: both bots placed orders and got fills, none inside the book', () => {
    expect(runA.code, runA.stderr).toBe(0);
    expect(runA.stderr).toBe('');
    expect(runA.stdout).toMatch(/^desk stopped \(end_of_data\): \d+ messages/);
    expect(summary).toMatchObject({ seed: 7, endedBy: 'end_of_data' });
    expect(summary.events).toBe(events.length);
    expect(summary.bots.map((b) => b.botId)).toEqual(['btc-paper', 'eth-paper']);
    for (const b of summary.bots) {
      expect(b.ordersPlaced, b.botId).toBeGreaterThan(0);
      expect(b.fills, b.botId).toBeGreaterThan(0);
      expect(b.insideBookPlacements, b.botId).toBe(0);
      expect(b.finalState, b.botId).toBe('Stopped');
    }
  });

  it('the store records the run: desk started/stopped, both bots reached Running, a day rollover', () => {
    const types = new Set(events.map((e) => e.type));
    for (const t of ['desk.started', 'desk.stopped', 'bot.started', 'bot.stopped', 'order.created', 'order.acked', 'order.cancelled', 'order.filled', 'day.rollover']) {
      expect(types, t).toContain(t);
    }
    for (const bot of ['btc-paper', 'eth-paper']) {
      const states = events.filter((e) => e.botId === bot && e.type === 'state.snapshot').map((e) => e.payload['state']);
      expect(states, bot).toContain('Running');
      expect(events.filter((e) => e.botId === bot && e.type === 'order.created').length, bot).toBe(summary.bots.find((b) => b.botId === bot)?.ordersPlaced);
    }
  });

  it('no order is left open at the end of the data (summary and events)', () => {
    expect(summary.bots.map((b) => [b.botId, b.openOrdersAtEnd])).toEqual([['btc-paper', 0], ['eth-paper', 0]]);
    expect(unterminatedOrders(events)).toEqual([]);
  });

  it('desk events verify on the store: exit 0, clean', () => {
    const v = verify(join(A(), 'events'));
    expect(v.status, v.stderr).toBe(0);
    expect(v.report).toMatchObject({ gaps: [], duplicateEventIds: [], duplicateSeqs: [], violations: [], tornLines: [], clean: true });
    expect(v.report.validEvents).toBe(events.length);
    expect(v.report.files).toEqual(['events-2024-08-08.jsonl', 'events-2024-08-09.jsonl']);
  });

  it('is deterministic: a second run into another dir writes a byte-identical summary and event files', async () => {
    expect(runB.code, runB.stderr).toBe(0);
    expect(await readFile(join(B(), 's.json'), 'utf8')).toBe(await readFile(join(A(), 's.json'), 'utf8'));
    const files = await eventFiles(join(A(), 'events'));
    expect(await eventFiles(join(B(), 'events'))).toEqual(files);
    for (const f of files) {
      const [a, b] = await Promise.all([readFile(join(A(), 'events', f)), readFile(join(B(), 'events', f))]);
      expect(a.equals(b), `${f} differs between the two runs`).toBe(true);
    }
  });
});

describe('desk up with a no_trade bot (e2e)', () => {
  it('--duration 120: runs, places nothing', async () => {
    const dir = join(tmp, 'no-trade');
    const r = desk(['up', '--config', 'tests/fixtures/config/desk-up-no-trade.yaml', '--speed', 'max', '--duration', '120', '--var', dir, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout) as Summary;
    expect(printed).toEqual(await readSummary(join(dir, 'summary.json')));
    expect(printed.endedBy).toBe('duration');
    expect(printed.bots).toHaveLength(1);
    expect(printed.bots[0]).toMatchObject({ botId: 'btc-paper', variant: 'no_trade', ordersPlaced: 0, fills: 0, openOrdersAtEnd: 0 });
    const events = await readEvents(join(dir, 'events'));
    expect(events.filter((e) => e.type.startsWith('order.'))).toEqual([]);
    expect(events.map((e) => e.type)).toContain('bot.stopped');
    expect(verify(join(dir, 'events')).status).toBe(0);
  });
});

describe('desk up: bad input exits 2, names the problem and writes no events (e2e)', () => {
  const UNKNOWN_KEY = 'tests/fixtures/config/desk-up-unknown-key.yaml';
  const BAD_VALUE = 'tests/fixtures/config/desk-up-bad-value.yaml';
  const MISSING_DATA = 'tests/fixtures/config/desk-up-missing-data.yaml';
  const cap = (): string => join(tmp, 'corrupt');
  const cases: Record<string, string[]> = {
    key: ['--config', UNKNOWN_KEY],
    value: ['--config', BAD_VALUE],
    missing: ['--config', MISSING_DATA],
    capture: ['--config', 'CAPTURE'],
    speed: ['--speed', 'fast'],
    seed: ['--seed', '-1'],
  };
  const results = new Map<string, { dir: string; r: Ran }>();

  beforeAll(async () => {
    // A small capture: the first 2000 lines of the bundled BTC day, line 1500 cut short.
    await mkdir(cap(), { recursive: true });
    const lines = execFileSync('sh', ['-c', 'gzip -dc data/binance-spot-20240808/btcusdt_20240808.gz | head -n 2000'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n');
    lines[1499] = `${(lines[1499] ?? '').slice(0, 60)}GARBLED`;
    await writeFile(join(cap(), 'btc.gz'), gzipSync(lines.join('\n')));
    const fixture = await readFile(join(ROOT, 'tests/fixtures/config/desk-up-no-trade.yaml'), 'utf8');
    const config = fixture.replace(/^( +- )\.\.\/\.\.\/\.\.\/data\/binance-spot-20240808\/btcusdt_20240808\.gz$/m, '$1btc.gz').replace(/^ +- .*btcusdt_20240809\.gz\n/m, '');
    expect(config).toContain('- btc.gz\n');
    expect(config).not.toContain('20240809');
    await writeFile(join(cap(), 'desk.yaml'), config);
    cases['capture'] = ['--config', join(cap(), 'desk.yaml')];

    // Every case at once: each is a short-lived process.
    await Promise.all(
      Object.entries(cases).map(async ([name, args]) => {
        const dir = join(tmp, `bad-${name}`);
        const speed = args.includes('--speed') ? [] : ['--speed', 'max'];
        const { code, stdout, stderr } = await deskChild(['up', ...args, ...speed, '--var', dir, '--no-view']).exited;
        results.set(name, { dir, r: { status: code, stdout, stderr } });
      }),
    );
  }, 60_000);

  const refused = async (name: string): Promise<string> => {
    const { dir, r } = results.get(name) ?? { dir: '', r: { status: null, stdout: '', stderr: 'no run' } };
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(await eventFiles(join(dir, 'events'))).toEqual([]);
    return r.stderr;
  };

  it('an unknown config key: file:line:col, the path and a suggestion', async () => {
    const stderr = await refused('key');
    expect(stderr).toContain(`${UNKNOWN_KEY}: 1 problem(s)`);
    expect(stderr).toMatch(new RegExp(`${UNKNOWN_KEY}:\\d+:\\d+ +runtime\\.snapshot_intervall_s: .*did you mean "snapshot_interval_s"`));
  });

  it('an impossible value (runtime.tick_interval_ms: 5): the path and the allowed range', async () => {
    const stderr = await refused('value');
    expect(stderr).toMatch(new RegExp(`${BAD_VALUE}:\\d+:\\d+ +runtime\\.tick_interval_ms: expected an integer ≥ 10 .*got 5`));
  });

  it('a missing data file: the config path and the file', async () => {
    const stderr = await refused('missing');
    expect(stderr).toMatch(new RegExp(`${MISSING_DATA}:\\d+:\\d+ +market_data\\.captures\\[0\\]\\.files\\[1\\]: expected an existing capture file`));
    expect(stderr).toContain(join(ROOT, 'data/binance-spot-20240808/btcusdt_20990101.gz'));
  });

  it('a corrupted capture line: file:line of the bad line', async () => {
    const stderr = await refused('capture');
    expect(stderr).toContain(`desk: ${join(cap(), 'btc.gz')}:1500: malformed JSON`);
  });

  it('--speed fast', async () => {
    expect(await refused('speed')).toBe('desk: --speed: expected a positive factor (1, 20, …) or "max", got "fast"\n');
  });

  it('--seed -1', async () => {
    expect(await refused('seed')).toBe('desk: --seed: expected an integer in [0, 4294967295], got "-1"\n');
  });
});

describe('desk up twice into the same --var (e2e)', () => {
  it('the second run appends; the store still verifies (per-producer seq recovered)', async () => {
    const dir = join(tmp, 'twice');
    const args = ['up', '--config', BTC_ONLY, '--speed', 'max', '--duration', '150', '--seed', '3', '--var', dir, '--no-view'];
    const first = desk(args);
    expect(first.status, first.stderr).toBe(0);
    const before = await readEvents(join(dir, 'events'));
    expect(verify(join(dir, 'events')).status).toBe(0);

    const second = desk(args);
    expect(second.status, second.stderr).toBe(0);
    const after = await readEvents(join(dir, 'events'));
    expect(after.length).toBe(2 * before.length); // same seed, same data: the same run again
    expect(after.slice(0, before.length)).toEqual(before); // appended, nothing rewritten
    expect(before.some((e) => e.type === 'order.created')).toBe(true);
    expect(after.filter((e) => e.type === 'desk.started')).toHaveLength(2);
    // Seqs continue per producer: the second desk.started is desk#3, after desk.started/stopped.
    expect(after.filter((e) => e.producer === 'desk').map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    const ids = after.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);

    const v = verify(join(dir, 'events'));
    expect(v.status, JSON.stringify(v.report)).toBe(0);
    expect(v.report).toMatchObject({ gaps: [], duplicateEventIds: [], duplicateSeqs: [], violations: [], clean: true, validEvents: after.length });
  });
});
