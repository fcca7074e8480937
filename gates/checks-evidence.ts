/**
 * The checks judged on evidence earlier runs left under `<evidence>/reports/` (levels 3–6): each
 * input must exist, carry a time, and be younger than its max age — else the check FAILs naming
 * the file — and then pass its own rule.
 */
import { join } from 'node:path';
import { PAPER_SOAK_REPORT_SCHEMA } from '../validation/soak-report.ts';
import { PARITY_REPORT_SCHEMA } from '../validation/parity.ts';
import { ANALYSIS_REPORT_SCHEMA } from '../validation/analysis-report.ts';
import { type EvidenceName, type GateContext, checkOf, shown } from './context.ts';
import { analysisTime, parityTime, reconTime, soakTime } from './evidence-time.ts';
import { type TimeOf, readEvidence } from './freshness.ts';
import type { CheckId } from './ladder.ts';
import type { GateCheck, Measured } from './types.ts';

/** A paper soak shorter than this is not a soak (`desk soak validate`'s default window). */
export const SOAK_MIN_WINDOW_MS = 2 * 3_600_000;

/** Where each input lives under the evidence root. */
export const EVIDENCE_FILES: Readonly<Record<EvidenceName, string>> = {
  paper_soak: join('reports', 'paper_soak', 'latest.json'),
  parity: join('reports', 'parity', 'latest.json'),
  reconciliation: join('reports', 'reconciliation', 'latest.json'),
  fill_factor: join('reports', 'analysis', 'fill_factor_calibration.json'),
  post_trade: join('reports', 'analysis', 'post_trade_validation.json'),
};

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const records = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

type Rule = (report: Json, file: string) => { reasons: string[]; measured: Record<string, Measured> };

/** Reads input `name`, judges freshness, then `rule` on the content (also when stale: both are reported). */
async function evidenceCheck(ctx: GateContext, id: CheckId, name: EvidenceName, timeOf: TimeOf, rule: Rule): Promise<GateCheck> {
  const file = join(ctx.evidenceDir, EVIDENCE_FILES[name]);
  const path = shown(ctx, file);
  const read = await readEvidence(name, file, path, timeOf, ctx.maxAges[name], ctx.nowMs);
  if (read.ageMs !== null) ctx.ages[path] = Math.round(read.ageMs / 1000);
  const reasons: string[] = read.input.problem !== undefined ? [read.input.problem] : [];
  let measured: Record<string, Measured> = {};
  if (read.report !== null) {
    const r = rule(read.report, path);
    reasons.push(...r.reasons);
    measured = r.measured;
  }
  return checkOf(id, { evidence: [path], measured, reasons, inputs: [read.input] });
}

function schemaIs(report: Json, file: string, schema: string): string[] {
  return report['schema'] === schema ? [] : [`${file}: schema ${str(report['schema'])}, expected ${schema}`];
}

/** Level 3: a PASS soak report over ≥ 2 h per bot, every KPI green. */
const soakRule: Rule = (report, file) => {
  const reasons = schemaIs(report, file, PAPER_SOAK_REPORT_SCHEMA);
  const bots = records(report['bots']);
  if (report['status'] !== 'PASS') reasons.push(`${file}: status ${str(report['status'])}`);
  if (bots.length === 0) reasons.push(`${file}: no bot was judged`);
  const measured: Record<string, Measured> = { status: str(report['status']), thresholdsVersion: str(report['thresholdsVersion']), window: str(report['window']), bots: bots.length };
  for (const b of bots) {
    const id = str(b['botId']);
    const ms = isRecord(b['window']) && typeof b['window']['ms'] === 'number' ? b['window']['ms'] : 0;
    measured[`${id}.windowH`] = Math.round((ms / 3_600_000) * 100) / 100;
    if (ms < SOAK_MIN_WINDOW_MS) reasons.push(`${file}: bot ${id} was judged over ${measured[`${id}.windowH`]} h, less than the ${SOAK_MIN_WINDOW_MS / 3_600_000} h a soak needs`);
    for (const k of records(b['kpis'])) {
      const th = isRecord(k['threshold']) ? `${str(k['threshold']['op'])} ${str(k['threshold']['value'])}` : '?';
      measured[`${id}.${str(k['id'])}`] = k['value'] === null ? null : str(k['value']);
      if (k['pass'] !== true) reasons.push(`${file}: bot ${id} KPI ${str(k['id'])} = ${k['value'] === null ? 'none' : str(k['value'])}, needs ${th}`);
    }
  }
  return { reasons, measured };
};

/** Level 4: parity PASS with at least one metric actually compared (all N/A is no evidence). */
const parityRule: Rule = (report, file) => {
  const reasons = schemaIs(report, file, PARITY_REPORT_SCHEMA);
  const bots = records(report['bots']);
  if (report['status'] !== 'PASS') reasons.push(`${file}: status ${str(report['status'])}`);
  for (const f of Array.isArray(report['failures']) ? report['failures'] : []) reasons.push(`${file}: ${str(f)}`);
  if (bots.length === 0) reasons.push(`${file}: no bot was compared`);
  const compared = bots.flatMap((b) => (isRecord(b['overall']) ? records(b['overall']['metrics']) : [])).filter((m) => m['status'] !== 'N/A').length;
  if (bots.length > 0 && compared === 0) reasons.push(`${file}: every metric is N/A (nothing was traded on either side)`);
  return { reasons, measured: { status: str(report['status']), thresholdsVersion: str(report['thresholdsVersion']), a: str(report['a']), b: str(report['b']), bots: bots.length, metricsCompared: compared } };
};

/** Level 4: the latest reconciliation has no critical finding. */
const reconRule: Rule = (report, file) => {
  const counts = isRecord(report['counts']) ? report['counts'] : {};
  const critical = typeof counts['critical'] === 'number' ? counts['critical'] : null;
  const reasons: string[] = [];
  if (typeof report['version'] !== 'string' || !report['version'].startsWith('recon-thresholds/')) reasons.push(`${file}: version ${str(report['version'])}, expected recon-thresholds/*`);
  if (critical === null) reasons.push(`${file}: no counts.critical`);
  else if (critical > 0) {
    const first = records(report['findings']).filter((f) => f['severity'] === 'critical').slice(0, 3).map((f) => `${str(f['check'])} ${str(f['subject'])}`);
    reasons.push(`${file}: ${critical} critical finding(s): ${first.join(', ')}`);
  }
  return { reasons, measured: { version: str(report['version']), bot: str(report['bot']), symbol: str(report['symbol']), phase: str(report['phase']), critical, warning: typeof counts['warning'] === 'number' ? counts['warning'] : null } };
};

/** Level 5: every bot's realized fill factor measured and > 0. */
const fillFactorRule: Rule = (report, file) => {
  const reasons = schemaIs(report, file, ANALYSIS_REPORT_SCHEMA);
  const bots = records(report['bots']);
  if (report['status'] === 'INVALID') reasons.push(`${file}: status INVALID`);
  if (bots.length === 0) reasons.push(`${file}: no bot was calibrated`);
  const measured: Record<string, Measured> = { bots: bots.length };
  for (const b of bots) {
    const id = str(b['botId']);
    const ff = b['realizedFillFactor'];
    measured[`${id}.realizedFillFactor`] = typeof ff === 'string' ? ff : null;
    measured[`${id}.configuredFillFactor`] = typeof b['configuredFillFactor'] === 'string' ? b['configuredFillFactor'] : null;
    if (typeof ff !== 'string') reasons.push(`${file}: bot ${id} realized fill factor not measurable`);
    else if (!(Number(ff) > 0)) reasons.push(`${file}: bot ${id} realized fill factor ${ff}, needs > 0`);
  }
  return { reasons, measured };
};

/** Level 6: no bot CRITICAL or UNMEASURABLE in the post-trade validation. */
const postTradeRule: Rule = (report, file) => {
  const reasons = schemaIs(report, file, ANALYSIS_REPORT_SCHEMA);
  const bots = records(report['bots']);
  if (bots.length === 0) reasons.push(`${file}: no bot was validated`);
  if (report['status'] === 'INVALID') reasons.push(`${file}: status INVALID`);
  const measured: Record<string, Measured> = { status: str(report['status']), bots: bots.length };
  for (const b of bots) {
    const id = str(b['botId']);
    measured[`${id}.severity`] = str(b['severity']);
    if (b['severity'] === 'CRITICAL' || b['severity'] === 'UNMEASURABLE') {
      const bad = records(b['checks']).filter((c) => c['severity'] === b['severity']).map((c) => `${str(c['check'])} realized ${str(c['realized'])} (${str(c['rule'])})`);
      reasons.push(`${file}: bot ${id} ${str(b['severity'])}: ${bad.join('; ')}`);
    }
  }
  return { reasons, measured };
};

export const soakCheck = (ctx: GateContext): Promise<GateCheck> => evidenceCheck(ctx, 'paper_soak', 'paper_soak', (_f, r) => soakTime(r), soakRule);
export const parityCheck = (ctx: GateContext): Promise<GateCheck> => evidenceCheck(ctx, 'parity', 'parity', (_f, r) => parityTime(r), parityRule);
export const reconCheck = (ctx: GateContext): Promise<GateCheck> => evidenceCheck(ctx, 'reconciliation', 'reconciliation', (_f, r) => reconTime(r), reconRule);
export const fillFactorCheck = (ctx: GateContext): Promise<GateCheck> => evidenceCheck(ctx, 'fill_factor', 'fill_factor', analysisTime, fillFactorRule);
export const postTradeCheck = (ctx: GateContext): Promise<GateCheck> => evidenceCheck(ctx, 'post_trade', 'post_trade', analysisTime, postTradeRule);
