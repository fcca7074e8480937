/**
 * `desk backtest` end to end through the installed entry point (`node bin/desk.js`), in child
 * processes: the acceptance run on the 31-day FTX BTC-PERP 1-minute file (twice, in two
 * processes at once ⇒ byte-identical summary.json; the shock days in the regime breakdown), the
 * second strategy through the same harness, an L2 capture on the paper model, and bad input.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './desk-up.helpers.ts';

const FTX_DIR = 'data/ftx-btcperp-1m-2022';
/** The shell's `data/ftx-btcperp-1m-2022/*.csv`. */
const FTX = readdirSync(join(ROOT, FTX_DIR)).filter((f) => f.endsWith('.csv')).sort().map((f) => `${FTX_DIR}/${f}`);
const CAPTURE = 'data/binance-spot-20240808/btcusdt_20240808.gz';

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `desk backtest …` in a child process (async, so two can run at once). */
function backtest(...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/desk.js', 'backtest', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-e2e-backtest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const summaryOf = async (out: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;

describe('desk backtest (e2e)', () => {
  it('acceptance: the EPP on the FTX file twice, in two processes ⇒ byte-identical summary.json; bias labelled; shock days in the regime breakdown', async () => {
    expect(FTX).toHaveLength(1);
    const [a, b] = await Promise.all([backtest('--strategy', 'epp', '--data', ...FTX, '--out', join(dir, 'r1')), backtest('--strategy', 'epp', '--data', ...FTX, '--out', join(dir, 'r2'))]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const text = await readFile(join(dir, 'r1', 'summary.json'), 'utf8');
    expect(await readFile(join(dir, 'r2', 'summary.json'), 'utf8')).toBe(text);
    expect(await readFile(join(dir, 'r2', 'bars.jsonl'), 'utf8')).toBe(await readFile(join(dir, 'r1', 'bars.jsonl'), 'utf8'));
    expect(a.stderr).toContain('fill_model_bias: optimistic_estimated');
    expect(a.stdout).toMatch(/^backtest epp: 45031 decisions on ohlcv-csv .* fill model ohlcv-limit \[optimistic_estimated\]/);
    const s = JSON.parse(text) as { fill_model_bias: string; data: { files: string[]; events: number }; metrics: { perRegime: { regime: string; bars: number }[] }; regimeBarsByDay: Record<string, Record<string, number>> };
    expect(s.fill_model_bias).toBe('optimistic_estimated');
    expect(s.data).toMatchObject({ files: FTX, events: 45031 });
    expect(s.metrics.perRegime.find((r) => r.regime === 'high_vol_shock')?.bars).toBeGreaterThan(0);
    // The shock days: high_vol_shock bars on 2022-01-21 and 2022-01-24, in the summary and in bars.jsonl.
    const shockByDay = new Map<string, number>();
    for (const line of (await readFile(join(dir, 'r1', 'bars.jsonl'), 'utf8')).trimEnd().split('\n')) {
      const row = JSON.parse(line) as { iso: string; regime: string | null };
      if (row.regime === 'high_vol_shock') shockByDay.set(row.iso.slice(0, 10), (shockByDay.get(row.iso.slice(0, 10)) ?? 0) + 1);
    }
    for (const day of ['2022-01-21', '2022-01-24']) {
      expect(shockByDay.get(day) ?? 0, day).toBeGreaterThan(60);
      expect(s.regimeBarsByDay[day]?.['high_vol_shock']).toBe(shockByDay.get(day));
    }
    // They are among the month's most shocked days, and a calm day has none.
    const top = [...shockByDay.entries()].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([d]) => d);
    expect(top).toEqual(expect.arrayContaining(['2022-01-21', '2022-01-24']));
    expect(shockByDay.get('2022-01-15') ?? 0).toBe(0);
  }, 180_000);

  it('a perp bot (short start, hourly funding from the config): two processes ⇒ byte-identical summary.json with funding charged and its source recorded', async () => {
    const cfg = 'config/examples/backtest.epp-perp.yaml';
    const [a, b] = await Promise.all([
      backtest('--strategy', 'epp', '--config', cfg, '--data', ...FTX, '--out', join(dir, 'p1')),
      backtest('--strategy', 'epp', '--config', cfg, '--data', ...FTX, '--out', join(dir, 'p2')),
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    const text = await readFile(join(dir, 'p1', 'summary.json'), 'utf8');
    expect(await readFile(join(dir, 'p2', 'summary.json'), 'utf8')).toBe(text);
    const s = JSON.parse(text) as { metrics: { funding: string }; perp: { market: string; funding: { source: string; rate: string; intervalS: number } } };
    expect(s.perp).toMatchObject({ market: 'perp', funding: { source: 'config', rate: '0.00001', intervalS: 3600 } });
    expect(s.metrics.funding).not.toBe('0');
  });

  it('ma-cross runs through the same harness unchanged (--json prints summary.json)', async () => {
    const out = join(dir, 'ma');
    const r = await backtest('--strategy', 'ma-cross', '--strategy-config', 'config/examples/backtest.ma-cross.yaml', '--data', ...FTX, '--start', '2022-01-20', '--end', '2022-01-25', '--out', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(await readFile(join(out, 'summary.json'), 'utf8'));
    const s = JSON.parse(r.stdout) as { strategy: string; fill_model_bias: string; metrics: { fills: number; perRegime: { regime: string }[] } };
    expect(s).toMatchObject({ strategy: 'ma-cross', fill_model_bias: 'optimistic_estimated' });
    expect(s.metrics.fills).toBeGreaterThan(0);
    expect(s.metrics.perRegime.map((x) => x.regime)).toEqual(expect.arrayContaining(['long', 'flat']));
  }, 120_000);

  it('an L2 capture with the paper model: modelled_l2, fills, the same bytes in two processes', async () => {
    const args = ['--strategy', 'epp', '--config', 'config/examples/backtest.epp-l2.yaml', '--data', CAPTURE];
    const [a, b] = await Promise.all([backtest(...args, '--out', join(dir, 'l2a')), backtest(...args, '--out', join(dir, 'l2b'))]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(a.stderr).toBe('');
    const s = await summaryOf(join(dir, 'l2a'));
    expect(s).toMatchObject({ fillModel: 'paper-l2', fill_model_bias: 'modelled_l2', data: { format: 'capture', files: [CAPTURE], symbol: 'BTCUSDT', intervalMs: null } });
    expect((s['metrics'] as { fills: number }).fills).toBeGreaterThan(0);
    expect(await readFile(join(dir, 'l2b', 'summary.json'), 'utf8')).toBe(await readFile(join(dir, 'l2a', 'summary.json'), 'utf8'));
  }, 120_000);

  // Every kind of bad input is covered in-process (supervisor/cli/commands/backtest.test.ts); here, one of each layer through the binary.
  it('bad input exits 2 naming the problem', async () => {
    const out = join(dir, 'bad');
    const cases: [string[], RegExp][] = [
      [['--strategy', 'grid', '--data', ...FTX], /^desk: --strategy: expected one of epp, ma-cross, got "grid"/],
      [['--strategy', 'epp', '--data', 'README.md'], /unknown_format/],
      [['--strategy', 'epp', '--data', ...FTX, '--start', '2021-06-01', '--end', '2021-07-01'], /empty_window: no events in the window/],
    ];
    for (const [args, want] of cases) {
      const r = await backtest(...args, '--out', out);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(want);
    }
  }, 120_000);
});
