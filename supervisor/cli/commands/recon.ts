/**
 * `desk recon --once --venue binance|bitget [--market spot|perp] --url <base> --symbol BTC/USDT[:USDT]
 * [--ledger <file>] [--out <dir>] [--json]`: one reconciliation of an account on a symbol
 * (docs/reconciliation.md): the venue's balances, open orders and trades against the bot's books
 * from `--ledger` (without it, an empty local side: every venue order an orphan, every venue trade
 * missing, no balance expectation). On a perp the balances are the wallet (settlement asset) and
 * the signed position (base). The ccxt client is built as the desk builds it (`createCcxtExchange`).
 * Writes `<out>/reports/reconciliation/latest.json`. Credentials from the environment only.
 *
 * Exit codes: 0 no critical finding; 1 any critical finding, or the venue failed (unreachable,
 * credentials refused); 2 bad input, naming the flag or the ledger field.
 */
import { isAbsolute, resolve } from 'node:path';
import ccxt from 'ccxt';
import { WallClock } from '../../../adapters/clock/wall-clock.ts';
import { LedgerFileError, ccxtVenueReads, isLoopbackUrl, ledgerBook, readLedgerFile, writeReconReport, type LedgerFile, type VenueCredentials } from '../../../adapters/recon/index.ts';
import { createCcxtExchange } from '../../../adapters/venue/ccxt-venue.ts';
import { VENUES, type Venue } from '../../../config/schema/instrument.ts';
import { MARKETS } from '../../../config/schema/strategy.ts';
import type { MarketKind } from '../../../domain/strategy/epp/config.ts';
import { createEventLog } from '../../../actors/event-log.ts';
import { Reconciliation, type ReconReport } from '../../../actors/reconciliation.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

interface ReconFlags {
  readonly once?: boolean;
  readonly venue: string;
  readonly market: string;
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
const SIM_TEST_CREDENTIALS = { apiKey: 'test-key', secret: 'test-secret', password: 'test-pass' } as const;
const SHOW = 20;
const SPOT_SYMBOL = /^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}$/;
const PERP_SYMBOL = /^[A-Z0-9]{2,12}\/[A-Z0-9]{2,12}:[A-Z0-9]{2,12}$/;

/**
 * DESK_VENUE_API_KEY/SECRET (and on Bitget DESK_VENUE_API_PASSPHRASE); on a loopback URL only,
 * when those are not all set, DESK_SIM_API_KEY/SECRET/DESK_SIM_PASSPHRASE, then the simulator's
 * test-key / test-secret / test-pass. Never from flags.
 */
export function venueCredentials(venue: Venue, url: string, env: NodeJS.ProcessEnv): VenueCredentials {
  const get = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const passphrase = venue === 'bitget';
  const key = get('DESK_VENUE_API_KEY');
  const secret = get('DESK_VENUE_API_SECRET');
  const password = get('DESK_VENUE_API_PASSPHRASE');
  if (key !== undefined && secret !== undefined && (!passphrase || password !== undefined)) return { apiKey: key, secret, ...(passphrase ? { password } : {}) };
  if (!isLoopbackUrl(url)) {
    throw new CliError(passphrase
      ? 'credentials: set DESK_VENUE_API_KEY, DESK_VENUE_API_SECRET and DESK_VENUE_API_PASSPHRASE (Bitget needs a passphrase; test credentials are used only for a 127.0.0.1/localhost --url)'
      : 'credentials: set DESK_VENUE_API_KEY and DESK_VENUE_API_SECRET (test credentials are used only for a 127.0.0.1/localhost --url)');
  }
  return {
    apiKey: get('DESK_SIM_API_KEY') ?? SIM_TEST_CREDENTIALS.apiKey,
    secret: get('DESK_SIM_API_SECRET') ?? SIM_TEST_CREDENTIALS.secret,
    ...(passphrase ? { password: get('DESK_SIM_PASSPHRASE') ?? SIM_TEST_CREDENTIALS.password } : {}),
  };
}

const oneOf = (xs: readonly string[]): string => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1] as string}`);
const isOneOf = <T extends string>(xs: readonly T[], x: string): x is T => (xs as readonly string[]).includes(x);

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

interface Checked {
  readonly venue: Venue;
  readonly market: MarketKind;
  readonly phase: 'startup' | 'runtime';
  readonly lookbackMs: number;
}

function check(flags: ReconFlags): Checked {
  if (flags.once !== true) throw new CliError('--once: required (periodic reconciliation runs inside the desk runtime)');
  const { venue, market } = flags;
  if (!isOneOf(VENUES, venue)) throw new CliError(`--venue: expected ${oneOf(VENUES)}, got ${JSON.stringify(venue)}`);
  if (!isOneOf(MARKETS, market)) throw new CliError(`--market: expected ${oneOf(MARKETS)}, got ${JSON.stringify(market)}`);
  let u: URL;
  try {
    u = new URL(flags.url);
  } catch {
    throw new CliError(`--url: expected an http(s) URL, got ${JSON.stringify(flags.url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`--url: expected an http(s) URL, got ${JSON.stringify(flags.url)}`);
  if (market === 'perp' ? !PERP_SYMBOL.test(flags.symbol) : !SPOT_SYMBOL.test(flags.symbol)) {
    const example = market === 'perp' ? 'BTC/USDT:USDT (base/quote:settle) with --market perp' : 'BTC/USDT with --market spot';
    throw new CliError(`--symbol: expected a unified symbol such as ${example}, got ${JSON.stringify(flags.symbol)}`);
  }
  if (flags.phase !== 'startup' && flags.phase !== 'runtime') throw new CliError(`--phase: expected startup or runtime, got ${JSON.stringify(flags.phase)}`);
  const hours = Number(flags.lookbackH);
  if (!Number.isFinite(hours) || hours <= 0) throw new CliError(`--lookback-h: expected a number of hours > 0, got ${JSON.stringify(flags.lookbackH)}`);
  return { venue, market, phase: flags.phase, lookbackMs: Math.round(hours * 3_600_000) };
}

async function run(flags: ReconFlags, ctx: CommandContext): Promise<void> {
  const { venue, market: kind, phase, lookbackMs } = check(flags);
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
  // No desk token bucket paces a one-shot run: ccxt's own rate limiter does.
  const exchange = createCcxtExchange({ venue, market: kind, url: flags.url, ...venueCredentials(venue, flags.url, process.env), enableRateLimit: true });
  try {
    await exchange.loadMarkets();
  } catch (e) {
    throw new CliError(`venue ${flags.url}: cannot load markets: ${e instanceof Error ? e.message : String(e)}`, EXIT.failure, { cause: e });
  }
  const market = exchange.markets?.[flags.symbol];
  if (market === undefined) throw new CliError(`--symbol: ${flags.symbol} is not listed by ${venue} ${kind} at ${flags.url} (it lists ${(exchange.symbols ?? []).slice(0, 10).join(', ')})`);
  // A perp's balances are its wallet (settlement asset) and its signed position (base): an inverse
  // contract settles in its base, where the two would be one asset (and the desk trades linear ones only).
  const settle = kind === 'perp' ? market.settle : undefined;
  if (kind === 'perp' && (market.linear !== true || settle === undefined || settle === market.base)) {
    throw new CliError(`--symbol: ${flags.symbol} is not a linear (quote-settled) perpetual; desk reconciles USDT-settled perps such as BTC/USDT:USDT`);
  }
  const clock = new WallClock();
  const bot = flags.bot ?? ledger?.bot ?? 'unknown';
  const recon = new Reconciliation({
    botId: bot, symbol: flags.symbol, venue: ccxtVenueReads(exchange, flags.symbol, settle !== undefined ? { base: market.base, quote: settle } : undefined), local: ledgerBook(ledger),
    // A one-shot check has no event store to write to: the report file is its record.
    log: createEventLog({ append: () => undefined }), clock, lookbackMs, firstPhase: phase, assets: [market.base, settle ?? market.quote],
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
    .requiredOption('--venue <venue>', 'venue: binance or bitget')
    .option('--market <market>', 'spot, or perp (Binance USDⓈ-M / Bitget USDT-M: the wallet and the signed position are the balances compared)', 'spot')
    .requiredOption('--url <base>', 'venue base URL: the simulator (http://127.0.0.1:<port>) or the venue\'s REST base (e.g. https://api.binance.com, https://fapi.binance.com, https://api.bitget.com)')
    .requiredOption('--symbol <symbol>', 'unified symbol: BTC/USDT on spot, BTC/USDT:USDT on a perp')
    .option('--ledger <file>', 'the local side as JSON (expected balances, known open orders, local fills); without it the local side is empty')
    .option('--out <dir>', 'root the report goes under: <dir>/reports/reconciliation/latest.json', '.')
    .option('--bot <id>', 'bot id in the report (default the ledger\'s "bot", else "unknown")')
    .option('--phase <phase>', 'startup (an unknown venue order is critical) or runtime (a warning)', 'runtime')
    .option('--lookback-h <hours>', 'compare trades of the last <hours> hours', '24')
    .option('--json', 'print the report as one JSON document')
    .addHelpText(
      'after',
      '\nCredentials come from the environment only: DESK_VENUE_API_KEY / DESK_VENUE_API_SECRET, and on\n' +
        'Bitget DESK_VENUE_API_PASSPHRASE. Only when --url is a 127.0.0.1/localhost URL (the venue simulator)\n' +
        'do they fall back to DESK_SIM_API_KEY / DESK_SIM_API_SECRET / DESK_SIM_PASSPHRASE, then the\n' +
        'simulator\'s documented test-key / test-secret / test-pass.\n' +
        'On --market perp the ledger\'s balances are { "<settle>": wallet, "<base>": signed position },\n' +
        'e.g. { "USDT": "9999.2", "BTC": "-0.002" } (docs/reconciliation.md).\n' +
        'Exit codes: 0 no critical finding, 1 a critical finding or a venue failure, 2 bad input.',
    )
    .action(async (flags: ReconFlags) => run(flags, ctx));
};
