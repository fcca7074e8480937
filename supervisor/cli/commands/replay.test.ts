/**
 * `desk replay` end to end, in-process: the bundled suite passes and a second run writes the same
 * regression.json; a doctored baseline, a trading window marked no_trade and a bad suite fail
 * the way docs/replay-regression.md says (exit 1 naming the check; exit 2 naming the field);
 * --update-baselines rewrites the suite and refuses while an invariant fails.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SUITE = 'regression/suite.yaml';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-cli-replay-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function desk(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), cwd: ROOT };
  const code = await main(['node', 'desk', 'replay', ...args], io);
  return { code, out, err };
}

type Win = Record<string, unknown> & { id: string; data: { files: string[] }; config: string };

/** A copy of the bundled suite in the temp dir: only `ids`, paths made absolute, each window edited by `edit`. */
async function suiteCopy(name: string, ids: readonly string[], edit: (w: Win) => void): Promise<string> {
  const doc = parse(await readFile(join(ROOT, SUITE), 'utf8')) as { windows: Win[] };
  const base = join(ROOT, 'regression');
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  doc.windows = doc.windows.filter((w) => ids.includes(w.id));
  for (const w of doc.windows) {
    w.data.files = w.data.files.map(abs);
    w.config = abs(w.config);
    edit(w);
  }
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, stringify(doc), 'utf8');
  return file;
}

const HARD = 'ftx-hard-stop-0124'; // a short window that trades (399 orders) and hard-stops

describe('desk replay on regression/suite.yaml', () => {
  it('PASSes, and a second run writes a byte-identical regression.json', async () => {
    const a = await desk('--suite', SUITE, '--out', join(dir, 'run-a'));
    expect(a.code, a.err + a.out).toBe(0);
    expect(a.out).toMatch(/^replay PASS: 5 windows, 0 failed checks; report /);
    for (const id of ['ftx-calm', 'ftx-shock-0121', 'ftx-no-trade-0124', HARD, 'binance-l2']) expect(a.err).toMatch(new RegExp(`replay \\[\\d/5\\] ${id}: PASS in `));
    const b = await desk('--suite', SUITE, '--out', join(dir, 'run-b'));
    expect(b.code).toBe(0);
    const [ja, jb] = await Promise.all([readFile(join(dir, 'run-a', 'regression.json'), 'utf8'), readFile(join(dir, 'run-b', 'regression.json'), 'utf8')]);
    expect(jb).toBe(ja);
    const report = JSON.parse(ja) as { verdict: string; windows: { id: string; invariants: { name: string; verdict: string }[]; evidence: Record<string, string> }[] };
    expect(report.verdict).toBe('PASS');
    const checks = Object.fromEntries(report.windows.map((w) => [w.id, w.invariants.map((c) => `${c.name}:${c.verdict}`)]));
    expect(checks['ftx-no-trade-0124']).toContain('zero_orders:PASS');
    expect(checks[HARD]).toContain('hard_stop:PASS');
    expect(checks['binance-l2']).toEqual(['no_order_inside_book:PASS', 'risk_denials_deterministic:PASS', 'intent_expiry:PASS']);
    // The evidence exists where the report says, relative to it.
    const calm = report.windows.find((w) => w.id === 'ftx-calm');
    const summary = JSON.parse(await readFile(join(dir, 'run-a', calm?.evidence['summary'] ?? 'missing'), 'utf8')) as { strategy: string };
    expect(summary.strategy).toBe('epp');
    expect(await readFile(join(dir, 'run-a', 'regression.md'), 'utf8')).toMatch(/^# Replay regression: PASS\n/);
  }, 180_000); // two full suite runs: ~20 s on an idle 2-core machine, more under load
});

describe('desk replay: failing checks exit 1 naming the check', () => {
  it('a baseline doctored beyond its tolerance', async () => {
    const suite = await suiteCopy('doctored', [HARD], (w) => {
      (w['baseline'] as Record<string, { expected: unknown }>)['net_pnl'] = { expected: '-10', abs: '0.5', rel: '0.05' } as never;
    });
    const r = await desk('--suite', suite, '--out', join(dir, 'doctored'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('replay FAIL: 1 windows, 1 failed checks');
    expect(r.out).toContain(`FAIL ${HARD}: metric net_pnl: expected -10, actual -59.76529602 (|diff| 49.76529602 > tolerance 0.5 = max(abs 0.5, rel 0.05·|expected|))`);
    const report = JSON.parse(await readFile(join(dir, 'doctored', 'regression.json'), 'utf8')) as { verdict: string; failures: string[] };
    expect(report.verdict).toBe('FAIL');
    expect(report.failures).toHaveLength(1);
    expect(await readFile(join(dir, 'doctored', 'regression.md'), 'utf8')).toContain(`## Failures\n\n- ${HARD}: metric net_pnl: expected -10`);
  });

  it('a window that trades, marked no_trade', async () => {
    const suite = await suiteCopy('marked', [HARD], (w) => {
      w['variant'] = 'no_trade';
    });
    const r = await desk('--suite', suite, '--out', join(dir, 'marked'));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAIL ${HARD}: invariant zero_orders: a no_trade window placed 399 orders (first at 2022-01-24T06:`);
  });
});

describe('desk replay: bad input exits 2 naming the field', () => {
  it('a bad suite: every problem with its path', async () => {
    const suite = await suiteCopy('bad', [HARD], (w) => {
      (w['data'] as Record<string, unknown>)['start'] = 'tomorrow';
      w['invariants'] = ['no_order_inside_book', 'no_loss'];
    });
    const r = await desk('--suite', suite, '--out', join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`desk: ${suite}: 2 problems`);
    expect(r.err).toContain('windows[0].data.start: expected an ISO time (2022-01-21T12:00:00Z; no zone = UTC) or epoch milliseconds, got "tomorrow"');
    expect(r.err).toContain('windows[0].invariants[1]: unknown invariant "no_loss"');
  });

  it('a missing suite file; a window whose data file is missing', async () => {
    const none = await desk('--suite', 'regression/nope.yaml', '--out', join(dir, 'none'));
    expect(none.code).toBe(2);
    expect(none.err).toBe('desk: regression/nope.yaml: cannot read the suite (no such file)\n');
    const suite = await suiteCopy('nodata', [HARD], (w) => {
      w.data.files = [join(dir, 'missing.csv')];
    });
    const r = await desk('--suite', suite, '--out', join(dir, 'nodata'));
    expect(r.code).toBe(2);
    expect(r.err).toContain(`desk: windows[0] (${HARD}): ${join(dir, 'missing.csv')}`);
  });
});

describe('desk replay --update-baselines', () => {
  it('rewrites the doctored value (exit 0), and refuses while an invariant fails (exit 1, file unchanged)', async () => {
    const suite = await suiteCopy('update', [HARD], (w) => {
      (w['baseline'] as Record<string, unknown>)['net_pnl'] = { expected: '-10', abs: '0.5', rel: '0.05' };
    });
    const r = await desk('--suite', suite, '--out', join(dir, 'update'), '--update-baselines');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`${HARD}.net_pnl: -10 → -59.76529602`);
    const text = await readFile(suite, 'utf8');
    expect(text).toContain('expected: "-59.76529602"');
    const broken = await suiteCopy('refused', [HARD], (w) => {
      w['variant'] = 'no_trade';
      (w['baseline'] as Record<string, unknown>)['net_pnl'] = { expected: '-10' };
    });
    const before = await readFile(broken, 'utf8');
    const x = await desk('--suite', broken, '--out', join(dir, 'refused'), '--update-baselines');
    expect(x.code).toBe(1);
    expect(x.err).toContain(`--update-baselines refused: an invariant fails (${HARD}: zero_orders)`);
    expect(await readFile(broken, 'utf8')).toBe(before);
  });
});
