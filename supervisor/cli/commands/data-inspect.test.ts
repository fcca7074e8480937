/**
 * `desk data inspect` in-process (captured CliIo): what the e2e test does not reach —
 * relative paths against the CLI's cwd, usage errors, long bad-row lists, mismatch lines.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

let dir = '';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), cwd: dir };
  const code = await main(['node', 'desk', ...args], io);
  return { code, out, err };
}

const HEADER = 'timestamp,open,high,low,close,volume';
const row = (ts: number, high = '2'): string => `${ts},1,${high},0.5,1.5,10`;
const T0 = Date.UTC(2022, 0, 1);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-cli-inspect-'));
  await writeFile(join(dir, 'ok.csv'), [HEADER, row(T0), row(T0 + 500), row(T0 + 1000), row(T0 + 1500), row(T0 + 1800)].join('\n'));
  // 25 bad rows (high below close) after one good one.
  await writeFile(join(dir, 'many-bad.csv'), [HEADER, row(T0), ...Array.from({ length: 25 }, (_, i) => row(T0 + (i + 1) * 60_000, '1'))].join('\n'));
  const n = (i: number): string => String(1723161253937085768n + BigInt(i) * 1_000_000n);
  await writeFile(join(dir, 'cap.txt'), [
    `${n(0)} {"lastUpdateId":10,"bids":[["100","1"]],"asks":[["101","1"]]}`,
    `${n(1)} {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"U":11,"u":11,"b":[["100","2"]],"a":[]}}`,
    `${n(2)} {"stream":"btcusdt@bookTicker","data":{"u":11,"b":"100","B":"3","a":"101","A":"1"}}`,
  ].join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('desk data inspect (in-process)', () => {
  it('resolves relative paths against the CLI cwd; prints the interval in ms when not whole minutes', async () => {
    const r = await run('data', 'inspect', 'ok.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('rows      5 good, 0 bad');
    expect(r.out).toContain('interval  500 ms (1 irregular steps)');
    expect(r.out).toContain('gaps      0 (0 missing bars)');
  });

  it('--json for OHLCV: the summary with ISO times beside the ms ones', async () => {
    const r = await run('data', 'inspect', '--json', 'ok.csv');
    expect(JSON.parse(r.out)).toMatchObject({
      type: 'ohlcv', format: 'csv', files: [join(dir, 'ok.csv')], rows: 5, intervalMs: 500, irregularSteps: 1,
      firstTs: T0, firstIso: '2022-01-01T00:00:00.000Z', lastIso: '2022-01-01T00:00:01.800Z',
    });
  });

  it('lists the first 20 bad rows with file:line, then how many more; exit 2', async () => {
    const r = await run('data', 'inspect', 'many-bad.csv');
    expect(r.code).toBe(2);
    expect(r.out).toContain('rows      1 good, 25 bad');
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe(`desk: ${join(dir, 'many-bad.csv')}:3: high 1 is below max(open, close) 1.5`);
    expect(lines[19]).toMatch(/many-bad\.csv:22: /);
    expect(lines[20]).toBe('desk: … and 5 more bad row(s)');
  });

  it('prints ticker mismatches with file, line, update id and both sides', async () => {
    const r = await run('data', 'inspect', 'cap.txt');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('tickers   1 checks against the rebuilt book, 1 mismatches');
    expect(r.out).toContain(`  mismatch ${join(dir, 'cap.txt')}:3 u=11: ticker 100x3 / 101x1, book 100x2 / 101x1`);
  });

  it('usage errors exit 2: no file, mixed kinds', async () => {
    expect((await run('data', 'inspect')).code).toBe(2);
    const mixed = await run('data', 'inspect', 'ok.csv', 'cap.txt');
    expect(mixed.code).toBe(2);
    expect(mixed.err).toContain(`desk: ${join(dir, 'cap.txt')}: is capture but ${join(dir, 'ok.csv')} is ohlcv-csv`);
  });
});
