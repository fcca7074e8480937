/** What every check sees: resolved paths, the run's clock reading, max ages, and where timings go. */
import { isAbsolute, relative, sep } from 'node:path';
import type { MaxAge } from './freshness.ts';
import type { RunRegressionSuite } from './regression.ts';
import type { RunSmoke } from './smoke.ts';
import type { CheckStatus, EvidenceInput, GateCheck, Measured } from './types.ts';
import { type CheckId, CHECKS } from './ladder.ts';

/** The evidence inputs whose age is judged, each with its own max age. */
export const EVIDENCE_INPUTS = ['paper_soak', 'parity', 'reconciliation', 'fill_factor', 'post_trade'] as const;
export type EvidenceName = (typeof EVIDENCE_INPUTS)[number];

export interface GateContext {
  readonly cwd: string;
  readonly outDir: string;
  readonly evidenceDir: string;
  readonly configFile: string;
  readonly suiteFile: string;
  readonly nowMs: number;
  readonly maxAges: Readonly<Record<EvidenceName, MaxAge>>;
  readonly env: NodeJS.ProcessEnv;
  readonly runRegression: RunRegressionSuite;
  readonly runSmoke: RunSmoke;
  readonly smokeDurationS: number;
  /** Filled by checks: evidence ages (s) and durations (ms), for the report's `clock`. */
  readonly ages: Record<string, number>;
  readonly durations: Record<string, number>;
}

/** `p` relative to the cwd when inside it (stable across machines), else absolute. */
export function shown(ctx: Pick<GateContext, 'cwd'>, p: string): string {
  const r = relative(ctx.cwd, p);
  return r === '' ? '.' : r.startsWith('..') || isAbsolute(r) ? p : r.split(sep).join('/');
}

export interface CheckParts {
  readonly evidence?: readonly string[];
  readonly measured?: Readonly<Record<string, Measured>>;
  readonly reasons?: readonly string[];
  readonly inputs?: readonly EvidenceInput[];
}

/** A check result: FAIL when any reason is given, else PASS. */
export function checkOf(id: CheckId, parts: CheckParts): GateCheck {
  const def = CHECKS.find((c) => c.id === id) as (typeof CHECKS)[number];
  const reasons = parts.reasons ?? [];
  const status: CheckStatus = reasons.length > 0 ? 'FAIL' : 'PASS';
  return { id, level: def.level, title: def.title, status, evidence: parts.evidence ?? [], measured: parts.measured ?? {}, reasons, inputs: parts.inputs ?? [] };
}

/** A check above the requested level: not run. */
export function skipped(id: CheckId): GateCheck {
  const def = CHECKS.find((c) => c.id === id) as (typeof CHECKS)[number];
  return { id, level: def.level, title: def.title, status: 'SKIP', evidence: [], measured: {}, reasons: [], inputs: [] };
}

/** Runs `f`, recording its wall time under `name`. */
export async function timed<T>(ctx: GateContext, name: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    ctx.durations[name] = Math.round(performance.now() - t0);
  }
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
