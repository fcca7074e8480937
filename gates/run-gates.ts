/**
 * The gate runner: resolves the inputs, runs every check up to the requested level (the others
 * SKIP), works out the ladder level reached and writes `<out>/gates.json` + `<out>/gates.md`.
 * PASS when the level reached is at least the requested one.
 */
import { access, mkdir } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../validation/window.ts';
import { type EvidenceName, EVIDENCE_INPUTS, type GateContext, shown, skipped } from './context.ts';
import { fillFactorCheck, parityCheck, postTradeCheck, reconCheck, soakCheck } from './checks-evidence.ts';
import { configCheck, regressionCheck, secretsCheck, smokeCheck, storeCheck } from './checks-run.ts';
import { GatesInputError } from './errors.ts';
import type { MaxAge } from './freshness.ts';
import { type CheckId, CHECKS, DEFAULT_LEVEL, LADDER, MAX_LEVEL, levelReached } from './ladder.ts';
import { type RunRegressionSuite, runRegressionSuite } from './regression.ts';
import { writeGatesReport } from './report.ts';
import { type RunSmoke, SMOKE_DURATION_S, runPaperSmoke } from './smoke.ts';
import { GATES_REPORT_SCHEMA, type GateCheck, type GatesReport, type LevelResult } from './types.ts';

/** The default max age of every evidence input. */
export const DEFAULT_MAX_AGE = '24h';

export interface GatesOptions {
  /** Paths are resolved against `cwd`. */
  readonly cwd: string;
  readonly outDir: string;
  readonly evidenceDir: string;
  readonly configFile: string;
  readonly suiteFile: string;
  readonly level?: number;
  /** `24h` for every input, or `paper_soak=48h,reconciliation=1h` (others keep the default), or both: `12h,parity=2d`. */
  readonly maxAge?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Wall clock (ms since the epoch): the run's start, against which ages are judged. */
  readonly now?: () => number;
  /** Overrides regression/'s runner (tests). */
  readonly runRegression?: RunRegressionSuite;
  /** Overrides the paper smoke's desk run (tests reuse one run's output). */
  readonly runSmoke?: RunSmoke;
  readonly smokeDurationS?: number;
}

export interface GatesRun {
  readonly report: GatesReport;
  readonly jsonFile: string;
  readonly markdownFile: string;
}

function durationOf(text: string, what: string): MaxAge {
  let spec;
  try {
    spec = parseDuration(text);
  } catch {
    throw new GatesInputError(`--max-age: ${what} ${JSON.stringify(text)} is not a duration (e.g. 24h, 30m, 2d)`);
  }
  if (spec.kind !== 'last') throw new GatesInputError(`--max-age: ${what} must be a duration, not ${JSON.stringify(text)}`);
  return { ms: spec.ms, text: text.trim() };
}

/** Parses `--max-age` (see {@link GatesOptions.maxAge}). */
export function parseMaxAges(text: string = DEFAULT_MAX_AGE): Record<EvidenceName, MaxAge> {
  let all = durationOf(DEFAULT_MAX_AGE, 'the default');
  const per: Partial<Record<EvidenceName, MaxAge>> = {};
  for (const part of text.split(',').map((s) => s.trim())) {
    if (part === '') throw new GatesInputError(`--max-age: empty entry in ${JSON.stringify(text)}`);
    const eq = part.indexOf('=');
    if (eq === -1) {
      all = durationOf(part, 'duration');
      continue;
    }
    const name = part.slice(0, eq).trim();
    if (!(EVIDENCE_INPUTS as readonly string[]).includes(name)) throw new GatesInputError(`--max-age: unknown input ${JSON.stringify(name)} (inputs: ${EVIDENCE_INPUTS.join(', ')})`);
    per[name as EvidenceName] = durationOf(part.slice(eq + 1), name);
  }
  return Object.fromEntries(EVIDENCE_INPUTS.map((n) => [n, per[n] ?? all])) as Record<EvidenceName, MaxAge>;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

function levelResults(checks: readonly GateCheck[]): LevelResult[] {
  return LADDER.map((def) => {
    const at = checks.filter((c) => c.level === def.level);
    const status = at.every((c) => c.status === 'SKIP') ? 'SKIP' : at.some((c) => c.status !== 'PASS') ? 'FAIL' : 'PASS';
    return { level: def.level, name: def.name, status, checks: at.map((c) => c.id) };
  });
}

/** Resolves and validates the options; bad input throws a {@link GatesInputError}. */
async function contextOf(o: GatesOptions, level: number, nowMs: number): Promise<GateContext> {
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(o.cwd, p));
  const ctx: GateContext = {
    cwd: o.cwd, outDir: at(o.outDir), evidenceDir: at(o.evidenceDir), configFile: at(o.configFile), suiteFile: at(o.suiteFile),
    nowMs, maxAges: parseMaxAges(o.maxAge), env: o.env ?? process.env,
    runRegression: o.runRegression ?? runRegressionSuite,
    runSmoke: o.runSmoke ?? runPaperSmoke, smokeDurationS: o.smokeDurationS ?? SMOKE_DURATION_S, ages: {}, durations: {},
  };
  if (!(await exists(ctx.configFile))) throw new GatesInputError(`--config: ${o.configFile}: no such file`);
  if (level >= 1 && !(await exists(ctx.suiteFile))) throw new GatesInputError(`--suite: ${o.suiteFile}: no such file`);
  return ctx;
}

/** Runs the gates up to `level` (default {@link DEFAULT_LEVEL}) and writes the report. */
export async function runGates(o: GatesOptions): Promise<GatesRun> {
  const level = o.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) throw new GatesInputError(`--level: expected an integer 0..${MAX_LEVEL}, got ${String(level)} (level 7, scaling capital, is an operator's decision the gates do not certify)`);
  const now = o.now ?? Date.now;
  const nowMs = now();
  const ctx = await contextOf(o, level, nowMs);
  await mkdir(ctx.outDir, { recursive: true });

  const results = new Map<CheckId, GateCheck>();
  const want = (id: CheckId): boolean => (CHECKS.find((c) => c.id === id)?.level ?? Infinity) <= level;
  const { check: config, loaded } = await configCheck(ctx);
  results.set('config', config);
  if (want('regression')) results.set('regression', await regressionCheck(ctx));
  if (want('paper_smoke')) {
    const smoke = await smokeCheck(ctx, loaded);
    results.set('paper_smoke', smoke.check);
    results.set('event_store', await storeCheck(ctx, smoke.run));
  }
  if (want('paper_soak')) results.set('paper_soak', await soakCheck(ctx));
  if (want('parity')) results.set('parity', await parityCheck(ctx));
  if (want('reconciliation')) results.set('reconciliation', await reconCheck(ctx));
  if (want('fill_factor')) results.set('fill_factor', await fillFactorCheck(ctx));
  if (want('post_trade')) results.set('post_trade', await postTradeCheck(ctx));
  // Last, so that it sees every artifact this run wrote.
  results.set('secrets', await secretsCheck(ctx, loaded));

  const checks = CHECKS.map((c) => results.get(c.id) ?? skipped(c.id));
  const report = reportOf(ctx, level, checks, now());
  const files = await writeGatesReport(ctx.outDir, report);
  return { report, ...files };
}

function reportOf(ctx: GateContext, level: number, checks: readonly GateCheck[], finishedMs: number): GatesReport {
  const reached = levelReached(checks);
  return {
    schema: GATES_REPORT_SCHEMA,
    verdict: reached !== null && reached >= level ? 'PASS' : 'FAIL',
    requestedLevel: level,
    levelReached: reached,
    options: {
      out: shown(ctx, ctx.outDir), evidence: shown(ctx, ctx.evidenceDir), config: shown(ctx, ctx.configFile), suite: shown(ctx, ctx.suiteFile),
      smokeDurationS: ctx.smokeDurationS, maxAge: Object.fromEntries(EVIDENCE_INPUTS.map((n) => [n, ctx.maxAges[n].text])),
    },
    levels: levelResults(checks),
    checks,
    failures: checks.flatMap((c) => c.reasons.map((r) => `${c.id}: ${r}`)),
    clock: { startedAt: new Date(ctx.nowMs).toISOString(), finishedAt: new Date(finishedMs).toISOString(), inputAgesS: ctx.ages, durationsMs: ctx.durations },
  };
}
