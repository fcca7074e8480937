/**
 * `desk soak validate --events <dir|nats-url> [--prefix <ns>] [--window 2h] [--bot <id>]
 * [--config <file>] [--out <dir>] [--json]`: the 7 paper-soak KPIs of each bot over the last
 * window of its event time (docs/validation.md), written to
 * `<out>/reports/paper_soak/latest.json`.
 *
 * Exit codes: 0 every KPI of every bot passes; 1 a KPI fails; 2 bad input (no events, unknown
 * bot, a window longer than the data, an unreadable source or config).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { EventSourceError } from '../../../validation/errors.ts';
import { exitOf } from '../../../validation/findings.ts';
import { soakText } from '../../../validation/format.ts';
import { type ConfiguredBots, readConfiguredBots } from '../../../validation/read-config.ts';
import { type ReadResult, isNatsSource, readEvents } from '../../../validation/read-events.ts';
import { paperSoakReport } from '../../../validation/soak-report.ts';
import { type WindowSpec, parseDuration } from '../../../validation/window.ts';
import { writeJsonReport } from '../../../validation/write-report.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

/** A path resolved against the CLI's cwd (tests run the CLI in-process with another cwd). */
export function atCwd(ctx: CommandContext, p: string): string {
  return isAbsolute(p) ? p : resolve(ctx.io.cwd, p);
}

/** Reads `source` (a store path or a NATS URL); unreadable input is a usage error (exit 2). */
export async function loadEvents(ctx: CommandContext, source: string, prefix: string | undefined): Promise<ReadResult> {
  try {
    return await readEvents(isNatsSource(source) ? source : atCwd(ctx, source), prefix === undefined ? {} : { prefix });
  } catch (e) {
    if (e instanceof EventSourceError || e instanceof RangeError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    throw e;
  }
}

/** Reads the configured values (`--config`); a bad file is a usage error. */
export async function loadConfigured(ctx: CommandContext, file: string | undefined): Promise<ConfiguredBots> {
  try {
    return await readConfiguredBots(file === undefined ? undefined : atCwd(ctx, file));
  } catch (e) {
    if (e instanceof EventSourceError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    throw e;
  }
}

/** Parses `--window`; a bad duration is a usage error. */
export function windowOf(text: string): WindowSpec {
  try {
    return parseDuration(text);
  } catch (e) {
    throw new CliError(e instanceof Error ? e.message : String(e), EXIT.invalid, { cause: e });
  }
}

interface SoakFlags {
  readonly events: string;
  readonly prefix?: string;
  readonly window: string;
  readonly bot?: string;
  readonly config?: string;
  readonly out: string;
  readonly json?: boolean;
}

async function run(flags: SoakFlags, ctx: CommandContext): Promise<void> {
  const window = windowOf(flags.window);
  const configured = await loadConfigured(ctx, flags.config);
  const read = await loadEvents(ctx, flags.events, flags.prefix);
  const report = paperSoakReport({
    source: read.source, events: read.events, readFindings: read.findings, window, windowText: flags.window,
    ...(flags.bot !== undefined ? { bot: flags.bot } : {}), cancelBudgets: configured.cancelBudgets, cancelBudgetSource: configured.source,
  });
  const file = await writeJsonReport(join(atCwd(ctx, flags.out), 'reports', 'paper_soak', 'latest.json'), report);
  ctx.io.out(flags.json === true ? JSON.stringify({ report: file, ...report }, null, 2) : soakText(report, file));
  ctx.setExit(exitOf(report.status));
}

export const registerSoak: RegisterCommand = (program, ctx) => {
  const soak = program.command('soak').description('paper-soak evidence');
  soak
    .command('validate')
    .description('the 7 paper-soak KPIs of each bot over the last window of its events (docs/validation.md)')
    .requiredOption('--events <source>', 'a JSONL event store (a var dir, its events/ dir, or one .jsonl file) or nats://host:port for the DESK_EVENTS stream')
    .option('--prefix <ns>', 'with a NATS source: the desk\'s stream namespace (DESK_EVENTS_<ns>)')
    .option('--window <dur>', 'the last <dur> of each bot\'s event time (2h, 30m, 90s, or all)', '2h')
    .option('--bot <id>', 'validate only this bot')
    .option('--config <file>', 'desk config: each bot\'s cancel_budget_per_min (default 50)')
    .option('--out <dir>', 'root the report goes under: <dir>/reports/paper_soak/latest.json', 'var')
    .option('--json', 'print the report as one JSON document')
    .addHelpText('after', '\nExit codes: 0 all KPIs pass, 1 a KPI fails, 2 bad input (no events, unknown bot, window longer than the data).')
    .action(async (flags: SoakFlags) => run(flags, ctx));
};
