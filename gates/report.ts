/**
 * `<out>/gates.json` (canonical JSON: sorted keys, so the same inputs give the same bytes apart
 * from the `clock` field) and `<out>/gates.md` (the same verdict for people, every check with
 * its evidence paths).
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../backtest/canonical-json.ts';
import { LADDER } from './ladder.ts';
import type { GateCheck, GatesReport } from './types.ts';

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
const code = (s: string): string => `\`${s.replaceAll('`', "'")}\``;

function checkRows(checks: readonly GateCheck[]): string[] {
  return checks.map((c) => `| ${c.level} | ${code(c.id)} | ${c.status} | ${c.evidence.map(code).join('<br>') || '—'} | ${c.reasons.length === 0 ? '' : cell(c.reasons.join('; '))} |`);
}

function measuredLines(c: GateCheck): string[] {
  const entries = Object.entries(c.measured);
  if (entries.length === 0) return [];
  return [`### ${c.id} (level ${c.level}: ${c.title}) — ${c.status}`, '', ...entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `- ${k}: ${v === null ? 'null' : String(v)}`), ''];
}

/** The markdown summary. */
export function gatesMarkdown(r: GatesReport): string {
  const reached = r.levelReached === null ? 'none' : `${r.levelReached} (${LADDER[r.levelReached]?.name ?? '?'})`;
  const inputs = r.checks.flatMap((c) => c.inputs.map((i) => ({ check: c.id, ...i })));
  const lines = [
    '# Promotion gates',
    '',
    `**${r.verdict}** — level reached ${reached}, requested ${r.requestedLevel} (${LADDER[r.requestedLevel]?.name ?? '?'}).`,
    '',
    `Run ${r.clock.startedAt} → ${r.clock.finishedAt}; config ${code(String(r.options['config']))}, suite ${code(String(r.options['suite']))}, evidence ${code(String(r.options['evidence']))}. Contract: docs/promotion-gates.md.`,
    '',
    '## Levels',
    '',
    '| level | name | status | checks |',
    '|---|---|---|---|',
    ...r.levels.map((l) => `| ${l.level} | ${l.name} | ${l.status} | ${l.checks.map(code).join(', ')} |`),
    '',
    '## Checks',
    '',
    '| level | check | status | evidence | reason |',
    '|---|---|---|---|---|',
    ...checkRows(r.checks),
    '',
    '## Evidence inputs',
    '',
    '| check | file | time | source of the time | max age | fresh |',
    '|---|---|---|---|---|---|',
    ...inputs.map((i) => `| ${code(i.check)} | ${code(i.path)} | ${i.produced ? 'this run' : (i.time ?? '—')} | ${i.timeSource ?? '—'} | ${i.maxAge ?? '—'} | ${i.fresh ? 'yes' : `no: ${cell(i.problem ?? '')}`} |`),
    '',
    '## Measured',
    '',
    ...r.checks.flatMap(measuredLines),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}

/** Writes both files under `outDir` (which exists). */
export async function writeGatesReport(outDir: string, r: GatesReport): Promise<{ jsonFile: string; markdownFile: string }> {
  const jsonFile = join(outDir, 'gates.json');
  const markdownFile = join(outDir, 'gates.md');
  await atomicWrite(jsonFile, `${canonicalJson(r)}\n`);
  await atomicWrite(markdownFile, gatesMarkdown(r));
  return { jsonFile, markdownFile };
}
