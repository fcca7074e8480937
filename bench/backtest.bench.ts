/**
 * Backtest throughput against its decode floor (validation issue, "Performance"):
 *
 * - `backtest.ftx` — the EPP (config/examples/backtest.epp.yaml) over the 31-day 1-minute FTX
 *   BTC-PERP file (45k bars), fill model `ohlcv-limit`: bars per second.
 * - `backtest.l2` — the EPP (config/examples/backtest.epp-l2.yaml) over both files of the
 *   BTCUSDT capture (book + trade events), paper L2 fills, 1 s ticks: messages (market events)
 *   per second.
 *
 * The *full backtest* is `runBacktest` exactly as `desk backtest` calls it: load the config,
 * read + validate + window the data, run the engine (fill model, strategy, portfolio), compute
 * the metrics and write summary.json + bars.jsonl (into a temporary directory). The *decode
 * floor*, measured in the same run on the same files, is `loadMarketData` and nothing else:
 * read (gunzip), detect, parse into market events, validate, window, hash. The ratio is
 * backtest throughput / floor throughput (= floor time / backtest time); target ≥ 0.25.
 *
 * Per data set: one warm-up of each, then REPS rounds of {floor, backtest}, alternating which
 * goes first so JIT warm-up and leftover garbage hit both alike; each figure is the median of
 * its REPS (best-of is printed too). Every round's summary.json and bars.jsonl must be
 * byte-identical to the warm-up's — a bench that made the run nondeterministic fails.
 *
 * This replaces the standalone `backtest/benchmark.ts` (same floor, now with repetitions, the
 * L2 capture and the whole `desk backtest` path instead of the engine alone).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadMarketData } from '../backtest/data/load.ts';
import { runBacktest } from '../backtest/run.ts';
import { median, round } from './desk-harness.ts';
import type { BenchFigure } from './types.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPS = Number(process.env['BENCH_BACKTEST_REPS'] ?? 5);

interface DataSet {
  /** Figure name prefix. */
  readonly name: string;
  readonly config: string;
  readonly files: readonly string[];
  /** What one market event is called in the unit. */
  readonly unit: 'bars/s' | 'msg/s';
}

const SETS: readonly DataSet[] = [
  {
    name: 'backtest.ftx',
    config: 'config/examples/backtest.epp.yaml',
    files: ['data/ftx-btcperp-1m-2022/ftx_btc-perp_1m_20211231-20220201.csv'],
    unit: 'bars/s',
  },
  {
    name: 'backtest.l2',
    config: 'config/examples/backtest.epp-l2.yaml',
    files: ['data/binance-spot-20240808/btcusdt_20240808.gz', 'data/binance-spot-20240808/btcusdt_20240809.gz'],
    unit: 'msg/s',
  },
];

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number): number => n / (ms / 1000);
const digest = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The decode floor: read + parse the files into market events; returns (events, ms). */
async function floorOnce(set: DataSet): Promise<{ events: number; ms: number }> {
  const files = set.files.map((f) => join(ROOT, f));
  const t0 = performance.now();
  const data = await loadMarketData({ files, format: 'auto' });
  const ms = performance.now() - t0;
  return { events: data.meta.events, ms };
}

/** One full `desk backtest` into `out`; returns (events, ms, digest of both report files). */
async function backtestOnce(set: DataSet, out: string): Promise<{ events: number; ms: number; digest: string }> {
  const files = set.files.map((f) => join(ROOT, f));
  const t0 = performance.now();
  const r = await runBacktest({
    strategy: 'epp',
    configPath: join(ROOT, set.config),
    configName: set.config,
    files,
    filesGiven: set.files,
    format: 'auto',
    out,
  });
  const ms = performance.now() - t0;
  return { events: r.meta.events, ms, digest: `${digest(r.paths.summary)} ${digest(r.paths.bars)}` };
}

async function benchSet(set: DataSet, tmp: string): Promise<BenchFigure[]> {
  const out = join(tmp, set.name);
  const warmFloor = await floorOnce(set);
  const warm = await backtestOnce(set, out);
  if (warm.events !== warmFloor.events) throw new Error(`bench: the floor read ${warmFloor.events} events, the backtest ${warm.events}`);
  const n = warm.events;
  console.log(`${set.name}: ${n} events; warm-up floor ${s(warmFloor.ms)}, backtest ${s(warm.ms)}`);
  const floorMs: number[] = [];
  const runMs: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? (['floor', 'run'] as const) : (['run', 'floor'] as const);
    for (const v of order) {
      if (v === 'floor') floorMs.push((await floorOnce(set)).ms);
      else {
        const r = await backtestOnce(set, out);
        if (r.digest !== warm.digest) throw new Error(`bench: ${set.name} round ${rep + 1} wrote a different report than the warm-up (nondeterministic run)`);
        runMs.push(r.ms);
      }
    }
    console.log(`  round ${rep + 1}  floor ${s(floorMs.at(-1) as number)} (${Math.round(rate(n, floorMs.at(-1) as number))} ${set.unit})  backtest ${s(runMs.at(-1) as number)} (${Math.round(rate(n, runMs.at(-1) as number))} ${set.unit})`);
  }
  const floorRate = rate(n, median(floorMs));
  const runRate = rate(n, median(runMs));
  const bestRatio = Math.min(...floorMs) / Math.min(...runMs);
  console.log(
    `${set.name} (median of ${REPS}): backtest ${Math.round(runRate)} ${set.unit}, floor ${Math.round(floorRate)} ${set.unit}, ratio ${(runRate / floorRate).toFixed(3)} (target >= 0.25); best of ${REPS}: ratio ${bestRatio.toFixed(3)}`,
  );
  return [
    { name: set.name, value: Math.round(runRate), unit: set.unit, floor: Math.round(floorRate), ratio: round(runRate / floorRate, 3), target: 'ratio >= 0.25' },
    { name: `${set.name}.wall`, value: Math.round(median(runMs)), unit: 'ms', floor: Math.round(median(floorMs)) },
  ];
}

/** Runs both data sets and returns their figures. */
export async function benchBacktest(): Promise<BenchFigure[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'desk-bench-backtest-'));
  try {
    const figures: BenchFigure[] = [];
    for (const set of SETS) figures.push(...(await benchSet(set, tmp)));
    return figures;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// `tsx bench/backtest.bench.ts` prints the figures on its own.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchBacktest()) console.log(JSON.stringify(f));
}
