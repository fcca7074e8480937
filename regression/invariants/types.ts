/**
 * What an invariant check returns: a verdict, a one-line detail (what was checked, what was
 * found), JSON-ready evidence (counts, the first violations) and the evidence files it read,
 * relative to regression.json.
 */
import type { InvariantName } from '../suite.ts';

export interface InvariantCheck {
  readonly name: InvariantName;
  readonly verdict: 'PASS' | 'FAIL';
  readonly detail: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly paths: readonly string[];
}

/** At most this many violations are listed in a check's evidence (the count is always given). */
export const MAX_EXAMPLES = 5;

export const isoOf = (ms: number): string => new Date(ms).toISOString();

export function verdictOf(ok: boolean): 'PASS' | 'FAIL' {
  return ok ? 'PASS' : 'FAIL';
}
