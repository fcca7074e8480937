/**
 * The regression suite as a gate input: `regression/`'s `runReplay` (the library behind `desk
 * replay --suite <file> --out <dir>`), called in-process, never as a subprocess. Its result is
 * seen through {@link RegressionResult}, so a test can substitute a runner.
 */
import { runReplay } from '../regression/index.ts';

export interface RegressionWindow {
  readonly id: string;
  readonly verdict: string;
  /** Each failed check, naming the window and the check (regression/run-window.ts). */
  readonly failures: readonly string[];
}

export interface RegressionResult {
  readonly verdict: 'PASS' | 'FAIL';
  readonly windows: readonly RegressionWindow[];
  /** The suite's JSON report. */
  readonly reportPath: string;
  /** Its markdown summary. */
  readonly markdownPath?: string;
}

export type RunRegressionSuite = (o: { readonly suiteFile: string; readonly suiteGiven: string; readonly outDir: string }) => Promise<RegressionResult>;

/** Runs the suite into `outDir` (`regression.json`, `regression.md`, one folder per window). */
export const runRegressionSuite: RunRegressionSuite = async ({ suiteFile, suiteGiven, outDir }) => {
  const r = await runReplay({ suitePath: suiteFile, suiteGiven, out: outDir });
  return { verdict: r.report.verdict, windows: r.report.windows, reportPath: r.paths.json, markdownPath: r.paths.md };
};

/** One line per failed check of every failing window (or the suite's verdict when no window says why). */
export function regressionFailures(r: RegressionResult): string[] {
  const out: string[] = [];
  for (const w of r.windows) {
    if (w.verdict === 'PASS') continue;
    if (w.failures.length === 0) out.push(`window ${w.id}: ${w.verdict}`);
    for (const f of w.failures) out.push(f.startsWith(`${w.id}:`) ? `window ${f}` : `window ${w.id}: ${f}`);
  }
  if (r.verdict !== 'PASS' && out.length === 0) out.push(`suite verdict ${r.verdict}`);
  if (r.verdict === 'PASS' && out.length > 0) out.unshift('suite verdict PASS but a window did not pass');
  return out;
}

/** The suite's verdict and each window's, for the check's measured values. */
export function regressionMeasured(r: RegressionResult): Record<string, string | number> {
  const m: Record<string, string | number> = { verdict: r.verdict, windows: r.windows.length, windowsPassed: r.windows.filter((w) => w.verdict === 'PASS').length };
  for (const w of r.windows) m[`window.${w.id}`] = w.verdict;
  return m;
}
