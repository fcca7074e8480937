import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analysisTime, reconTime, soakTime } from './evidence-time.ts';
import { readEvidence } from './freshness.ts';
import { GatesInputError } from './errors.ts';
import { levelReached } from './ladder.ts';
import { parseMaxAges } from './run-gates.ts';

const NOW = Date.UTC(2025, 0, 10, 12, 0, 0);
const H = 3_600_000;
const DAY = { ms: 24 * H, text: '24h' };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function file(name: string, value: unknown): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'gates-fresh-'));
  dirs.push(d);
  const p = join(d, name);
  await writeFile(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}
const soak = (end: number): unknown => ({ bots: [{ window: { end: new Date(end - H).toISOString() } }, { window: { end: new Date(end).toISOString() } }] });

describe('readEvidence: freshness from the time the report carries', () => {
  it('fresh within the max age; the time and its source are reported', async () => {
    const p = await file('latest.json', soak(NOW - 2 * H));
    const r = await readEvidence('paper_soak', p, 'latest.json', (_f, j) => soakTime(j), DAY, NOW);
    expect(r.input).toMatchObject({ fresh: true, time: new Date(NOW - 2 * H).toISOString(), timeSource: 'max(bots[].window.end)', maxAge: '24h' });
    expect(r.ageMs).toBe(2 * H);
  });

  it('stale, missing, unreadable, timeless and future reports are not fresh, each naming the file', async () => {
    const stale = await readEvidence('paper_soak', await file('a.json', soak(NOW - 25 * H)), 'a.json', (_f, j) => soakTime(j), DAY, NOW);
    expect(stale.input.problem).toMatch(/^a\.json is stale: its time .* is more than 24h before the run$/);
    const missing = await readEvidence('paper_soak', '/nonexistent/latest.json', 'x/latest.json', (_f, j) => soakTime(j), DAY, NOW);
    expect(missing.input).toMatchObject({ exists: false, fresh: false, problem: 'x/latest.json is missing' });
    const bad = await readEvidence('paper_soak', await file('b.json', '{nope'), 'b.json', (_f, j) => soakTime(j), DAY, NOW);
    expect(bad.input.problem).toBe('b.json is not valid JSON');
    const timeless = await readEvidence('paper_soak', await file('c.json', { bots: [] }), 'c.json', (_f, j) => soakTime(j), DAY, NOW);
    expect(timeless.input.problem).toMatch(/^c\.json carries no time/);
    const future = await readEvidence('reconciliation', await file('d.json', { ts: NOW + H }), 'd.json', (_f, j) => reconTime(j), DAY, NOW);
    expect(future.input.problem).toMatch(/^d\.json is dated in the future/);
    expect(future.report).not.toBeNull();
  });

  it('analysis reports take their time from edge_report.json of the same run', async () => {
    const ff = await file('fill_factor_calibration.json', { source: '/var/events', bots: [] });
    const dir = join(ff, '..');
    expect(await analysisTime(ff, { source: '/var/events' })).toMatch(/edge_report\.json .* missing/);
    await writeFile(join(dir, 'edge_report.json'), JSON.stringify({ source: '/var/events', bots: [{ perFill: [{ ts: '2025-01-10T08:00:00.000Z' }, { ts: '2025-01-10T09:00:00.000Z' }] }] }));
    expect(await analysisTime(ff, { source: '/var/events' })).toEqual({ ms: Date.parse('2025-01-10T09:00:00.000Z'), source: 'max(edge_report.json bots[].perFill[].ts)' });
    expect(await analysisTime(ff, { source: '/elsewhere' })).toMatch(/from another run/);
  });
});

describe('parseMaxAges', () => {
  it('one duration for all, per-input overrides, or both', () => {
    expect(parseMaxAges().paper_soak).toEqual({ ms: 24 * H, text: '24h' });
    const m = parseMaxAges('12h,reconciliation=30m');
    expect([m.paper_soak.text, m.parity.text, m.reconciliation.text, m.reconciliation.ms]).toEqual(['12h', '12h', '30m', 30 * 60_000]);
    expect(parseMaxAges('paper_soak=2d').parity.text).toBe('24h');
  });
  it('bad specs are input errors', () => {
    for (const bad of ['soon', 'all', 'nope=1h', 'parity=', '1h,,2h']) expect(() => parseMaxAges(bad), bad).toThrow(GatesInputError);
  });
});

describe('levelReached', () => {
  const c = (level: number, status: string): { level: number; status: string } => ({ level, status });
  it('the highest level whose checks and all lower levels\' pass', () => {
    expect(levelReached([c(0, 'PASS'), c(1, 'PASS'), c(2, 'PASS'), c(2, 'PASS'), c(3, 'SKIP')])).toBe(2);
    expect(levelReached([c(0, 'PASS'), c(1, 'FAIL'), c(2, 'PASS')])).toBe(0);
    expect(levelReached([c(0, 'FAIL'), c(1, 'PASS')])).toBeNull();
    expect(levelReached([c(0, 'PASS'), c(1, 'PASS'), c(2, 'PASS'), c(3, 'FAIL'), c(4, 'PASS')])).toBe(2);
  });
});
