/**
 * The validators on a real desk run: the bundled capture replayed in-process (as
 * actors/desk.test.ts does), then `desk soak validate`, `desk parity` and `desk analyze` through
 * the CLI on its event store.
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Desk } from '../actors/desk.ts';
import { loadConfigFile } from '../config/load.ts';
import { silentLogger } from '../otel/logger.ts';
import type { CliIo } from '../supervisor/cli/io.ts';
import { main } from '../supervisor/cli/main.ts';
import type { ParityReport } from './parity.ts';
import type { SoakReport } from './soak-report.ts';

const ROOT = join(import.meta.dirname, '..');
let varDir = '';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s), cwd: varDir };
  return { code: await main(['node', 'desk', ...args], io), out, err };
}

beforeAll(async () => {
  const r = await loadConfigFile(join(ROOT, 'config', 'desk.default.yaml'));
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  const md = r.config.marketData;
  if (md === undefined) throw new Error('no market_data');
  // The first file of each capture (23:54:13 → midnight) is enough for 300 s; the first fills come after ~3.5 min.
  const config = { ...r.config, marketData: { ...md, captures: md.captures.map((c) => ({ ...c, files: c.files.slice(0, 1) })) } };
  varDir = await mkdtemp(join(tmpdir(), 'desk-validation-run-'));
  await new Desk({ config, configName: 'desk.default.yaml', speed: 'max', durationS: 300, varDir, logger: silentLogger() }).run();
});
afterAll(async () => {
  if (varDir !== '') await rm(varDir, { recursive: true, force: true });
});

describe('validation on a real desk run (300 s of the bundled capture)', () => {
  it('soak validate writes the report with fills > 0 for the desk\'s bots', async () => {
    const r = await cli('soak', 'validate', '--events', '.', '--window', 'all', '--config', join(ROOT, 'config', 'desk.default.yaml'), '--out', '.', '--json');
    expect(r.err).toBe('');
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(await readFile(join(varDir, 'reports', 'paper_soak', 'latest.json'), 'utf8')) as SoakReport;
    expect(report.bots.map((b) => b.botId)).toEqual(['btc-paper', 'eth-paper']);
    const fills = report.bots.map((b) => Number(b.kpis.find((k) => k.id === 'fills')?.value));
    expect(fills.reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    for (const b of report.bots) {
      expect(b.kpis).toHaveLength(7);
      expect(b.warmups[0]?.end).not.toBeNull(); // both bots warmed up and placed orders
      expect(b.kpis.find((k) => k.id === 'cancels_within_budget')?.evidence['budgetSource']).toMatch(/^config /);
    }
    expect(r.code).toBe(report.status === 'PASS' ? 0 : 1);
    // A 2h window over 5 minutes of data is a finding, not a pass.
    expect((await cli('soak', 'validate', '--events', '.', '--out', '.')).code).toBe(2);
  });

  it('parity of the store with itself: all deltas 0, PASS; with fills removed: FAIL naming fill_ratio', async () => {
    const same = await cli('parity', '--a', '.', '--b', join(varDir, 'events'), '--window', 'all', '--out', '.', '--json');
    expect(same.code).toBe(0);
    const report = JSON.parse(same.out) as ParityReport;
    for (const b of report.bots) for (const m of b.overall.metrics) expect(m.delta === null || Number(m.delta) === 0).toBe(true);
    const doctored = await mkdtemp(join(tmpdir(), 'desk-validation-doctored-'));
    try {
      await cp(join(varDir, 'events'), doctored, { recursive: true });
      for (const f of await readdir(doctored)) {
        const text = await readFile(join(doctored, f), 'utf8');
        await writeFile(join(doctored, f), text.split('\n').filter((l) => !l.includes('"type":"order.filled"')).join('\n'), 'utf8');
      }
      const r = await cli('parity', '--a', '.', '--b', doctored, '--window', 'all', '--bot', 'btc-paper', '--out', '.');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/btc-paper overall: fill_ratio/);
    } finally {
      await rm(doctored, { recursive: true, force: true });
    }
  });

  it('analyze writes the three analysis reports', async () => {
    const r = await cli('analyze', '--events', '.', '--config', join(ROOT, 'config', 'desk.default.yaml'), '--out', '.', '--json');
    expect([0, 1]).toContain(r.code);
    const files = await readdir(join(varDir, 'reports', 'analysis'));
    expect(files.sort()).toEqual(['edge_report.json', 'fill_factor_calibration.json', 'post_trade_validation.json']);
  });
});
