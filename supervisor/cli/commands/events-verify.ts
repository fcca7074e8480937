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
import type { NatsConnection } from 'nats';
import { verifyDeskStreams } from '../../../adapters/jetstream/verify.ts';
import { NatsAuthError, NatsConfigError, NatsConnectError, connectNats } from '../../../adapters/nats/connect.ts';
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

async function runNats(flags: { nats?: string; prefix?: string }, json: boolean, ctx: CommandContext): Promise<void> {
  let nc: NatsConnection;
  try {
    nc = await connectNats({ ...(flags.nats !== undefined ? { url: flags.nats } : {}), name: 'desk-events-verify' });
  } catch (e) {
    if (e instanceof NatsConfigError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    if (e instanceof NatsConnectError || e instanceof NatsAuthError) throw new CliError(e.message, EXIT.failure, { cause: e });
    throw e;
  }
  try {
    let r: Awaited<ReturnType<typeof verifyDeskStreams>>;
    try {
      r = await verifyDeskStreams(nc, flags.prefix !== undefined ? { prefix: flags.prefix } : {});
    } catch (e) {
      throw new CliError(`cannot read the desk's streams${flags.prefix ? ` (prefix ${flags.prefix})` : ''}: ${e instanceof Error ? e.message : String(e)}`, EXIT.invalid, { cause: e });
    }
    if (json) ctx.io.out(JSON.stringify(r, null, 2));
    else {
      const protection = (x: typeof r.events): string => `deny_delete ${x.denyDelete}, deny_purge ${x.denyPurge}, ${x.messages} messages (seq ${x.firstSeq}..${x.lastSeq})`;
      ctx.io.out([`stream ${r.events.stream}: ${protection(r.events)}`, text({ ...r.events, dir: r.events.stream }), '', `stream ${r.audit.stream} (a subset of each producer's events: gaps not checked): ${protection(r.audit)}`, text({ ...r.audit, dir: r.audit.stream }), '', `result     ${r.clean ? 'clean' : 'NOT clean'}`].join('\n'));
    }
    ctx.setExit(r.clean ? EXIT.ok : EXIT.failure);
  } finally {
    await nc.close();
  }
}

/** Registers the `events` command group and its `verify` subcommand. */
export const registerEventsVerify: RegisterCommand = (program, ctx) => {
  const events = program.command('events').description('work with the event store');
  events
    .command('verify')
    .description('check an event store directory: counts by type, seq gaps, duplicates, schema violations, torn lines, correlation coverage')
    .argument('[dir]', 'directory of events-YYYY-MM-DD.jsonl files (or --nats for the JetStream streams)')
    .option('--json', 'print one JSON object instead of the human summary')
    .option('--nats <url>', 'check the DESK_EVENTS and DESK_AUDIT streams on this NATS server instead (credentials from the environment)')
    .option('--prefix <ns>', 'with --nats: the desk\'s stream namespace')
    .action(async (dir: string | undefined, opts: { json?: boolean; nats?: string; prefix?: string }) => {
      if (opts.nats !== undefined || opts.prefix !== undefined) return runNats(opts, opts.json === true, ctx);
      if (dir === undefined) throw new CliError('expected a store directory, or --nats <url> for the JetStream streams');
      return run(dir, opts.json === true, ctx);
    });
};
