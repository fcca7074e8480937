/**
 * `desk replay`'s core: load the suite, run its windows in order (progress per window), write
 * regression.json and regression.md, and — only when asked and only when every invariant
 * holds — rewrite the suite's baselines from this run.
 */
import { dirname, resolve } from 'node:path';
import { Decimal } from '../domain/money/decimal.ts';
import { checkMetric } from './metrics.ts';
import { type SuiteWindow, loadSuite } from './suite.ts';
import { cachedDataLoader } from './data-cache.ts';
import { sha256Hex } from './decision-log.ts';
import { type SuiteReport, buildReport, writeSuiteReport } from './report.ts';
import { type WindowResult, runWindow, windowFailures } from './run-window.ts';
import { type BaselineChange, updateBaselines } from './update-baselines.ts';

export interface ReplayRequest {
  /** The suite file: absolute, and as the user gave it (it appears in the report as given). */
  readonly suitePath: string;
  readonly suiteGiven: string;
  /** The report folder (absolute). */
  readonly out: string;
  readonly updateBaselines?: boolean;
  /** Called before and after each window (`result` after). */
  readonly onWindow?: (e: { readonly index: number; readonly total: number; readonly id: string; readonly result?: WindowResult; readonly ms?: number }) => void;
  /** Elapsed-time source for progress only (never in the report). */
  readonly now?: () => number;
}

export interface ReplayOutcome {
  readonly report: SuiteReport;
  readonly paths: { readonly json: string; readonly md: string };
  /** With --update-baselines: what was rewritten (null when not asked or refused). */
  readonly baselineChanges: readonly BaselineChange[] | null;
  /** Why --update-baselines refused (an invariant failed), null otherwise. */
  readonly updateRefused: string | null;
}

export async function runReplay(req: ReplayRequest): Promise<ReplayOutcome> {
  const { suite, text } = await loadSuite(req.suitePath, req.suiteGiven);
  const suiteDir = dirname(req.suitePath);
  const suiteDirGiven = dirname(req.suiteGiven);
  const now = req.now ?? (() => 0);
  const results: WindowResult[] = [];
  const loadData = cachedDataLoader();
  for (const [index, window] of suite.windows.entries()) {
    const t0 = now();
    req.onWindow?.({ index, total: suite.windows.length, id: window.id });
    const result = await runWindow({ window, index, suiteDir, suiteDirGiven, out: req.out, loadData });
    results.push(result);
    req.onWindow?.({ index, total: suite.windows.length, id: window.id, result, ms: now() - t0 });
  }
  let baselineChanges: BaselineChange[] | null = null;
  let updateRefused: string | null = null;
  let final: readonly WindowResult[] = results;
  let suiteText = text;
  if (req.updateBaselines === true) {
    const broken = results.flatMap((r) => r.invariants.filter((c) => c.verdict === 'FAIL').map((c) => `${r.id}: ${c.name}`));
    if (broken.length > 0) updateRefused = `an invariant fails (${broken.join(', ')}): a broken run is not a baseline`;
    else {
      baselineChanges = await updateBaselines(resolve(req.suitePath), suite, results);
      // Re-read the rewritten suite: the report checks the metrics against the new baselines.
      const reread = await loadSuite(req.suitePath, req.suiteGiven);
      suiteText = reread.text;
      final = results.map((r) => rebaseline(r, reread.suite.windows.find((w) => w.id === r.id)?.baseline ?? []));
    }
  }
  const report = buildReport({ file: req.suiteGiven, name: suite.name, version: suite.version, hash: sha256Hex(suiteText) }, final);
  const paths = await writeSuiteReport(req.out, report);
  return { report, paths, baselineChanges, updateRefused };
}

/** A window's result with its metrics re-checked against a new baseline (invariants unchanged). */
function rebaseline(r: WindowResult, baseline: SuiteWindow['baseline']): WindowResult {
  const metrics = baseline.map(({ name, entry }) => checkMetric(name, entry, new Decimal(r.observed[name]), r.evidence['summary'] ?? ''));
  const failures = windowFailures(r.id, r.invariants, metrics);
  return { ...r, metrics, failures, verdict: failures.length === 0 ? 'PASS' : 'FAIL' };
}
