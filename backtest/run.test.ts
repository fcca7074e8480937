/**
 * The composed run, in-process, on a two-day window of the real FTX BTC-PERP 1-minute data:
 * determinism, the OHLCV bias labels, a second strategy through the same harness, and the
 * config/data checks that must name their field.
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BacktestInputError } from './errors.ts';
import { type BacktestRequest, runBacktest } from './run.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FTX = 'data/ftx-btcperp-1m-2022/ftx_btc-perp_1m_20211231-20220201.csv';
const CONFIG = 'config/examples/backtest.epp.yaml';
const PERP = 'config/examples/backtest.epp-perp.yaml';
const START = Date.UTC(2022, 0, 21);
const END = Date.UTC(2022, 0, 23);

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-backtest-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function req(over: Partial<BacktestRequest> & { out: string }): BacktestRequest {
  return { strategy: 'epp', configPath: join(ROOT, CONFIG), configName: CONFIG, files: [join(ROOT, FTX)], filesGiven: [FTX], format: 'auto', start: START, end: END, ...over };
}

describe('runBacktest', () => {
  it('two runs on the same inputs write byte-identical summary.json and bars.jsonl', async () => {
    const a = await runBacktest(req({ out: join(dir, 'a') }));
    const b = await runBacktest(req({ out: join(dir, 'b') }));
    expect(await readFile(b.paths.summary, 'utf8')).toBe(await readFile(a.paths.summary, 'utf8'));
    expect(await readFile(b.paths.bars, 'utf8')).toBe(await readFile(a.paths.bars, 'utf8'));
    const s = JSON.parse(await readFile(a.paths.summary, 'utf8')) as Record<string, unknown>;
    expect(s).toMatchObject({ strategy: 'epp', fillModel: 'ohlcv-limit', fill_model_bias: 'optimistic_estimated', data: { format: 'ohlcv-csv', files: [FTX], intervalMs: 60_000, events: 2880 } });
    // Nothing of this machine in the report: the data file as given, no temp dir.
    expect(await readFile(a.paths.summary, 'utf8')).not.toContain(dir);
    expect(await readFile(a.paths.summary, 'utf8')).not.toContain(ROOT);
    expect((await readFile(a.paths.bars, 'utf8')).trimEnd().split('\n')).toHaveLength(2880);
    expect(a.metrics.perRegime.find((r) => r.regime === 'high_vol_shock')?.bars).toBeGreaterThan(0);
  });

  it('the conservative OHLCV model is labelled conservative_estimated', async () => {
    const r = await runBacktest(req({ out: join(dir, 'c'), fillModel: 'conservative', end: START + 6 * 3_600_000 }));
    expect(r.summary).toMatchObject({ fillModel: 'ohlcv-conservative', fill_model_bias: 'conservative_estimated' });
  });

  it('runs a second strategy (ma-cross) through the same harness, with its own config', async () => {
    const sc = join(dir, 'ma.yaml');
    await writeFile(sc, 'fast_period: 5\nslow_period: 20\namount: "0.01"\n');
    const r = await runBacktest(req({ strategy: 'ma-cross', out: join(dir, 'ma'), strategyConfig: { path: sc, name: 'ma.yaml' } }));
    expect(r.summary).toMatchObject({ strategy: 'ma-cross', fill_model_bias: 'optimistic_estimated' });
    expect(r.metrics.fills).toBeGreaterThan(0);
    expect(r.metrics.perRegime.map((x) => x.regime).sort()).toEqual(['flat', 'long', 'none']);
  });

  it('a config whose bar_interval_s disagrees with the data is refused, naming the field', async () => {
    const text = (await readFile(join(ROOT, CONFIG), 'utf8')).replace('bar_interval_s: 60', 'bar_interval_s: 300');
    const f = join(dir, 'five-min.yaml');
    await writeFile(f, text);
    const err = await runBacktest(req({ out: join(dir, 'x'), configPath: f, configName: 'five-min.yaml' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BacktestInputError);
    expect((err as Error).message).toMatch(/strategy\.bar_interval_s: the config says 300 s but the data's bars are 60 s apart/);
  });

  it('a spot run writes no perp section', async () => {
    const r = await runBacktest(req({ out: join(dir, 'spot'), end: START + 3_600_000 }));
    expect(r.summary).not.toHaveProperty('perp');
  });

  describe('a perp bot (config/examples/backtest.epp-perp.yaml: short start, hourly funding)', () => {
    const perpReq = (out: string, over: Partial<BacktestRequest> = {}): BacktestRequest => req({ out: join(dir, out), configPath: join(ROOT, PERP), configName: PERP, ...over });

    it('runs from a short position, charges funding, records the perp and its funding source; two runs are byte-identical', async () => {
      const a = await runBacktest(perpReq('perp-a'));
      const b = await runBacktest(perpReq('perp-b'));
      expect(await readFile(b.paths.summary, 'utf8')).toBe(await readFile(a.paths.summary, 'utf8'));
      expect(await readFile(b.paths.bars, 'utf8')).toBe(await readFile(a.paths.bars, 'utf8'));
      expect(a.bot.account.startBase.toString()).toBe('-0.02');
      expect(a.summary).toMatchObject({ perp: { market: 'perp', leverage: '2', funding: { source: 'config', rate: '0.00001', intervalS: 3600 } } });
      // Funding was settled (a position is held across the hourly settlements) and reported alike in metrics and the perp section.
      expect(a.metrics.funding).not.toBe('0');
      expect((a.summary['perp'] as { final: { funding: string } }).final.funding).toBe(a.metrics.funding);
      // The wallet opens at start_quote: a short's proceeds are not cash.
      expect(a.metrics.startEquity).toBe('2000');
      const first = JSON.parse((await readFile(a.paths.bars, 'utf8')).split('\n')[0] ?? '') as { base: string; equity: string };
      expect([first.base, first.equity]).toEqual(['-0.02', '2000']);
      expect(a.metrics.fills).toBeGreaterThan(0);
    });

    it('ma-cross runs on the perp too (flat = the short opening position)', async () => {
      const sc = join(dir, 'ma-perp.yaml');
      await writeFile(sc, 'fast_period: 5\nslow_period: 20\namount: "0.01"\n');
      const r = await runBacktest(perpReq('ma-perp', { strategy: 'ma-cross', strategyConfig: { path: sc, name: 'ma-perp.yaml' } }));
      expect(r.summary).toMatchObject({ strategy: 'ma-cross', perp: { market: 'perp' } });
      expect(r.metrics.fills).toBeGreaterThan(2);
      expect(r.metrics.funding).not.toBe('0');
    });
  });

  it('--strategy-config with the EPP and an unknown --strategy are refused, naming the flag', async () => {
    const e1 = await runBacktest(req({ out: join(dir, 'y'), strategyConfig: { path: join(dir, 'ma.yaml'), name: 'ma.yaml' } })).catch((e: unknown) => e);
    expect((e1 as Error).message).toMatch(/^--strategy-config: /);
    const e2 = await runBacktest(req({ strategy: 'grid', out: join(dir, 'z') })).catch((e: unknown) => e);
    expect((e2 as Error).message).toBe('--strategy: expected one of epp, ma-cross, got "grid"');
  });
});
