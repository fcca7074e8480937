/**
 * One window of the suite: its backtest run twice (the report under `<out>/<id>/`, the second
 * run under `<out>/<id>/rerun/`), each run's decision log written beside its report, then the
 * window's invariants evaluated on the log and its baseline metrics checked on summary.json.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, normalize, resolve } from 'node:path';
import { BacktestInputError } from '../backtest/errors.ts';
import { DataError, DataReadError } from '../backtest/data/errors.ts';
import type { DecisionRecord } from '../backtest/engine.ts';
import { type BacktestOutcome, runBacktest } from '../backtest/run.ts';
import type { DataRequest, MarketData } from '../backtest/types.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import { type DecisionLine, logText, toLine } from './decision-log.ts';
import { effectiveConfig } from './effective-config.ts';
import { WindowInputError } from './errors.ts';
import { type InvariantCheck, type RunArtifacts, deterministic, hardStop, intentExpiry, noOrderInsideBook, zeroOrders } from './invariants/index.ts';
import { METRIC_NAMES, type MetricCheck, type MetricName, checkMetric, metricFailure, readMetric } from './metrics.ts';
import type { InvariantName, SuiteWindow } from './suite.ts';

export interface WindowContext {
  readonly window: SuiteWindow;
  /** The window's index in the suite (for field paths in messages). */
  readonly index: number;
  /** The suite file's folder: absolute, and as the user gave it (names in reports). */
  readonly suiteDir: string;
  readonly suiteDirGiven: string;
  /** The report folder (absolute). */
  readonly out: string;
  /** Loads the window's data (shared between windows and runs: data-cache.ts). */
  readonly loadData: (req: DataRequest) => Promise<MarketData>;
}

/** Everything the report says about one window. */
export interface WindowResult {
  readonly id: string;
  readonly description: string | null;
  readonly verdict: 'PASS' | 'FAIL';
  readonly strategy: string;
  readonly runId: string;
  readonly configHash: string;
  readonly dataHash: string;
  readonly fillModel: string;
  readonly fill_model_bias: string;
  readonly config: string;
  readonly data: { readonly files: readonly string[]; readonly start: string | null; readonly end: string | null };
  readonly evidence: Readonly<Record<string, string>>;
  readonly invariants: readonly InvariantCheck[];
  readonly metrics: readonly MetricCheck[];
  /** Every metric's value in this run (what --update-baselines writes). */
  readonly observed: Readonly<Record<MetricName, string>>;
  readonly failures: readonly string[];
}

interface RunOutput {
  readonly outcome: BacktestOutcome;
  readonly artifacts: RunArtifacts;
}

async function runOnce(ctx: WindowContext, config: { path: string; name: string }, dir: string): Promise<RunOutput> {
  const w = ctx.window;
  const lines: DecisionLine[] = [];
  let outcome: BacktestOutcome;
  try {
    outcome = await runBacktest({
      strategy: w.strategy,
      configPath: config.path,
      configName: config.name,
      ...(w.strategyConfig !== null ? { strategyConfig: { path: resolve(ctx.suiteDir, w.strategyConfig), name: normalize(join(ctx.suiteDirGiven, w.strategyConfig)) } } : {}),
      ...(w.bot !== null ? { botId: w.bot } : {}),
      files: w.data.files.map((f) => resolve(ctx.suiteDir, f)),
      filesGiven: w.data.files.map((f) => normalize(join(ctx.suiteDirGiven, f))),
      format: w.data.format,
      ...(w.data.start !== null ? { start: w.data.start } : {}),
      ...(w.data.end !== null ? { end: w.data.end } : {}),
      ...(w.fillModel !== null ? { fillModel: w.fillModel } : {}),
      out: dir,
      onDecision: (d: DecisionRecord<unknown>) => lines.push(toLine(d)),
      loadData: ctx.loadData,
    });
  } catch (e) {
    if (e instanceof BacktestInputError || e instanceof DataError || e instanceof DataReadError) {
      throw new WindowInputError(w.id, `windows[${ctx.index}] (${w.id}): ${e.message}`, { cause: e });
    }
    throw e;
  }
  const log = logText(lines);
  await writeFile(join(dir, 'decisions.jsonl'), log, 'utf8');
  const [summary, bars] = await Promise.all([readFile(outcome.paths.summary, 'utf8'), readFile(outcome.paths.bars, 'utf8')]);
  return { outcome, artifacts: { lines, log, summary, bars } };
}

function refreshOf(bot: BotConfig): (regime: string | null) => number | null {
  const regimes = bot.strategy.regimes as Readonly<Record<string, { readonly refreshS: number } | undefined>>;
  return (regime) => {
    const spec = regime === null ? undefined : regimes[regime];
    return spec === undefined ? null : spec.refreshS * 1000;
  };
}

function evaluate(name: InvariantName, w: SuiteWindow, a: RunOutput, b: RunOutput, ev: Readonly<Record<string, string>>): InvariantCheck {
  const log = [ev['decisions'] as string];
  const lines = a.artifacts.lines;
  const bot = a.outcome.bot;
  switch (name) {
    case 'no_order_inside_book':
      return noOrderInsideBook(lines, log);
    case 'risk_denials_deterministic':
      return deterministic(a.artifacts, b.artifacts, [...log, ev['summary'] as string, ev['rerunDecisions'] as string, ev['rerunSummary'] as string]);
    case 'intent_expiry':
      return intentExpiry(lines, refreshOf(bot), log);
    case 'hard_stop': {
      const reason = w.hardStop ?? 'daily_loss';
      return hardStop(lines, reason, reason === 'daily_loss' ? bot.strategy.maxDailyLossPct : bot.strategy.maxDrawdownPct, log);
    }
    case 'zero_orders': {
      const placed = (a.outcome.summary['run'] as { orders: { placed: number } }).orders.placed;
      return zeroOrders(lines, placed, [...log, ev['summary'] as string]);
    }
  }
}

/** One line per failed check, naming the window and the check (invariants first). */
export function windowFailures(id: string, invariants: readonly InvariantCheck[], metrics: readonly MetricCheck[]): string[] {
  return [
    ...invariants.filter((c) => c.verdict === 'FAIL').map((c) => `${id}: invariant ${c.name}: ${c.detail}`),
    ...metrics.filter((c) => c.verdict === 'FAIL').map((c) => metricFailure(id, c)),
  ];
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Runs one window (twice) and checks it. Throws `WindowInputError` for a bad config or data. */
export async function runWindow(ctx: WindowContext): Promise<WindowResult> {
  const w = ctx.window;
  const dir = join(ctx.out, w.id);
  // The window's folder is the runner's own (ids are [a-z0-9_-]): start clean, no stale evidence.
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'rerun'), { recursive: true });
  const cfgName = normalize(join(ctx.suiteDirGiven, w.config));
  const config = await effectiveConfig({ windowId: w.id, path: resolve(ctx.suiteDir, w.config), name: cfgName, overrides: w.overrides, dir, dirRel: w.id });
  const a = await runOnce(ctx, config, dir);
  const b = await runOnce(ctx, config, join(dir, 'rerun'));
  const ev: Record<string, string> = {
    summary: `${w.id}/summary.json`,
    bars: `${w.id}/bars.jsonl`,
    decisions: `${w.id}/decisions.jsonl`,
    rerunSummary: `${w.id}/rerun/summary.json`,
    rerunDecisions: `${w.id}/rerun/decisions.jsonl`,
    ...(config.written !== null ? { config: config.written } : {}),
  };
  const invariants = w.invariants.map((n) => evaluate(n, w, a, b, ev));
  const summary = a.outcome.summary;
  const metrics = w.baseline.map(({ name, entry }) => checkMetric(name, entry, readMetric(summary, name), ev['summary'] as string));
  const observed = Object.fromEntries(METRIC_NAMES.map((n) => [n, readMetric(summary, n).toFixed()])) as Record<MetricName, string>;
  const failures = windowFailures(w.id, invariants, metrics);
  return {
    id: w.id,
    description: w.description,
    verdict: failures.length === 0 ? 'PASS' : 'FAIL',
    strategy: String(summary['strategy']),
    runId: String(summary['runId']),
    configHash: String(summary['configHash']),
    dataHash: String(summary['dataHash']),
    fillModel: a.outcome.fillModel,
    fill_model_bias: a.outcome.bias,
    config: cfgName,
    data: { files: a.outcome.meta.files, start: isoOrNull(w.data.start), end: isoOrNull(w.data.end) },
    evidence: ev,
    invariants,
    metrics,
    observed,
    failures,
  };
}
