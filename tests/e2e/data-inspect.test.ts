/**
 * End to end through the installed entry point: `node bin/desk.js data inspect …` in a child
 * process, on the bundled real captures and on broken inputs written to a temp dir.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BTC = ['data/binance-spot-20240808/btcusdt_20240808.gz', 'data/binance-spot-20240808/btcusdt_20240809.gz'];

function desk(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/desk.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
const at = (name: string): string => join(dir, name);
/** The first lines of the real BTCUSDT capture (snapshot on line 8). */
let head: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-e2e-inspect-'));
  const gz = readFileSync(join(ROOT, BTC[0] as string));
  head = gunzipSync(gz).toString('utf8').split('\n').slice(0, 300);
  await writeFile(at('slice.txt'), `${head.join('\n')}\n`);
  await writeFile(at('truncated.gz'), gz.subarray(0, 10_000));
  await writeFile(at('malformed.gz'), gzipSync(`${[...head.slice(0, 99), head[99]?.slice(0, 60), ...head.slice(100)].join('\n')}\n`));
  const rows = Array.from({ length: 10 }, (_, i) => `2022-01-01 00:${String(i < 6 ? i : i + 3).padStart(2, '0')}:00,100,101,99,100.5,${i}`);
  await writeFile(at('ohlcv.csv'), `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
  await writeFile(at('bad-rows.csv'), `timestamp,open,high,low,close,volume\n${rows[0]}\n2022-01-01 00:01:00,100,99,99,100.5,1\n`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('desk data inspect (e2e)', () => {
  it('both BTCUSDT files --json: one gap-free stream, book matches every ticker; exit 0', () => {
    const r = desk('data', 'inspect', '--json', ...BTC);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      type: 'capture', venue: 'binance', symbol: 'BTCUSDT', files: BTC, gaps: 0, crossed: 0, tickerMismatches: 0, synced: true,
      firstIso: '2024-08-08T23:54:13.937Z', lastIso: '2024-08-09T00:05:04.535Z', counts: { snapshot: 1, unknown: 0 },
    });
    expect(j['tickerChecks']).toBeGreaterThan(1000);
    expect(r.stderr).toBe('');
  });

  it('human output of a capture (plain text file)', () => {
    const r = desk('data', 'inspect', at('slice.txt'));
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.split('\n');
    expect(out[0]).toBe('capture   binance BTCUSDT (1 file)');
    expect(out[1]).toBe('from      2024-08-08T23:54:13.937Z  (1723161253937)');
    expect(r.stdout).toMatch(/^messages {2}300: depth \d+, trade \d+, bookTicker \d+, snapshot 1$/m);
    expect(r.stdout).toMatch(/^book {6}synced at end; \d+ diffs applied, 2 dropped$/m);
    expect(r.stdout).toContain('          gaps 0, crossed 0, resyncs 0');
    expect(r.stdout).toMatch(/^tickers {3}\d+ checks against the rebuilt book, 0 mismatches$/m);
  });

  it('an OHLCV CSV: rows, interval and the gap (--json is covered in-process)', () => {
    const r = desk('data', 'inspect', at('ohlcv.csv'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('ohlcv     csv (1 file)');
    expect(r.stdout).toContain('rows      10 good, 0 bad');
    expect(r.stdout).toContain('interval  1 min');
    expect(r.stdout).toContain('gaps      1 (3 missing bars)');
    expect(r.stdout).toContain('  gap after 2022-01-01T00:05:00.000Z: 3 bar(s) missing');
  });

  it('bad OHLCV rows: the report is printed, each bad row on stderr with file:line; exit 2', () => {
    const r = desk('data', 'inspect', at('bad-rows.csv'));
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('rows      1 good, 1 bad');
    expect(r.stderr).toContain(`desk: ${at('bad-rows.csv')}:3: high 99 is below max(open, close) 100.5`);
  });

  it('a truncated gzip: exit 2, the error names the file and the last whole line', () => {
    const r = desk('data', 'inspect', at('truncated.gz'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^desk: ${at('truncated.gz')}: truncated or corrupt gzip after line \\d+: unexpected end of file\\n$`));
  });

  it('a malformed line in the middle: exit 2, the error names the file and the line', () => {
    const r = desk('data', 'inspect', '--json', at('malformed.gz'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^desk: ${at('malformed.gz')}:100: malformed JSON`));
  });

  it('a missing file: exit 2 with a clear message', () => {
    const r = desk('data', 'inspect', 'data/does-not-exist.gz');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('desk: data/does-not-exist.gz: cannot read: no such file\n');
  });
});
