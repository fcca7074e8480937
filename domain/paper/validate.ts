/**
 * Checks a paper model's parameters before use. A bad configuration is a fault (RangeError
 * listing every problem at once), not an outcome.
 */
import type { Decimal } from '../money/decimal.ts';
import type { PaperParams } from './types.ts';

function nonNegInt(problems: string[], what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) problems.push(`${what}: expected an integer ≥ 0, got ${String(v)}`);
}

function inRange(problems: string[], what: string, v: Decimal, lo: number, hi: number): void {
  if (!v.isFinite() || v.lt(lo) || v.gt(hi)) problems.push(`${what}: expected a decimal in [${lo}, ${hi}], got ${v.toString()}`);
}

/** Throws a RangeError listing every invalid field of `params`. */
export function assertValidPaperParams(params: PaperParams): void {
  const c = params.config;
  const problems: string[] = [];
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffff_ffff) problems.push(`seed: expected an integer in [0, 4294967295], got ${String(c.seed)}`);
  nonNegInt(problems, 'latencyMs', c.latencyMs);
  nonNegInt(problems, 'postFillDriftWindowMs', c.postFillDriftWindowMs);
  inRange(problems, 'queueParticipation', c.queueParticipation, 0, 1_000_000);
  inRange(problems, 'queueJitterPct', c.queueJitterPct, 0, 1);
  inRange(problems, 'partialFillMin', c.partialFillMin, 0, 1);
  inRange(problems, 'partialFillMax', c.partialFillMax, 0, 1);
  if (c.partialFillMin.gt(c.partialFillMax)) problems.push('partialFillMin: must be ≤ partialFillMax');
  if (c.partialFillMax.isZero()) problems.push('partialFillMax: must be > 0');
  inRange(problems, 'takerSlippagePct', c.takerSlippagePct, 0, 1);
  inRange(problems, 'makerFeePct', c.makerFeePct, -1, 1);
  inRange(problems, 'takerFeePct', c.takerFeePct, -1, 1);
  if (!params.lotStep.isFinite() || !params.lotStep.gt(0)) problems.push(`lotStep: expected a decimal > 0, got ${params.lotStep.toString()}`);
  if (params.quoteAsset.length === 0) problems.push('quoteAsset: expected a non-empty string');
  if (problems.length > 0) throw new RangeError(`paper model parameters invalid: ${problems.join('; ')}`);
}
