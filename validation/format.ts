/** Plain-text tables and summaries of the validation reports, for the CLI. Pure. */
import type { AnalysisReport } from './analysis-report.ts';
import type { Finding } from './findings.ts';
import type { ParityReport } from './parity.ts';
import type { SoakReport } from './soak-report.ts';

/** Left-aligned columns separated by two spaces. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function findingLines(fs: readonly Finding[]): string[] {
  return fs.length === 0 ? [] : ['findings', ...fs.map((f) => `  [${f.severity}] ${f.code}${f.botId === undefined ? '' : ` (${f.botId})`}: ${f.message}`)];
}

const short = (v: string | null): string => {
  if (v === null) return '—';
  const n = Number(v);
  return Number.isFinite(n) && v.length > 10 ? String(Number(n.toPrecision(6))) : v;
};

export function soakText(r: SoakReport, file: string): string {
  const lines = [`paper soak  ${r.status}  (${r.thresholdsVersion}, window ${r.window}, ${r.source})`];
  for (const b of r.bots) {
    lines.push('', `bot ${b.botId}  ${b.status}  window ${b.window.start} → ${b.window.end}`);
    lines.push(...table([['  KPI', 'value', 'threshold', 'result'], ...b.kpis.map((k) => [`  ${k.id}`, short(k.value), `${k.threshold.op} ${k.threshold.value}`, k.pass ? 'pass' : 'FAIL'])]));
  }
  lines.push(...findingLines(r.findings), `report      ${file}`);
  return lines.join('\n');
}

export function parityText(r: ParityReport, files: readonly string[]): string {
  const lines = [`parity  ${r.status}  (${r.thresholdsVersion}, window ${r.window})`, `  a ${r.a}`, `  b ${r.b}`];
  for (const b of r.bots) {
    lines.push('', `bot ${b.botId}  ${b.status}  overlap ${b.overlap.start} → ${b.overlap.end}, ${b.windows.length} window(s)`);
    lines.push(...table([['  metric (overall)', 'a', 'b', 'delta', 'result'], ...b.overall.metrics.map((m) => [`  ${m.metric}`, short(m.a), short(m.b), short(m.delta), m.status])]));
  }
  if (r.failures.length > 0) lines.push('', 'failures', ...r.failures.slice(0, 30).map((f) => `  ${f}`), ...(r.failures.length > 30 ? [`  … and ${r.failures.length - 30} more`] : []));
  lines.push(...findingLines(r.findings), ...files.map((f) => `report  ${f}`));
  return lines.join('\n');
}

export function analysisText(r: AnalysisReport, files: readonly string[]): string {
  const lines = [`analysis  ${r.status}  (${r.thresholdsVersion}, drift horizon ${r.driftHorizonMs / 1000}s, ${r.source})`];
  for (const b of r.bots) {
    const t = b.edge.total;
    lines.push('', `bot ${b.botId}  ${b.postTrade.severity}  (configured from ${b.postTrade.configSource})`);
    lines.push(`  fill factor  realized ${short(b.fillFactor.realizedFillFactor)} vs configured ${b.fillFactor.configuredFillFactor} over ${b.fillFactor.measurable}/${b.fillFactor.fills} fills`);
    lines.push(`  edge (quote) gross ${short(t.grossCapture)} − fees ${short(t.fees)} − slippage ${short(t.slippage)} − adverse drift ${short(t.adverseDrift)} = net ${short(t.net)} (${short(t.netBps)} bps, ${t.measured}/${t.fills} fills)`);
    lines.push(...table([['  check', 'realized', 'configured', 'severity'], ...b.postTrade.checks.map((c) => [`  ${c.check}`, short(c.realized), c.configured, c.severity])]));
  }
  lines.push(...findingLines(r.findings), ...files.map((f) => `report  ${f}`));
  return lines.join('\n');
}
