/**
 * `desk parity --a <events> --b <events> [--prefix-a/--prefix-b <ns>] [--window <dur>]
 * [--bot <id>] [--out <dir>] [--json]`: fill ratio, slippage, reject rate and realized PnL of two
 * environments of the same bots, window by window, against PARITY_THRESHOLDS_V1
 * (docs/validation.md). Writes `<out>/reports/parity/<UTC day>/parity.json` and
 * `<out>/reports/parity/latest.json`.
 *
 * Exit codes: 0 every metric passes (or is N/A), 1 a metric fails, 2 bad input.
 */
import { join } from 'node:path';
import { exitOf } from '../../../validation/findings.ts';
import { parityText } from '../../../validation/format.ts';
import { parityReport } from '../../../validation/parity.ts';
import { writeJsonReport } from '../../../validation/write-report.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';
import { atCwd, loadEvents, windowOf } from './soak.ts';

interface ParityFlags {
  readonly a: string;
  readonly b: string;
  readonly prefixA?: string;
  readonly prefixB?: string;
  readonly window: string;
  readonly bot?: string;
  readonly out: string;
  readonly json?: boolean;
}

async function run(flags: ParityFlags, ctx: CommandContext): Promise<void> {
  const window = windowOf(flags.window);
  const a = await loadEvents(ctx, flags.a, flags.prefixA);
  const b = await loadEvents(ctx, flags.b, flags.prefixB);
  const report = parityReport({ a, b, window, windowText: flags.window, ...(flags.bot !== undefined ? { bot: flags.bot } : {}) });
  const root = join(atCwd(ctx, flags.out), 'reports', 'parity');
  const files: string[] = [];
  if (report.day !== null) files.push(await writeJsonReport(join(root, report.day, 'parity.json'), report));
  files.push(await writeJsonReport(join(root, 'latest.json'), report));
  ctx.io.out(flags.json === true ? JSON.stringify({ reports: files, ...report }, null, 2) : parityText(report, files));
  ctx.setExit(exitOf(report.status));
}

export const registerParity: RegisterCommand = (program, ctx) => {
  program
    .command('parity')
    .description('compare two environments of the same bots (e.g. paper vs venue simulator): fill ratio, slippage, reject rate, realized PnL per window (docs/validation.md)')
    .requiredOption('--a <events>', 'environment a: a JSONL event store or nats://host:port')
    .requiredOption('--b <events>', 'environment b: a JSONL event store or nats://host:port')
    .option('--prefix-a <ns>', 'with a NATS source for a: the desk\'s stream namespace')
    .option('--prefix-b <ns>', 'with a NATS source for b: the desk\'s stream namespace')
    .option('--window <dur>', 'window length, aligned to the epoch (1h, 15m, …) or all', '1h')
    .option('--bot <id>', 'compare only this bot (default every bot id present in both)')
    .option('--out <dir>', 'root the report goes under: <dir>/reports/parity/<UTC day>/parity.json', 'var')
    .option('--json', 'print the report as one JSON document')
    .addHelpText('after', '\nExit codes: 0 parity within thresholds, 1 a metric fails (named in the output), 2 bad input.')
    .action(async (flags: ParityFlags) => run(flags, ctx));
};
