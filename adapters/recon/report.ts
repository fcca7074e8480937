/**
 * Writes a reconciliation report to `<root>/reports/reconciliation/latest.json`, atomically: a
 * temp file in the same directory, then a rename, so a reader never sees half a report.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReconReport } from '../../actors/reconciliation.ts';

export const REPORT_RELATIVE_PATH = join('reports', 'reconciliation', 'latest.json');

/** The report as written: the thresholds' version, when, whose, counts by severity, findings. */
export function reportJson(r: ReconReport): Record<string, unknown> {
  return { version: r.thresholdsVersion, ts: r.ts, bot: r.bot, symbol: r.symbol, phase: r.phase, sinceMs: r.sinceMs, counts: r.counts, findings: r.findings };
}

/** Writes the report under `root`; returns the file's path. */
export async function writeReconReport(root: string, r: ReconReport): Promise<string> {
  const dir = join(root, 'reports', 'reconciliation');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  const tmp = join(dir, `.latest.json.${process.pid}.${Date.now()}.tmp`);
  await writeFile(tmp, `${JSON.stringify(reportJson(r), null, 2)}\n`, 'utf8');
  await rename(tmp, file);
  return file;
}
