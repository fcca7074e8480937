/**
 * `desk events verify <dir> [--json]` — integrity report over an event store directory:
 * events by type, per-producer seq gaps, duplicates, schema violations (file:line), torn last
 * lines and correlation coverage.
 *
 * Exit codes: 0 clean (a torn last line alone is reported and still 0); 1 gaps, duplicates or
 * schema violations; 2 bad input (missing or unreadable directory).
 */
import { isAbsolute, resolve } from 'node:path';
import { StoreReadError } from '../../../adapters/store/errors.ts';
import { verifyStore, type VerifyReport } from '../../../adapters/store/verify.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

/** How many items of each problem list the human summary prints (--json has them all). */
const SHOW = 20;

function more(total: number): string[] {
  return total > SHOW ? [`  … and ${total - SHOW} more`] : [];
}

function text(r: VerifyReport): string {
  const types = Object.entries(r.byType).sort(([a], [b]) => (a < b ? -1 : 1));
  const dupes = r.duplicateEventIds.length + r.duplicateSeqs.length;
  return [
    `store      ${r.dir} (${r.files.length} file${r.files.length === 1 ? '' : 's'})`,
    `events     ${r.validEvents} valid of ${r.records} records, ${Object.keys(r.producers).length} producer(s)`,
    ...types.map(([t, n]) => `  ${t} ${n}`),
    `gaps       ${r.gaps.length} (${r.missingSeqs} missing seq)`,
    ...r.gaps.slice(0, SHOW).map((g) => `  ${g.producer}: seq ${g.from === g.to ? g.from : `${g.from}..${g.to}`} missing`),
    ...more(r.gaps.length),
    `duplicates ${dupes} (${r.duplicateEventIds.length} by eventId, ${r.duplicateSeqs.length} by producer+seq)`,
    ...r.duplicateEventIds.slice(0, SHOW).map((d) => `  eventId ${d.key}: ${d.first} and ${d.again}`),
    ...more(r.duplicateEventIds.length),
    ...r.duplicateSeqs.slice(0, SHOW).map((d) => `  seq ${d.key}: ${d.first} and ${d.again}`),
    ...more(r.duplicateSeqs.length),
    `violations ${r.violations.length}`,
    ...r.violations.slice(0, SHOW).map((v) => `  ${v.file}:${v.line}: ${v.reason}`),
    ...more(r.violations.length),
    `torn       ${r.tornLines.length}`,
    ...r.tornLines.map((t) => `  ${t.file}:${t.line}: torn last line (interrupted write), ignored`),
    `correlated ${(r.correlationCoverage * 100).toFixed(1)}%`,
    `result     ${r.clean ? 'clean' : 'NOT clean'}`,
  ].join('\n');
}

async function run(dirArg: string, json: boolean, ctx: CommandContext): Promise<void> {
  // Resolved against the CLI's cwd (tests run it in-process with another cwd).
  const dir = isAbsolute(dirArg) || ctx.io.cwd === process.cwd() ? dirArg : resolve(ctx.io.cwd, dirArg);
  let report: VerifyReport;
  try {
    report = await verifyStore(dir);
  } catch (e) {
    if (e instanceof StoreReadError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    throw e;
  }
  ctx.io.out(json ? JSON.stringify({ ...report, dir: dirArg }, null, 2) : text({ ...report, dir: dirArg }));
  ctx.setExit(report.clean ? EXIT.ok : EXIT.failure);
}

/** Registers the `events` command group and its `verify` subcommand. */
export const registerEventsVerify: RegisterCommand = (program, ctx) => {
  const events = program.command('events').description('work with the event store');
  events
    .command('verify')
    .description('check an event store directory: counts by type, seq gaps, duplicates, schema violations, torn lines, correlation coverage')
    .argument('<dir>', 'directory of events-YYYY-MM-DD.jsonl files')
    .option('--json', 'print one JSON object instead of the human summary')
    .action(async (dir: string, opts: { json?: boolean }) => run(dir, opts.json === true, ctx));
};
