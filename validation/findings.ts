/**
 * Data-quality and input findings shared by the validation reports. An `invalid` finding makes
 * the report INVALID (exit 2: the evidence cannot be judged); a `warning` is reported and does
 * not change the verdict by itself.
 */

export interface Finding {
  readonly code: string;
  readonly severity: 'invalid' | 'warning';
  readonly message: string;
  readonly botId?: string;
}

/** INVALID on any invalid finding, else FAIL when `failed`, else PASS. */
export function statusOf(findings: readonly Finding[], failed: boolean): 'PASS' | 'FAIL' | 'INVALID' {
  if (findings.some((f) => f.severity === 'invalid')) return 'INVALID';
  return failed ? 'FAIL' : 'PASS';
}

/** The CLI exit code of a report status: 0 PASS, 1 FAIL, 2 INVALID. */
export function exitOf(status: 'PASS' | 'FAIL' | 'INVALID'): 0 | 1 | 2 {
  return status === 'PASS' ? 0 : status === 'FAIL' ? 1 : 2;
}
