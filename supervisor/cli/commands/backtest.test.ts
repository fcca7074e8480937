/**
 * `desk backtest` in-process: flag parsing and every kind of bad input → exit 2 with a message
 * naming the flag, the config field or the data finding. (Full runs: tests/e2e/backtest.test.ts.)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../run-cli.fixtures.ts';
import { parseTime } from './backtest.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FTX = 'data/ftx-btcperp-1m-2022/ftx_btc-perp_1m_20211231-20220201.csv';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-cli-backtest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const desk = (...args: string[]): Promise<CliRun> => runCli(ROOT, 'backtest', ...args);

describe('desk backtest: bad input exits 2 naming the problem', () => {
  it('an unknown --strategy', async () => {
    const r = await desk('--strategy', 'grid', '--data', FTX, '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toBe('desk: --strategy: expected one of epp, ma-cross, got "grid"');
  });

  it('an unknown --format', async () => {
    const r = await desk('--strategy', 'epp', '--data', FTX, '--format', 'parquet', '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format: expected one of auto, capture, ohlcv-csv, ohlcv-json, events, got "parquet"');
  });

  it('data of an unknown format: the data finding', async () => {
    const f = join(dir, 'notes.txt');
    await writeFile(f, 'these are not market data\n');
    const r = await desk('--strategy', 'epp', '--data', f, '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown_format/);
    expect(r.err).toContain(f);
  });

  it('an empty window: the data finding', async () => {
    const r = await desk('--strategy', 'epp', '--data', FTX, '--start', '2023-01-01', '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/empty_window: no events in the window \[2023-01-01T00:00:00.000Z/);
  });

  it('a config whose bar_interval_s disagrees with the data', async () => {
    const f = join(dir, 'five.yaml');
    await writeFile(f, (await readFile(join(ROOT, 'config/examples/backtest.epp.yaml'), 'utf8')).replace('bar_interval_s: 60', 'bar_interval_s: 300'));
    const r = await desk('--strategy', 'epp', '--config', f, '--data', FTX, '--end', '2022-01-01', '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('strategy.bar_interval_s: the config says 300 s');
  });

  it('a desk file with several bots and no --bot; an unknown --bot', async () => {
    const a = await desk('--strategy', 'epp', '--config', 'config/desk.default.yaml', '--data', FTX, '--out', join(dir, 'o'));
    expect(a.code).toBe(2);
    expect(a.err).toBe('desk: --bot: config/desk.default.yaml has 2 bots (btc-paper, eth-paper); name one with --bot <id>');
    const b = await desk('--strategy', 'epp', '--config', 'config/desk.default.yaml', '--bot', 'sol', '--data', FTX, '--out', join(dir, 'o'));
    expect(b.err).toBe('desk: --bot: config/desk.default.yaml has no bot "sol" (bots: btc-paper, eth-paper)');
  });

  it('an invalid config file, with its violations', async () => {
    const f = join(dir, 'bad.yaml');
    await writeFile(f, 'id: x\nstrategy: { ema_perod: 3 }\n');
    const r = await desk('--strategy', 'epp', '--config', f, '--data', FTX, '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^desk: --config: .*bad\.yaml: \d+ problem\(s\)/);
    expect(r.err).toContain('did you mean "ema_period"');
  });

  it('bad times and a missing file', async () => {
    expect((await desk('--strategy', 'epp', '--data', FTX, '--start', 'yesterday', '--out', 'o')).err).toContain('--start: expected an ISO time');
    expect((await desk('--strategy', 'epp', '--data', FTX, '--start', '2022-01-02', '--end', '2022-01-01', '--out', 'o')).err).toContain('--end: expected a time after --start');
    const r = await desk('--strategy', 'epp', '--data', 'nope.csv', '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^desk: \S*nope\.csv: cannot read: no such file or directory/);
  });

  it('missing required flags are usage errors', async () => {
    expect((await desk('--strategy', 'epp', '--data', FTX)).code).toBe(2);
  });
});

describe('desk backtest --json', () => {
  it('prints summary.json exactly, and the OHLCV bias warning on stderr', async () => {
    const out = join(dir, 'ok');
    const r = await desk('--strategy', 'epp', '--data', FTX, '--start', '2022-01-01', '--end', '2022-01-01T06:00', '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    expect(`${r.out}\n`).toBe(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(r.err).toMatch(/^desk: fill_model_bias: optimistic_estimated/);
    expect(JSON.parse(r.out)).toMatchObject({ window: { start: Date.UTC(2022, 0, 1), end: Date.UTC(2022, 0, 1, 6) }, data: { events: 360 } });
  });
});

describe('parseTime', () => {
  it('takes ISO dates and times (no zone = UTC) and epoch ms', () => {
    expect(parseTime('--start', '2022-01-21')).toBe(Date.UTC(2022, 0, 21));
    expect(parseTime('--start', '2022-01-21T12:30')).toBe(Date.UTC(2022, 0, 21, 12, 30));
    expect(parseTime('--start', '2022-01-21T12:30:00+01:00')).toBe(Date.UTC(2022, 0, 21, 11, 30));
    expect(parseTime('--start', '1642723200000')).toBe(1642723200000);
    expect(parseTime('--start', undefined)).toBeUndefined();
    expect(() => parseTime('--end', '21/01/2022')).toThrow(/^--end: expected an ISO time/);
  });
});
