/**
 * Heap after replaying the default desk's capture RUNS times in one process: the whole desk at
 * `--speed max`, each run into a fresh temporary var directory (removed after), then a forced
 * full GC and `heapUsed`. Runs 1–2 carry one-off growth (JIT code, module state, caches), so the
 * trend is the least-squares slope over runs 3..RUNS. "Flat": slope < 0.5 MB/run and the last
 * run within noise (3 residual standard deviations of the fit, at least 1 MB) of run 3.
 *
 * `global.gc` needs `--expose-gc`, which `tsx bench/run.ts` does not pass, so the bench runs in a
 * child `node --expose-gc --import tsx bench/desk-heap.bench.ts` (a fresh process, too: nothing
 * left over from the other benchmarks) and reads its result line from stdout.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { linearFit, loadDefaultDesk, round, runDeskOnce } from './desk-harness.ts';
import type { BenchFigure } from './types.ts';

const RUNS = 20;
const FIT_FROM = 3; // 1-based: runs 3..RUNS are fitted
const SLOPE_LIMIT_MB = 0.5;
const RESULT_PREFIX = 'DESK_HEAP_RESULT ';
const CHILD_ENV = 'DESK_HEAP_BENCH_CHILD';
const MB = 1e6;

interface HeapResult {
  /** heapUsed after a full GC before the first run (config loaded), MB. */
  readonly baselineMb: number;
  /** heapUsed after a full GC following each run, MB. */
  readonly afterRunMb: readonly number[];
  readonly messages: number;
  readonly runMs: readonly number[];
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('desk heap bench: run with --expose-gc');
  // Twice: the first pass can leave objects that only become unreachable once finalizers ran.
  gc();
  gc();
}

/** The measurement itself, in the child process. */
async function measure(): Promise<HeapResult> {
  const config = await loadDefaultDesk();
  fullGc();
  const baselineMb = process.memoryUsage().heapUsed / MB;
  const afterRunMb: number[] = [];
  const runMs: number[] = [];
  let messages = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await runDeskOnce(config);
    messages = r.summary.messages;
    // Let timers and pending I/O callbacks of the finished run settle before collecting.
    await new Promise((res) => setImmediate(res));
    fullGc();
    const mb = process.memoryUsage().heapUsed / MB;
    afterRunMb.push(mb);
    runMs.push(r.totalMs);
    process.stderr.write(`  heap run ${i + 1}/${RUNS}: ${(r.totalMs / 1000).toFixed(2)} s, heapUsed after gc ${mb.toFixed(2)} MB\n`);
  }
  return { baselineMb, afterRunMb, messages, runMs };
}

/** Spawns the child with `--expose-gc` and returns its result. */
function runChild(): Promise<HeapResult> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url)], {
      cwd: root,
      env: { ...process.env, [CHILD_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) return reject(new Error(`desk heap bench: child exited ${code} without a result\n${out}`));
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as HeapResult);
    });
  });
}

/** Runs benchmark 3 (in a child process) and returns its figures. */
export async function benchDeskHeap(): Promise<BenchFigure[]> {
  const r = await runChild();
  const ys = r.afterRunMb.slice(FIT_FROM - 1);
  const xs = ys.map((_, i) => FIT_FROM + i);
  const fit = linearFit(xs, ys);
  const first = r.afterRunMb[0] as number;
  const run3 = r.afterRunMb[FIT_FROM - 1] as number;
  const last = r.afterRunMb[r.afterRunMb.length - 1] as number;
  const max = Math.max(...r.afterRunMb);
  const noise = Math.max(1, 3 * fit.residualSd);
  const flat = fit.slope < SLOPE_LIMIT_MB && Math.abs(last - run3) <= noise;
  console.log(`desk heap: ${RUNS} replays of ${r.messages} messages in one process; heapUsed after gc: before ${r.baselineMb.toFixed(1)} MB, run 1 ${first.toFixed(1)} MB, run ${FIT_FROM} ${run3.toFixed(1)} MB, run ${RUNS} ${last.toFixed(1)} MB, max ${max.toFixed(1)} MB`);
  console.log(`  slope over runs ${FIT_FROM}..${RUNS}: ${fit.slope.toFixed(3)} MB/run (residual sd ${fit.residualSd.toFixed(2)} MB); last − run ${FIT_FROM} = ${(last - run3).toFixed(2)} MB (noise ±${noise.toFixed(2)} MB) → ${flat ? 'flat' : 'NOT flat'}`);
  console.log(`  per run (MB): ${r.afterRunMb.map((m) => m.toFixed(1)).join(' ')}`);
  return [
    { name: 'desk.heap.baseline', value: round(r.baselineMb, 1), unit: 'MB' },
    { name: 'desk.heap.first', value: round(first, 1), unit: 'MB' },
    { name: `desk.heap.run${FIT_FROM}`, value: round(run3, 1), unit: 'MB' },
    { name: 'desk.heap.last', value: round(last, 1), unit: 'MB' },
    { name: 'desk.heap.max', value: round(max, 1), unit: 'MB' },
    { name: 'desk.heap.slope', value: round(fit.slope, 3), unit: 'MB/run', target: `< ${SLOPE_LIMIT_MB} (flat: ${flat ? 'yes' : 'no'})` },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.env[CHILD_ENV] === '1') {
    // The child: measure and print the result line for the parent.
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(await measure())}\n`);
  } else {
    // `tsx bench/desk-heap.bench.ts` prints the figures on its own.
    for (const f of await benchDeskHeap()) console.log(JSON.stringify(f));
  }
}
