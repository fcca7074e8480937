/**
 * Building data-quality findings. A listing is capped per (file, code) so a file that is bad on
 * every row yields a readable report; the cap is itself reported, never silently applied.
 */
import type { DataFinding } from '../types.ts';

export type FindingCode = DataFinding['code'];

/** A `gap` warning with its span: the open times of the first and last missing bar. */
export interface GapFinding extends DataFinding {
  readonly code: 'gap';
  readonly span: { readonly start: number; readonly end: number; readonly missing: number };
}

/** Whether a finding is a {@link GapFinding} (carries its span). */
export function isGapFinding(f: DataFinding): f is GapFinding {
  return f.code === 'gap' && 'span' in f;
}

export function error(code: FindingCode, file: string, message: string, line?: number): DataFinding {
  return line === undefined ? { severity: 'error', code, file, message } : { severity: 'error', code, file, line, message };
}

export function warning(code: FindingCode, file: string, message: string, line?: number): DataFinding {
  return line === undefined ? { severity: 'warning', code, file, message } : { severity: 'warning', code, file, line, message };
}

export function hasErrors(findings: readonly DataFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Findings listed per (file, code) before the rest are summarised in one finding. */
export const MAX_LISTED = 50;

/** Collects findings, listing at most {@link MAX_LISTED} per (file, code, severity). */
export class FindingList {
  private readonly list: DataFinding[] = [];
  private readonly counts = new Map<string, number>();

  add(f: DataFinding): void {
    const key = `${f.severity}\u0000${f.file}\u0000${f.code}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= MAX_LISTED) this.list.push(f);
  }

  /** The listed findings, plus one summary finding per capped (file, code). */
  all(): DataFinding[] {
    const out = [...this.list];
    for (const [key, n] of this.counts) {
      if (n <= MAX_LISTED) continue;
      const [severity, file, code] = key.split('\u0000') as ['error' | 'warning', string, FindingCode];
      const more = `${n - MAX_LISTED} more ${code} finding(s) in this file not listed (${n} in all)`;
      out.push(severity === 'error' ? error(code, file, more) : warning(code, file, more));
    }
    return out;
  }
}
