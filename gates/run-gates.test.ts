/**
 * The gate runner through its library entry, with the two slow inputs substituted where a test is
 * about something else: a PASS regression result, and a smoke whose store is a small synthetic
 * one (the real suite and the real smoke run in supervisor/cli/commands/gates.test.ts). The
 * zero-fills test runs the real paper smoke on a no_trade copy of the default config.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeskSummary } from '../actors/desk-view.ts';
import { analysisReport, paperSoakReport, parityReport, parseDuration, readConfiguredBots, readEvents, writeJsonReport } from '../validation/index.ts';
import { scenario, writeStore } from '../validation/synthetic.fixtures.ts';
import { type GatesOptions, type GatesReport, type RunRegressionSuite, runGates } from './index.ts';
import type { RunSmoke } from './smoke.ts';

const ROOT = join(import.meta.dirname, '..');
const MIN = 60_000;
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'gates-run-'));
  dirs.push(d);
  return d;
}

const passingSuite: RunRegressionSuite = async ({ outDir }) => {
  await mkdir(outDir, { recursive: true });
  const reportPath = join(outDir, 'regression.json');
  await writeFile(reportPath, '{"verdict":"PASS"}\n');
  return { verdict: 'PASS', windows: [{ id: 'calm', verdict: 'PASS', failures: [] }], reportPath };
};

/** A smoke that writes a small clean store and a summary with fills. */
const syntheticSmoke: RunSmoke = async (_config, configName, varDir) => {
  const events = scenario({ minutes: 10, t0: Date.UTC(2024, 7, 8, 23, 54) });
  await writeStore(events, varDir);
  const summary = {
    schemaVersion: 1, config: configName, seed: null, dataStart: '2024-08-08T23:54:00.000Z', dataEnd: '2024-08-09T00:04:00.000Z', messages: 1, endedBy: 'duration', events: events.length,
    bots: [{ botId: 'btc', variant: 'paper_only', finalState: 'Stopped', fills: 9, ordersPlaced: 18, insideBookPlacements: 0, openOrdersAtEnd: 0 }],
  } as unknown as DeskSummary;
  const summaryFile = join(varDir, 'summary.json');
  await writeFile(summaryFile, JSON.stringify(summary));
  return { summary, summaryFile, storeDir: join(varDir, 'events') };
};

type Part = 'paper_soak' | 'parity' | 'reconciliation' | 'analysis';
/** Evidence as `desk soak validate`, `desk parity`, `desk recon` and `desk analyze` write it, from a 150-minute synthetic store ending at `endMs`. */
async function evidence(parts: readonly Part[], endMs = Date.now()): Promise<string> {
  const root = await tmp();
  const store = await writeStore(scenario({ minutes: 150, t0: endMs - 150 * MIN, minute: () => ({ traded: '10' }) }), join(root, 'soak-var'));
  const read = await readEvents(store);
  const reports = join(root, 'reports');
  if (parts.includes('paper_soak')) await writeJsonReport(join(reports, 'paper_soak', 'latest.json'), paperSoakReport({ source: read.source, events: read.events, window: parseDuration('2h'), windowText: '2h' }));
  if (parts.includes('parity')) await writeJsonReport(join(reports, 'parity', 'latest.json'), parityReport({ a: read, b: read, window: parseDuration('1h'), windowText: '1h' }));
  if (parts.includes('reconciliation')) {
    await writeJsonReport(join(reports, 'reconciliation', 'latest.json'), { version: 'recon-thresholds/v1', ts: endMs, bot: 'btc', symbol: 'BTC/USDT', phase: 'runtime', sinceMs: endMs - 86_400_000, counts: { warning: 0, critical: 0, total: 0 }, findings: [] });
  }
  if (parts.includes('analysis')) {
    const r = analysisReport({ source: read.source, events: read.events, configured: (await readConfiguredBots(undefined)).edge });
    const head = { schema: r.schema, status: r.status, thresholdsVersion: r.thresholdsVersion, source: r.source, findings: r.findings };
    const dir = join(reports, 'analysis');
    await writeJsonReport(join(dir, 'fill_factor_calibration.json'), { ...head, bots: r.bots.map((b) => ({ botId: b.botId, symbol: b.symbol, ...b.fillFactor })) });
    await writeJsonReport(join(dir, 'edge_report.json'), { ...head, bots: r.bots.map((b) => ({ botId: b.botId, symbol: b.symbol, ...b.edge })) });
    await writeJsonReport(join(dir, 'post_trade_validation.json'), { ...head, bots: r.bots.map((b) => ({ botId: b.botId, symbol: b.symbol, ...b.postTrade })) });
  }
  return root;
}

async function gates(o: Partial<GatesOptions> & { evidenceDir: string }): Promise<GatesReport> {
  const out = await tmp();
  const r = await runGates({ cwd: ROOT, outDir: out, configFile: 'config/desk.default.yaml', suiteFile: 'regression/suite.yaml', runRegression: passingSuite, runSmoke: syntheticSmoke, env: {}, ...o });
  return r.report;
}
const check = (r: GatesReport, id: string): GatesReport['checks'][number] => {
  const c = r.checks.find((x) => x.id === id);
  if (c === undefined) throw new Error(`no check ${id}`);
  return c;
};

describe('runGates: evidence levels', () => {
  it('every level up to 6 passes on fresh evidence of each kind', async () => {
    const r = await gates({ evidenceDir: await evidence(['paper_soak', 'parity', 'reconciliation', 'analysis']), level: 6 });
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ verdict: 'PASS', levelReached: 6, requestedLevel: 6 });
    expect(r.checks.every((c) => c.status === 'PASS')).toBe(true);
    expect(check(r, 'paper_soak').inputs[0]).toMatchObject({ fresh: true, timeSource: 'max(bots[].window.end)', maxAge: '24h' });
    expect(check(r, 'post_trade').inputs[0]?.timeSource).toBe('max(edge_report.json bots[].perFill[].ts)');
  });

  it('a stale soak report FAILs paper_soak, naming the file; the level reached stays 2', async () => {
    const ev = await evidence(['paper_soak'], Date.now() - 30 * 3_600_000);
    const r = await gates({ evidenceDir: ev, level: 3 });
    expect(r).toMatchObject({ verdict: 'FAIL', levelReached: 2 });
    const soak = check(r, 'paper_soak');
    expect(soak.status).toBe('FAIL');
    expect(soak.reasons).toEqual([expect.stringMatching(new RegExp(`^${join(ev, 'reports', 'paper_soak', 'latest.json').replaceAll('.', '\\.')} is stale: its time .* is more than 24h before the run$`))]);
    expect(r.failures[0]).toMatch(/^paper_soak: .*latest\.json is stale/);
    // A wider max age for that input accepts it.
    expect((await gates({ evidenceDir: ev, level: 3, maxAge: 'paper_soak=48h' })).verdict).toBe('PASS');
  });

  it('missing evidence for a requested higher level FAILs each missing input; nothing passes vacuously', async () => {
    const ev = await evidence(['paper_soak']);
    const r = await gates({ evidenceDir: ev, level: 4 });
    expect(r).toMatchObject({ verdict: 'FAIL', levelReached: 3, requestedLevel: 4 });
    expect(check(r, 'parity').reasons).toEqual([`${join(ev, 'reports', 'parity', 'latest.json')} is missing`]);
    expect(check(r, 'reconciliation').reasons).toEqual([`${join(ev, 'reports', 'reconciliation', 'latest.json')} is missing`]);
    expect(['fill_factor', 'post_trade'].map((id) => check(r, id).status)).toEqual(['SKIP', 'SKIP']);
  });

  it('a soak report that is not a soak (a 30-minute window) or has a red KPI FAILs', async () => {
    const root = await tmp();
    const store = await writeStore(scenario({ minutes: 40, t0: Date.now() - 40 * MIN, minute: (i) => ({ traded: '10', fills: i > 20 ? 0 : 1 }) }), join(root, 'var'));
    const read = await readEvents(store);
    await writeJsonReport(join(root, 'reports', 'paper_soak', 'latest.json'), paperSoakReport({ source: read.source, events: read.events, window: parseDuration('10m'), windowText: '10m' }));
    const reasons = check(await gates({ evidenceDir: root, level: 3 }), 'paper_soak').reasons.join('\n');
    expect(reasons).toMatch(/status FAIL/);
    expect(reasons).toMatch(/judged over 0\.17 h, less than the 2 h a soak needs/);
    expect(reasons).toMatch(/KPI fills = 0, needs >= 1/);
  });
});

describe('runGates: the report', () => {
  it('gates.json is the same bytes on a second run of the same inputs, apart from `clock`', async () => {
    const out = await tmp();
    const ev = await evidence(['paper_soak', 'parity']);
    const once = async (): Promise<string> => {
      const r = await runGates({ cwd: ROOT, outDir: out, evidenceDir: ev, configFile: 'config/desk.default.yaml', suiteFile: 'regression/suite.yaml', level: 4, runRegression: passingSuite, runSmoke: syntheticSmoke, env: {} });
      expect(r.report.clock.inputAgesS[join(ev, 'reports', 'paper_soak', 'latest.json')]).toBeGreaterThanOrEqual(0);
      return (await readFile(r.jsonFile, 'utf8')).replace(/\n {2}"clock": \{[\s\S]*?\n {2}\},/, '');
    };
    const a = await once();
    expect(a).not.toContain('"clock"');
    expect(await once()).toBe(a);
  });
});

describe('runGates: secrets scan', () => {
  it('a fake secret planted in an artifact FAILs secrets, naming the file and line, never printing it', async () => {
    const ev = await tmp();
    const secret = `FAKESECRET-${'ab12'.repeat(10)}`;
    await mkdir(join(ev, 'reports'), { recursive: true });
    await writeFile(join(ev, 'reports', 'note.json'), `{\n  "ok": true,\n  "debug": "signed with ${secret}"\n}\n`);
    await writeFile(join(ev, 'desk.log'), '-----BEGIN PRIVATE KEY-----\n');
    const out = await tmp();
    const run = await runGates({ cwd: ROOT, outDir: out, evidenceDir: ev, configFile: 'config/desk.default.yaml', suiteFile: 'regression/suite.yaml', runRegression: passingSuite, runSmoke: syntheticSmoke, env: { DESK_VENUE_API_SECRET: secret } });
    const s = check(run.report, 'secrets');
    expect(run.report).toMatchObject({ verdict: 'FAIL', levelReached: null });
    expect(s.reasons).toEqual([
      `${join(ev, 'desk.log')}:1 holds a private key (PEM)`,
      `${join(ev, 'reports', 'note.json')}:3 holds the value of $DESK_VENUE_API_SECRET`,
      `${join(ev, 'reports', 'note.json')}:3 holds the value of $DESK_VENUE_API_SECRET[0..12]`,
    ]);
    for (const f of [run.jsonFile, run.markdownFile]) expect(await readFile(f, 'utf8')).not.toContain(secret.slice(0, 12));
  });
});

describe('runGates: paper smoke', () => {
  it('zero fills (every bot no_trade) FAILs paper_smoke, naming each bot', async () => {
    const dir = await tmp();
    const text = (await readFile(join(ROOT, 'config', 'desk.default.yaml'), 'utf8'))
      .replaceAll('../data/', `${join(ROOT, 'data')}/`)
      .replaceAll('variant: paper_only', 'variant: no_trade');
    const config = join(dir, 'no-trade.yaml');
    await writeFile(config, text);
    const r = await gates({ evidenceDir: await tmp(), configFile: config, runSmoke: undefined });
    expect(r).toMatchObject({ verdict: 'FAIL', levelReached: 1 });
    const smoke = check(r, 'paper_smoke');
    expect(smoke.reasons).toEqual([
      'bot btc-paper (no_trade): 0 fills within 10 simulated minutes (0 orders placed)',
      'bot eth-paper (no_trade): 0 fills within 10 simulated minutes (0 orders placed)',
    ]);
    expect(smoke.measured).toMatchObject({ simulatedSeconds: 600, 'btc-paper.fills': 0 });
    expect(check(r, 'event_store').status).toBe('PASS');
    expect(r.failures.every((f) => f.startsWith('paper_smoke: '))).toBe(true);
  }, 90_000);
});
