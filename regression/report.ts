/**
 * The regression report: `<out>/regression.json` (canonical JSON — sorted keys, 2-space indent,
 * trailing newline, no run time, no host, evidence paths relative to the report folder, so two
 * runs of the same suite and code give the same bytes) and `<out>/regression.md` (a table of
 * windows × checks, the failures, the metrics, the evidence paths).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../backtest/canonical-json.ts';
import { INVARIANT_NAMES } from './suite.ts';
import type { WindowResult } from './run-window.ts';

export const REPORT_SCHEMA_VERSION = 1;

export interface SuiteReport {
  readonly schemaVersion: number;
  readonly verdict: 'PASS' | 'FAIL';
  readonly suite: { readonly file: string; readonly name: string; readonly version: number; readonly hash: string };
  readonly windows: readonly WindowResult[];
  /** Every failed check, one line each, naming window and check. */
  readonly failures: readonly string[];
}

export function buildReport(suite: SuiteReport['suite'], windows: readonly WindowResult[]): SuiteReport {
  const failures = windows.flatMap((w) => w.failures);
  return { schemaVersion: REPORT_SCHEMA_VERSION, verdict: failures.length === 0 ? 'PASS' : 'FAIL', suite, windows, failures };
}

export function reportJson(r: SuiteReport): string {
  return `${canonicalJson(r, 2)}\n`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function reportMarkdown(r: SuiteReport): string {
  const used = INVARIANT_NAMES.filter((n) => r.windows.some((w) => w.invariants.some((c) => c.name === n)));
  const out: string[] = [
    `# Replay regression: ${r.verdict}`,
    '',
    `Suite \`${r.suite.file}\` (\`${r.suite.name}\`, version ${r.suite.version}, ${r.suite.hash}): ${r.windows.length} windows. Paths are relative to this folder.`,
    '',
    `| window | verdict | ${used.join(' | ')} | metrics | evidence |`,
    `|---|---|${used.map(() => '---|').join('')}---|---|`,
  ];
  for (const w of r.windows) {
    const inv = used.map((n) => w.invariants.find((c) => c.name === n)?.verdict ?? '—');
    const passed = w.metrics.filter((m) => m.verdict === 'PASS').length;
    out.push(`| ${w.id} | **${w.verdict}** | ${inv.join(' | ')} | ${passed}/${w.metrics.length} | [summary](${w.evidence['summary'] ?? ''}), [decisions](${w.evidence['decisions'] ?? ''}) |`);
  }
  out.push('');
  if (r.failures.length > 0) {
    out.push('## Failures', '', ...r.failures.map((f) => `- ${f}`), '');
  }
  out.push('## Windows', '');
  for (const w of r.windows) {
    out.push(`### ${w.id} — ${w.verdict}`, '');
    if (w.description !== null) out.push(w.description, '');
    out.push(`\`${w.strategy}\` on ${w.data.files.map((f) => `\`${f}\``).join(', ')} [${w.data.start ?? 'start'} → ${w.data.end ?? 'end'}), config \`${w.config}\`, fill model ${w.fillModel} (${w.fill_model_bias}), run ${w.runId.slice(0, 12)}.`, '');
    out.push('| check | verdict | detail |', '|---|---|---|');
    for (const c of w.invariants) out.push(`| ${c.name} | ${c.verdict} | ${cell(c.detail)} |`);
    for (const m of w.metrics) out.push(`| metric ${m.name} | ${m.verdict} | expected ${m.expected}, actual ${m.actual}, tolerance ±${m.tolerance.allowed} |`);
    out.push('', `Evidence: ${Object.entries(w.evidence).map(([k, v]) => `${k} \`${v}\``).join(', ')}.`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Writes regression.json and regression.md into `out`; returns their paths. */
export async function writeSuiteReport(out: string, r: SuiteReport): Promise<{ json: string; md: string }> {
  await mkdir(out, { recursive: true });
  const paths = { json: join(out, 'regression.json'), md: join(out, 'regression.md') };
  await writeFile(paths.json, reportJson(r), 'utf8');
  await writeFile(paths.md, reportMarkdown(r), 'utf8');
  return paths;
}
