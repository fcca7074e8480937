/**
 * Shared by the desk benchmarks: the default desk config, its capture files, one timed
 * whole-desk replay at `--speed max` into a fresh temporary var directory, and small statistics.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InspectionEvent } from 'xstate';
import { Desk } from '../actors/desk.ts';
import type { DeskSummary } from '../actors/desk-view.ts';
import { loadConfigFile } from '../config/load.ts';
import type { DeskConfig } from '../config/schema/desk.ts';
import { silentLogger } from '../otel/logger.ts';

export const DEFAULT_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', 'config', 'desk.default.yaml');

/** The default desk config (capture paths absolute), or throws with the violations. */
export async function loadDefaultDesk(): Promise<DeskConfig> {
  const r = await loadConfigFile(DEFAULT_CONFIG);
  if (!r.ok) throw new Error(`bench: ${r.file} does not load: ${r.violations.map((v) => `${v.path} ${v.message}`).join('; ')}`);
  return r.config;
}

/** The capture files of every capture the config names, one list per capture (as the desk reads them). */
export function captureFileLists(config: DeskConfig): string[][] {
  const md = config.marketData;
  if (md === undefined || md.source !== 'replay') throw new Error('bench: the default desk does not replay captures');
  return md.captures.map((c) => [...c.files]);
}

/** One whole-desk run: total wall time (captures loaded by the desk itself) and the replay part after `onLoaded`. */
export interface DeskRun {
  readonly summary: DeskSummary;
  /** From `new Desk` to `run()` resolving (load + merge + replay + clean stop + store flush). */
  readonly totalMs: number;
  /** From `onLoaded` to `run()` resolving (replay + clean stop + store flush). */
  readonly replayMs: number;
  /** Process CPU time (user + system, all threads) over `totalMs`: less sensitive than wall time to other processes' load. */
  readonly cpuMs: number;
}

/** Runs the desk once at `--speed max` into a fresh temporary var directory, removed afterwards. */
export async function runDeskOnce(config: DeskConfig, inspect?: (event: InspectionEvent) => void): Promise<DeskRun> {
  const varDir = await mkdtemp(join(tmpdir(), 'desk-bench-'));
  try {
    let loadedAt = Number.NaN;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const desk = new Desk({
      config, configName: 'config/desk.default.yaml', speed: 'max', varDir, logger: silentLogger(),
      ...(inspect ? { inspect } : {}),
      onLoaded: () => { loadedAt = performance.now(); },
    });
    const summary = await desk.run();
    const t1 = performance.now();
    const cpu = process.cpuUsage(c0);
    if (summary.endedBy !== 'end_of_data') throw new Error(`bench: the desk ended by ${summary.endedBy}, not end_of_data`);
    return { summary, totalMs: t1 - t0, replayMs: t1 - loadedAt, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await rm(varDir, { recursive: true, force: true });
  }
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Least-squares slope and residual standard deviation of y over x. */
export function linearFit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; residualSd: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    sxx += ((xs[i] as number) - mx) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((ys[i] as number) - (intercept + slope * (xs[i] as number))) ** 2;
  return { slope, intercept, residualSd: Math.sqrt(ss / Math.max(1, n - 2)) };
}

/** Process CPU time (user + system) since `since`, in ms. */
export const cpuMsSince = (since: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

export const round = (x: number, digits = 0): number => Number(x.toFixed(digits));
