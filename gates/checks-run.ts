/**
 * The checks whose evidence this run produces (fresh by construction): config, regression,
 * paper smoke, the smoke store's integrity, and the secrets scan of every artifact.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyStore } from '../adapters/store/verify.ts';
import { loadConfigFile } from '../config/load.ts';
import type { LoadResult } from '../config/load.ts';
import { type GateContext, checkOf, errorText, shown, timed } from './context.ts';
import { GatesInputError } from './errors.ts';
import { producedInput } from './freshness.ts';
import { regressionFailures, regressionMeasured } from './regression.ts';
import { envSecretNeedles, scanArtifacts } from './secrets-scan.ts';
import { type SmokeRun, judgeSmoke } from './smoke.ts';
import type { GateCheck } from './types.ts';

/** Level 0: the config loads and validates (config/load.ts, as `desk config check`). */
export async function configCheck(ctx: GateContext): Promise<{ check: GateCheck; loaded: LoadResult }> {
  const name = shown(ctx, ctx.configFile);
  const loaded = await loadConfigFile(ctx.configFile, name);
  if (loaded.ok) {
    const md = loaded.config.marketData;
    return { loaded, check: checkOf('config', { evidence: [name], measured: { format: loaded.format, bots: loaded.config.bots.length, marketData: md?.source ?? 'none' } }) };
  }
  const reasons = loaded.violations.map((v) => `${name}${v.line !== undefined ? `:${v.line}:${v.column ?? 1}` : ''} ${v.path ? `${v.path}: ` : ''}${v.message}`);
  return { loaded, check: checkOf('config', { evidence: [name], measured: { stage: loaded.stage, violations: loaded.violations.length }, reasons }) };
}

/** Level 1: the regression suite, run into `<out>/regression`. */
export async function regressionCheck(ctx: GateContext): Promise<GateCheck> {
  const suite = shown(ctx, ctx.suiteFile);
  const outDir = join(ctx.outDir, 'regression');
  await rm(outDir, { recursive: true, force: true });
  try {
    const r = await timed(ctx, 'regression', () => ctx.runRegression({ suiteFile: ctx.suiteFile, suiteGiven: suite, outDir }));
    const report = shown(ctx, r.reportPath);
    const evidence = [suite, report, ...(r.markdownPath !== undefined ? [shown(ctx, r.markdownPath)] : [])];
    return checkOf('regression', { evidence, measured: regressionMeasured(r), reasons: regressionFailures(r), inputs: [producedInput('regression', report)] });
  } catch (e) {
    // A suite that does not validate is bad input, as for `desk replay` (exit 2).
    if (e instanceof Error && e.name === 'SuiteError') throw new GatesInputError(`--suite: ${e.message}`, { cause: e });
    return checkOf('regression', { evidence: [suite], reasons: [`the suite did not run: ${errorText(e)}`] });
  }
}

/** Level 2: the paper smoke, run into `<out>/smoke` (its store in `<out>/smoke/events`). */
export async function smokeCheck(ctx: GateContext, loaded: LoadResult): Promise<{ check: GateCheck; run: SmokeRun | null }> {
  const config = shown(ctx, ctx.configFile);
  if (!loaded.ok) return { run: null, check: checkOf('paper_smoke', { evidence: [config], reasons: [`${config} is invalid (see the config check): nothing to run`] }) };
  const source = loaded.config.marketData?.source ?? 'none';
  if (source !== 'replay') return { run: null, check: checkOf('paper_smoke', { evidence: [config], reasons: [`${config}: market_data.source is ${source}; the paper smoke replays recorded data (market_data.source: replay)`] }) };
  const varDir = join(ctx.outDir, 'smoke');
  await rm(varDir, { recursive: true, force: true });
  let run: SmokeRun;
  try {
    run = await timed(ctx, 'paper_smoke', () => ctx.runSmoke(loaded.config, config, varDir, ctx.smokeDurationS));
  } catch (e) {
    return { run: null, check: checkOf('paper_smoke', { evidence: [config], reasons: [`the desk did not run: ${errorText(e)}`] }) };
  }
  const v = judgeSmoke(run.summary, ctx.smokeDurationS);
  const summary = shown(ctx, run.summaryFile);
  return { run, check: checkOf('paper_smoke', { evidence: [config, summary, shown(ctx, run.storeDir)], measured: v.measured, reasons: v.reasons, inputs: [producedInput('paper_smoke', summary)] }) };
}

/** Level 2: the smoke's event store is clean (adapters/store/verify.ts) and holds the whole run. */
export async function storeCheck(ctx: GateContext, run: SmokeRun | null): Promise<GateCheck> {
  if (run === null) return checkOf('event_store', { reasons: ['no store to verify: the paper smoke did not run'] });
  const dir = shown(ctx, run.storeDir);
  try {
    const r = await timed(ctx, 'event_store', () => verifyStore(run.storeDir));
    const reasons: string[] = [];
    if (r.gaps.length > 0) reasons.push(`${dir}: ${r.missingSeqs} missing seq(s) in ${r.gaps.length} gap(s), first ${r.gaps[0]?.producer} ${r.gaps[0]?.from}..${r.gaps[0]?.to}`);
    if (r.duplicateEventIds.length > 0) reasons.push(`${dir}: ${r.duplicateEventIds.length} duplicate event id(s), first at ${r.duplicateEventIds[0]?.again}`);
    if (r.duplicateSeqs.length > 0) reasons.push(`${dir}: ${r.duplicateSeqs.length} duplicate (producer, seq), first at ${r.duplicateSeqs[0]?.again}`);
    if (r.violations.length > 0) reasons.push(`${dir}: ${r.violations.length} schema violation(s), first ${r.violations[0]?.file}:${r.violations[0]?.line} ${r.violations[0]?.reason}`);
    if (r.tornLines.length > 0) reasons.push(`${dir}: ${r.tornLines.length} torn line(s) after a clean stop`);
    if (r.validEvents !== run.summary.events) reasons.push(`${dir}: ${r.validEvents} valid events, the run reported ${run.summary.events}`);
    const measured = { files: r.files.length, records: r.records, validEvents: r.validEvents, gaps: r.gaps.length, duplicateEventIds: r.duplicateEventIds.length, duplicateSeqs: r.duplicateSeqs.length, violations: r.violations.length, tornLines: r.tornLines.length, correlationCoverage: r.correlationCoverage };
    return checkOf('event_store', { evidence: [dir], measured, reasons, inputs: [producedInput('event_store', dir)] });
  } catch (e) {
    return checkOf('event_store', { evidence: [dir], reasons: [`${dir} cannot be verified: ${errorText(e)}`] });
  }
}

/** Level 0, run last: every file under `<out>` (but its gates.json/gates.md) and `<evidence>`, and the config, scanned for secrets. */
export async function secretsCheck(ctx: GateContext, loaded: LoadResult): Promise<GateCheck> {
  const envNames = loaded.ok ? loaded.config.bots.flatMap((b) => [b.execution.apiKeyEnv, b.execution.apiSecretEnv, b.execution.apiPassphraseEnv]) : [];
  const needles = envSecretNeedles(ctx.env, envNames);
  const roots = [ctx.outDir, ctx.evidenceDir, ctx.configFile];
  // The previous run's gates.json/gates.md are about to be replaced (and never hold a value).
  const own = new Set(['gates.json', 'gates.md'].map((f) => join(ctx.outDir, f)));
  const r = await timed(ctx, 'secrets', () => scanArtifacts(roots, needles, undefined, own));
  const reasons = r.findings.map((f) => `${shown(ctx, f.file)}:${f.line} holds ${f.what.startsWith('$') ? `the value of ${f.what}` : `a ${f.what}`}`);
  const measured = { files: r.files, bytes: r.bytes, envSecretsSearched: needles.filter((n) => !n.name.includes('[')).length, findings: r.findings.length };
  return checkOf('secrets', { evidence: [...new Set(roots.map((p) => shown(ctx, p)))], measured, reasons });
}
