/**
 * `desk analyze --events <dir|nats-url> [--prefix <ns>] [--bot <id>] [--config <file>]
 * [--horizon 30s] [--out <dir>] [--json]`: fill-factor calibration, the edge report and the
 * post-trade validator (docs/validation.md). Writes under `<out>/reports/analysis/`:
 * `fill_factor_calibration.json`, `edge_report.json`, `post_trade_validation.json`.
 *
 * Exit codes: 0 OK or WARNING; 1 CRITICAL (realized fill factor < 0.7 × configured) or
 * UNMEASURABLE (no fill could be measured: never a silent pass); 2 bad input.
 */
import { join } from 'node:path';
import { analysisReport } from '../../../validation/analysis-report.ts';
import { analysisText } from '../../../validation/format.ts';
import { writeJsonReport } from '../../../validation/write-report.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';
import { atCwd, loadConfigured, loadEvents, windowOf } from './soak.ts';

interface AnalyzeFlags {
  readonly events: string;
  readonly prefix?: string;
  readonly bot?: string;
  readonly config?: string;
  readonly horizon: string;
  readonly out: string;
  readonly json?: boolean;
}

async function run(flags: AnalyzeFlags, ctx: CommandContext): Promise<void> {
  const horizon = windowOf(flags.horizon);
  if (horizon.kind !== 'last') throw new CliError('--horizon: expected a duration such as 30s', EXIT.invalid);
  const configured = await loadConfigured(ctx, flags.config);
  const read = await loadEvents(ctx, flags.events, flags.prefix);
  const r = analysisReport({
    source: read.source, events: read.events, readFindings: read.findings, horizonMs: horizon.ms, configured: configured.edge,
    ...(flags.bot !== undefined ? { bot: flags.bot } : {}),
  });
  const dir = join(atCwd(ctx, flags.out), 'reports', 'analysis');
  const head = { schema: r.schema, status: r.status, thresholdsVersion: r.thresholdsVersion, source: r.source, driftHorizonMs: r.driftHorizonMs, midSource: r.midSource, findings: r.findings };
  const files = [
    await writeJsonReport(join(dir, 'fill_factor_calibration.json'), { ...head, bots: r.bots.map((b) => ({ botId: b.botId, symbol: b.symbol, ...b.fillFactor })) }),
    await writeJsonReport(join(dir, 'edge_report.json'), { ...head, bots: r.bots.map((b) => ({ botId: b.botId, symbol: b.symbol, ...b.edge })) }),
    await writeJsonReport(join(dir, 'post_trade_validation.json'), { ...head, bots: r.bots.map((b) => ({ botId: b.botId, symbol: b.symbol, ...b.postTrade })) }),
  ];
  ctx.io.out(flags.json === true ? JSON.stringify({ reports: files, ...r }, null, 2) : analysisText(r, files));
  ctx.setExit(r.status === 'INVALID' ? EXIT.invalid : r.status === 'CRITICAL' || r.status === 'UNMEASURABLE' ? EXIT.failure : EXIT.ok);
}

export const registerAnalyze: RegisterCommand = (program, ctx) => {
  program
    .command('analyze')
    .description('fill-factor calibration, edge report and post-trade validator from a bot\'s events (docs/validation.md)')
    .requiredOption('--events <source>', 'a JSONL event store or nats://host:port for the DESK_EVENTS stream')
    .option('--prefix <ns>', 'with a NATS source: the desk\'s stream namespace')
    .option('--bot <id>', 'analyze only this bot')
    .option('--config <file>', 'desk config: each bot\'s fill_factor, slippage_est_pct, adverse_drift_est_pct (default: the strategy defaults)')
    .option('--horizon <dur>', 'adverse drift: the mid this long after each fill', '30s')
    .option('--out <dir>', 'root the reports go under: <dir>/reports/analysis/', 'var')
    .option('--json', 'print the report as one JSON document')
    .addHelpText('after', '\nExit codes: 0 OK or WARNING, 1 CRITICAL or UNMEASURABLE, 2 bad input.')
    .action(async (flags: AnalyzeFlags) => run(flags, ctx));
};
