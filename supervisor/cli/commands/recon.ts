/**
 * `desk recon --once --venue binance --url <base> --symbol BTC/USDT [--ledger <file>] [--out <dir>] [--json]`:
 * one reconciliation of an account on a symbol (docs/reconciliation.md): the venue's balances,
 * open orders and trades against the bot's books from `--ledger` (without it, an empty local
 * side: every venue order an orphan, every venue trade missing, no balance expectation). Writes
 * `<out>/reports/reconciliation/latest.json`. Credentials from the environment only.
 *
 * Exit codes: 0 no critical finding; 1 any critical finding, or the venue failed (unreachable,
 * credentials refused); 2 bad input, naming the flag or the ledger field.
 */
import { isAbsolute, resolve } from 'node:path';
import ccxt from 'ccxt';
import { WallClock } from '../../../adapters/clock/wall-clock.ts';
import { LedgerFileError, binanceSpotClient, ccxtVenueReads, isLoopbackUrl, ledgerBook, readLedgerFile, writeReconReport, type LedgerFile, type VenueCredentials } from '../../../adapters/recon/index.ts';
import { createEventLog } from '../../../actors/event-log.ts';
import { Reconciliation, type ReconReport } from '../../../actors/reconciliation.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

interface ReconFlags {
  readonly once?: boolean;
  readonly venue: string;
  readonly url: string;
  readonly symbol: string;
  readonly ledger?: string;
  readonly out: string;
  readonly bot?: string;
  readonly phase: string;
  readonly lookbackH: string;
  readonly json?: boolean;
}

/** The simulator's documented test credentials (docs/venue-sim.md). */
const SIM_TEST_CREDENTIALS: VenueCredentials = { apiKey: 'test-key', secret: 'test-secret' };
const SHOW = 20;

/** DESK_VENUE_API_KEY/SECRET; on a loopback URL only, DESK_SIM_API_KEY/SECRET, then the simulator's test key. */
export function venueCredentials(url: string, env: NodeJS.ProcessEnv): VenueCredentials {
  const key = env['DESK_VENUE_API_KEY'];
  const secret = env['DESK_VENUE_API_SECRET'];
  if (key !== undefined && key !== '' && secret !== undefined && secret !== '') return { apiKey: key, secret };
  if (!isLoopbackUrl(url)) throw new CliError('credentials: set DESK_VENUE_API_KEY and DESK_VENUE_API_SECRET (test credentials are used only for a 127.0.0.1/localhost --url)');
  return { apiKey: env['DESK_SIM_API_KEY'] ?? SIM_TEST_CREDENTIALS.apiKey, secret: env['DESK_SIM_API_SECRET'] ?? SIM_TEST_CREDENTIALS.secret };
}

function text(r: ReconReport, file: string): string {
  return [
    `recon      ${r.bot} ${r.symbol} (${r.phase}, thresholds ${r.thresholdsVersion})`,
    `findings   ${r.counts.total}: ${r.counts.critical} critical, ${r.counts.warning} warning`,
    ...r.findings.slice(0, SHOW).map((f) => `  ${f.severity.toUpperCase().padEnd(8)} ${f.check.padEnd(22)} ${f.message}`),
    ...(r.findings.length > SHOW ? [`  … and ${r.findings.length - SHOW} more (see the report)`] : []),
    `report     ${file}`,
    `result     ${r.counts.critical > 0 ? 'CRITICAL' : 'ok'}`,
  ].join('\n');
}

function check(flags: ReconFlags): { phase: 'startup' | 'runtime'; lookbackMs: number } {
  if (flags.once !== true) throw new CliError('--once: required (periodic reconciliation runs inside the desk runtime)');
  if (flags.venue !== 'binance') throw new CliError(`--venue: expected binance, got ${JSON.stringify(flags.venue)}`);
  let u: URL;
  try {
    u = new URL(flags.url);
  } catch {
    throw new CliError(`--url: expected an http(s) URL, got ${JSON.stringify(flags.url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`--url: expected an http(s) URL, got ${JSON.stringify(flags.url)}`);
  if (!/^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/.test(flags.symbol)) throw new CliError(`--symbol: expected a unified symbol such as BTC/USDT, got ${JSON.stringify(flags.symbol)}`);
  if (flags.phase !== 'startup' && flags.phase !== 'runtime') throw new CliError(`--phase: expected startup or runtime, got ${JSON.stringify(flags.phase)}`);
  const hours = Number(flags.lookbackH);
  if (!Number.isFinite(hours) || hours <= 0) throw new CliError(`--lookback-h: expected a number of hours > 0, got ${JSON.stringify(flags.lookbackH)}`);
  return { phase: flags.phase, lookbackMs: Math.round(hours * 3_600_000) };
}

async function run(flags: ReconFlags, ctx: CommandContext): Promise<void> {
  const { phase, lookbackMs } = check(flags);
  const at = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.io.cwd, p));
  let ledger: LedgerFile | null = null;
  if (flags.ledger !== undefined) {
    try {
      ledger = await readLedgerFile(at(flags.ledger));
    } catch (e) {
      if (e instanceof LedgerFileError) throw new CliError(e.message, EXIT.invalid, { cause: e });
      throw e;
    }
    if (ledger.symbol !== undefined && ledger.symbol !== flags.symbol) throw new CliError(`--ledger ${flags.ledger}: symbol: the ledger is for ${ledger.symbol}, --symbol is ${flags.symbol}`);
  }
  const exchange = binanceSpotClient(flags.url, venueCredentials(flags.url, process.env));
  try {
    await exchange.loadMarkets();
  } catch (e) {
    throw new CliError(`venue ${flags.url}: cannot load markets: ${e instanceof Error ? e.message : String(e)}`, EXIT.failure, { cause: e });
  }
  const market = exchange.markets?.[flags.symbol];
  if (market === undefined) throw new CliError(`--symbol: ${flags.symbol} is not listed by ${flags.url} (it lists ${(exchange.symbols ?? []).slice(0, 10).join(', ')})`);
  const clock = new WallClock();
  const bot = flags.bot ?? ledger?.bot ?? 'unknown';
  const recon = new Reconciliation({
    botId: bot, symbol: flags.symbol, venue: ccxtVenueReads(exchange, flags.symbol), local: ledgerBook(ledger),
    // A one-shot check has no event store to write to: the report file is its record.
    log: createEventLog({ append: () => undefined }), clock, lookbackMs, firstPhase: phase, assets: [market.base, market.quote],
  });
  let report: ReconReport;
  try {
    report = await recon.runOnce();
  } catch (e) {
    const why = e instanceof ccxt.AuthenticationError ? 'credentials refused' : e instanceof ccxt.NetworkError ? 'unreachable' : 'failed';
    throw new CliError(`venue ${flags.url}: ${why}: ${e instanceof Error ? e.message : String(e)}`, EXIT.failure, { cause: e });
  }
  const file = await writeReconReport(at(flags.out), report);
  ctx.io.out(json(flags) ? JSON.stringify({ report: file, version: report.thresholdsVersion, ts: report.ts, bot: report.bot, symbol: report.symbol, phase: report.phase, counts: report.counts, findings: report.findings }, null, 2) : text(report, file));
  ctx.setExit(report.counts.critical > 0 ? EXIT.failure : EXIT.ok);
}

const json = (flags: ReconFlags): boolean => flags.json === true;

export const registerRecon: RegisterCommand = (program, ctx) => {
  program
    .command('recon')
    .description('reconcile an account on a symbol once: venue balances, open orders and trades against the bot\'s ledger (docs/reconciliation.md)')
    .option('--once', 'run one reconciliation and exit (required)')
    .requiredOption('--venue <venue>', 'venue dialect: binance')
    .requiredOption('--url <base>', 'venue base URL: the simulator (http://127.0.0.1:<port>) or a Binance-compatible REST base')
    .requiredOption('--symbol <symbol>', 'unified symbol, e.g. BTC/USDT')
    .option('--ledger <file>', 'the local side as JSON (expected balances, known open orders, local fills); without it the local side is empty')
    .option('--out <dir>', 'root the report goes under: <dir>/reports/reconciliation/latest.json', '.')
    .option('--bot <id>', 'bot id in the report (default the ledger\'s "bot", else "unknown")')
    .option('--phase <phase>', 'startup (an unknown venue order is critical) or runtime (a warning)', 'runtime')
    .option('--lookback-h <hours>', 'compare trades of the last <hours> hours', '24')
    .option('--json', 'print the report as one JSON document')
    .addHelpText(
      'after',
      '\nCredentials come from the environment only: DESK_VENUE_API_KEY / DESK_VENUE_API_SECRET.\n' +
        'Only when --url is a 127.0.0.1/localhost URL (the venue simulator) do they fall back to\n' +
        'DESK_SIM_API_KEY / DESK_SIM_API_SECRET, then the simulator\'s documented test-key / test-secret.\n' +
        'Exit codes: 0 no critical finding, 1 a critical finding or a venue failure, 2 bad input.',
    )
    .action(async (flags: ReconFlags) => run(flags, ctx));
};
