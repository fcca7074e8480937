/**
 * `desk gates` end to end, in-process: the real regression suite and the real paper smoke on the
 * default config (one healthy run, shared by the tests that read its outputs), a broken baseline
 * in a one-window copy of the suite, and bad flags. Library-level cases (stale and missing
 * evidence, secrets, zero fills) are in gates/run-gates.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatesReport } from '../../../gates/index.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'desk-gates-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s), cwd: ROOT };
  const code = await main(['node', 'desk', 'gates', ...args], io);
  return { code, out, err };
}
const readReport = async (dir: string): Promise<GatesReport> => JSON.parse(await readFile(join(dir, 'gates.json'), 'utf8')) as GatesReport;

describe('desk gates on a healthy tree (default level)', () => {
  let out = '';
  let run: { code: number; out: string; err: string };
  let report: GatesReport;
  beforeAll(async () => {
    out = await tmp();
    run = await cli('--out', out, '--evidence', await tmp());
    report = await readReport(out);
  }, 120_000);

  it('exit 0: PASS, level 2 (paper smoke) reached, every check up to it PASS, the rest SKIP', () => {
    expect(run.err).toBe('');
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/^gates {6}PASS {2}level reached 2 \(paper smoke\), requested 2$/m);
    expect(report).toMatchObject({ schema: 'desk.gates_report/v1', verdict: 'PASS', requestedLevel: 2, levelReached: 2, failures: [] });
    expect(report.checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'config:PASS', 'regression:PASS', 'paper_smoke:PASS', 'event_store:PASS', 'paper_soak:SKIP', 'parity:SKIP', 'reconciliation:SKIP', 'fill_factor:SKIP', 'post_trade:SKIP', 'secrets:PASS',
    ]);
    expect(report.levels.map((l) => l.status)).toEqual(['PASS', 'PASS', 'PASS', 'SKIP', 'SKIP', 'SKIP', 'SKIP']);
  });

  it('every check that ran names its evidence, and the evidence exists', async () => {
    for (const c of report.checks.filter((x) => x.status !== 'SKIP')) {
      expect(c.evidence.length, c.id).toBeGreaterThan(0);
      for (const p of c.evidence) await expect(readFile(isAbsolute(p) ? p : resolve(ROOT, p)).catch((e: NodeJS.ErrnoException) => (e.code === 'EISDIR' ? 'dir' : Promise.reject(e)))).resolves.toBeDefined();
    }
    const reg = report.checks.find((c) => c.id === 'regression');
    expect(reg?.evidence).toContain(join(out, 'regression', 'regression.json'));
    expect(reg?.measured['windows']).toBeGreaterThanOrEqual(4);
    const smoke = report.checks.find((c) => c.id === 'paper_smoke');
    expect(smoke?.measured).toMatchObject({ simulatedSeconds: 600, endedBy: 'duration', bots: 2 });
    expect(Number(smoke?.measured['btc-paper.fills'])).toBeGreaterThan(0);
  });

  it('gates.json is canonical (sorted keys) with the wall-clock figures in `clock` only; gates.md lists every check and its evidence', async () => {
    const text = await readFile(join(out, 'gates.json'), 'utf8');
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(Object.keys(report.clock).sort()).toEqual(['durationsMs', 'finishedAt', 'inputAgesS', 'startedAt']);
    const { clock, ...rest } = report;
    expect(JSON.stringify(rest)).not.toContain(clock.startedAt.slice(0, 13)); // the run's date and hour appear only in `clock`
    const md = await readFile(join(out, 'gates.md'), 'utf8');
    expect(md).toMatch(/^\*\*PASS\*\* — level reached 2 \(paper smoke\), requested 2/m);
    for (const c of report.checks) expect(md).toContain(`| ${c.level} | \`${c.id}\` | ${c.status} |`);
    expect(md).toContain(`\`${join(out, 'smoke', 'events')}\``);
  });
});

describe('desk gates with a broken regression baseline', () => {
  it('exit 1, FAIL naming the regression check, the window and the metric', async () => {
    const dir = await tmp();
    const suitePath = join(ROOT, 'regression', 'suite.yaml');
    const suite = parse(await readFile(suitePath, 'utf8')) as { windows: Record<string, unknown>[] };
    const window = suite.windows.find((w) => w['id'] === 'ftx-no-trade-0124');
    if (window === undefined) throw new Error('no ftx-no-trade-0124 window in the suite');
    // Paths in a suite are relative to it: the copy points at the originals.
    const at = (p: string): string => resolve(dirname(suitePath), p);
    const data = window['data'] as { files: string[] };
    const broken = {
      ...suite,
      windows: [{ ...window, data: { ...data, files: data.files.map(at) }, config: at(String(window['config'])), baseline: { ...(window['baseline'] as object | null), orders_placed: { expected: 7 } } }],
    };
    const copy = join(dir, 'suite.yaml');
    await writeFile(copy, stringify(broken));
    const out = join(dir, 'out');
    const r = await cli('--out', out, '--level', '1', '--suite', copy, '--evidence', dir);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toMatch(/^gates {6}FAIL {2}level reached 0 \(static\), requested 1$/m);
    expect(r.out).toMatch(/L1 regression +FAIL/);
    const report = await readReport(out);
    expect(report.levelReached).toBe(0);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatch(/^regression: window ftx-no-trade-0124: .*orders_placed/);
    expect(report.checks.find((c) => c.id === 'regression')?.evidence).toEqual([copy, join(out, 'regression', 'regression.json'), join(out, 'regression', 'regression.md')]);
  }, 60_000);
});

describe('desk gates bad input', () => {
  it('exit 2 on bad flags and missing files, naming the flag; nothing runs', async () => {
    const dir = await tmp();
    const cases: [string[], RegExp][] = [
      [['--level', '7'], /--level: expected an integer 0\.\.6, got 7/],
      [['--level', 'two'], /--level: expected an integer 0\.\.6/],
      [['--max-age', 'soon'], /--max-age: duration "soon" is not a duration/],
      [['--max-age', 'parity=1h,bogus=2h'], /--max-age: unknown input "bogus"/],
      [['--config', 'no/such.yaml'], /--config: no\/such\.yaml: no such file/],
      [['--suite', 'no/such-suite.yaml'], /--suite: no\/such-suite\.yaml: no such file/],
    ];
    for (const [args, err] of cases) {
      const r = await cli('--out', join(dir, 'o'), ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(err);
    }
    expect((await cli('--out', join(dir, 'o'), '--bogus')).code).toBe(2);
  });
});
