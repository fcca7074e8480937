import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scenario, writeStore } from '../../../validation/synthetic.fixtures.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s), cwd };
  const code = await main(['node', 'desk', ...args], io);
  return { code, out, err };
}
async function store(...a: Parameters<typeof scenario>): Promise<string> {
  const d = await writeStore(scenario(...a));
  dirs.push(d);
  return d;
}

describe('desk soak validate', () => {
  it('exit 0 when every KPI passes; the report lands in <out>/reports/paper_soak/latest.json', async () => {
    const d = await store({ minutes: 20 });
    const r = await cli(d, 'soak', 'validate', '--events', '.', '--window', '15m', '--out', 'o');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/paper soak {2}PASS/);
    const report = JSON.parse(await readFile(join(d, 'o', 'reports', 'paper_soak', 'latest.json'), 'utf8')) as { status: string; bots: { kpis: unknown[] }[] };
    expect(report.status).toBe('PASS');
    expect(report.bots[0]?.kpis).toHaveLength(7);
  });

  it('exit 1 when a KPI fails, naming it', async () => {
    const d = await store({ minutes: 10, minute: () => ({ fills: 0 }) });
    const r = await cli(d, 'soak', 'validate', '--events', join(d, 'events'), '--window', 'all', '--out', d);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/fills\s+0\s+>= 1\s+FAIL/);
  });

  it('exit 2 on bad input: window longer than the data, unknown bot, missing store, bad window', async () => {
    const d = await store({ minutes: 10 });
    const long = await cli(d, 'soak', 'validate', '--events', '.', '--out', d, '--json');
    expect(long.code).toBe(2);
    expect(JSON.parse(long.out)).toMatchObject({ status: 'INVALID', findings: [{ code: 'window_exceeds_data' }] });
    expect((await cli(d, 'soak', 'validate', '--events', '.', '--window', 'all', '--bot', 'nope', '--out', d)).code).toBe(2);
    const missing = await cli(d, 'soak', 'validate', '--events', 'no-such-dir', '--out', d);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file or directory');
    expect((await cli(d, 'soak', 'validate', '--events', '.', '--window', 'soon', '--out', d)).code).toBe(2);
  });
});

describe('desk parity / desk analyze exit codes', () => {
  it('parity: 0 against itself, 1 with fills removed (names fill_ratio), 2 without common bots', async () => {
    const a = await store({ minutes: 20 });
    const b = await writeStore(scenario({ minutes: 20 }).filter((e) => e.type !== 'order.filled'));
    const c = await store({ minutes: 20, botId: 'zzz' });
    dirs.push(b);
    const same = await cli(a, 'parity', '--a', '.', '--b', a, '--out', 'o');
    expect(same.code).toBe(0);
    const report = JSON.parse(await readFile(join(a, 'o', 'reports', 'parity', '2024-08-08', 'parity.json'), 'utf8')) as { status: string };
    expect(report.status).toBe('PASS');
    const doctored = await cli(a, 'parity', '--a', '.', '--b', b, '--window', 'all', '--out', 'o');
    expect(doctored.code).toBe(1);
    expect(doctored.out).toMatch(/bot-a overall: fill_ratio/);
    expect((await cli(a, 'parity', '--a', '.', '--b', c, '--out', 'o')).code).toBe(2);
  });

  it('analyze: 0 on a healthy fill factor, 2 on an unknown bot', async () => {
    const d = await store({ minutes: 10 });
    const ok = await cli(d, 'analyze', '--events', '.', '--out', 'o', '--json');
    // Synthetic fills sit at their limit with a flat mid: the quote was captured in full.
    expect(JSON.parse(ok.out)).toMatchObject({ status: 'OK', bots: [{ fillFactor: { realizedFillFactor: '1' } }] });
    expect(ok.code).toBe(0);
    expect((await cli(d, 'analyze', '--events', '.', '--bot', 'x', '--out', 'o')).code).toBe(2);
  });
});
