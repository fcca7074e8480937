/**
 * `desk data inspect <file...> [--json]` — reads a recorded capture (or OHLCV CSV/JSON),
 * several files as one continuous stream, and reports what it holds; for captures it rebuilds
 * the book and checks it against the venue's bookTicker.
 *
 * Exit codes: 0 report printed; 2 bad input (missing file, truncated gzip, malformed line,
 * bad OHLCV rows — the report is still printed, the bad rows go to stderr with file:line).
 */
import { isAbsolute, resolve } from 'node:path';
import { CaptureFormatError, CaptureReadError } from '../../../adapters/capture/errors.ts';
import { type CaptureReport, type InspectReport, inspectFiles, type OhlcvReport } from '../../../adapters/capture/inspect.ts';
import { CliError, EXIT, processIo } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The `--json` shape: the report with ISO times beside the ms ones. */
function toJson(r: InspectReport): Record<string, unknown> {
  if (r.type === 'capture') {
    const { venue, symbol, files, firstTs, lastTs, counts, gaps, crossed, tickerChecks, tickerMismatches, resyncs } = r;
    return {
      type: r.type, venue, symbol, files, firstTs, firstIso: iso(firstTs), lastTs, lastIso: iso(lastTs), counts,
      gaps, crossed, tickerChecks, tickerMismatches, resyncs,
      appliedDiffs: r.appliedDiffs, droppedDiffs: r.droppedDiffs, synced: r.synced, mismatchSamples: r.mismatchSamples,
    };
  }
  return { ...r, firstIso: iso(r.firstTs), lastIso: iso(r.lastTs) };
}

function captureText(r: CaptureReport): string {
  const c = r.counts;
  const total = c.depth + c.trade + c.bookTicker + c.snapshot + c.unknown;
  return [
    `capture   ${r.venue ?? '?'} ${r.symbol ?? '?'} (${r.files.length} file${r.files.length === 1 ? '' : 's'})`,
    `from      ${iso(r.firstTs) ?? '-'}  (${r.firstTs ?? '-'})`,
    `to        ${iso(r.lastTs) ?? '-'}  (${r.lastTs ?? '-'})`,
    `messages  ${total}: depth ${c.depth}, trade ${c.trade}, bookTicker ${c.bookTicker}, snapshot ${c.snapshot}${c.unknown > 0 ? `, unknown ${c.unknown}` : ''}`,
    `book      ${r.synced ? 'synced' : 'NOT synced'} at end; ${r.appliedDiffs} diffs applied, ${r.droppedDiffs} dropped`,
    `          gaps ${r.gaps}, crossed ${r.crossed}, resyncs ${r.resyncs}`,
    `tickers   ${r.tickerChecks} checks against the rebuilt book, ${r.tickerMismatches} mismatches`,
    ...r.mismatchSamples.map((m) => `  mismatch ${m.file}:${m.line} u=${m.u}: ticker ${m.ticker.bid}x${m.ticker.bidSize} / ${m.ticker.ask}x${m.ticker.askSize}, book ${m.book.bid ?? '-'}x${m.book.bidSize ?? '-'} / ${m.book.ask ?? '-'}x${m.book.askSize ?? '-'}`),
  ].join('\n');
}

function ohlcvText(r: OhlcvReport): string {
  const minutes = (ms: number | null): string => (ms === null ? '-' : ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms} ms`);
  return [
    `ohlcv     ${r.format} (${r.files.length} file${r.files.length === 1 ? '' : 's'})`,
    `rows      ${r.rows} good, ${r.badRows} bad`,
    `from      ${iso(r.firstTs) ?? '-'}`,
    `to        ${iso(r.lastTs) ?? '-'}  (span ${(r.spanMs / 86_400_000).toFixed(2)} days)`,
    `interval  ${minutes(r.intervalMs)}${r.irregularSteps > 0 ? ` (${r.irregularSteps} irregular steps)` : ''}`,
    `gaps      ${r.gaps} (${r.missingBars} missing bars)`,
    ...r.gapList.map((g) => `  gap after ${iso(g.afterTs) ?? ''}: ${g.missing} bar(s) missing`),
  ].join('\n');
}

/** Progress on stderr, only for a human watching a terminal (never in pipes, CI or tests). */
function progressReporter(ctx: CommandContext): { onProgress?: (file: string, line: number) => void; done: () => void } {
  if (ctx.io !== processIo || process.stderr.isTTY !== true) return { done: () => undefined };
  return {
    onProgress: (file, line) => process.stderr.write(`\r\x1b[Kreading ${file}: line ${line}`),
    done: () => process.stderr.write('\r\x1b[K'),
  };
}

async function run(args: readonly string[], json: boolean, ctx: CommandContext): Promise<void> {
  // Paths are resolved against the CLI's cwd (tests run it in-process with another cwd).
  const files = args.map((f) => (isAbsolute(f) || ctx.io.cwd === process.cwd() ? f : resolve(ctx.io.cwd, f)));
  const progress = progressReporter(ctx);
  let report: InspectReport;
  try {
    report = await inspectFiles(files, progress.onProgress === undefined ? {} : { onProgress: progress.onProgress });
  } catch (e) {
    if (e instanceof CaptureReadError || e instanceof CaptureFormatError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    throw e;
  } finally {
    progress.done();
  }
  ctx.io.out(json ? JSON.stringify(toJson(report), null, 2) : report.type === 'capture' ? captureText(report) : ohlcvText(report));
  if (report.type === 'ohlcv' && report.badRows > 0) {
    for (const i of report.issues) ctx.io.err(`desk: ${i.file ?? files[0] ?? ''}:${i.line}: ${i.reason}`);
    if (report.badRows > report.issues.length) ctx.io.err(`desk: … and ${report.badRows - report.issues.length} more bad row(s)`);
    ctx.setExit(EXIT.invalid);
    return;
  }
  ctx.setExit(EXIT.ok);
}

/** Registers the `data` command group and its `inspect` subcommand. */
export const registerDataInspect: RegisterCommand = (program, ctx) => {
  const data = program.command('data').description('work with recorded market data');
  data
    .command('inspect')
    .description('read a capture (or OHLCV csv/json) as one stream, rebuild the book and report counts, gaps, crossed books and ticker checks')
    .argument('<file...>', 'capture files (.gz or plain) or OHLCV .csv/.json; several files are read as one continuous stream')
    .option('--json', 'print one JSON object instead of the human summary')
    .action(async (files: string[], opts: { json?: boolean }) => run(files, opts.json === true, ctx));
};
