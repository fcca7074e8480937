/**
 * `desk backtest` — runs one strategy over recorded market data (an L2 capture, OHLCV CSV/JSON
 * or the desk's event store) through the backtest harness and writes `<out>/summary.json` and
 * `<out>/bars.jsonl` (docs/backtest.md). Same inputs ⇒ byte-identical summary.json.
 * With `--fetch <venue>:<symbol>:<timeframe>` instead of `--data`, the OHLCV of [--start, --end)
 * is fetched through ccxt into a cache pinned by content hash (backtest/data/ohlcv-fetch-cache.ts)
 * and the cached file is the run's `ohlcv-json` data; a later run reads the cache, not the venue.
 *
 * Exit codes: 0 the report was written; 2 bad input (a flag, the config, the data — the message
 * names the flag, the config field or the data finding); 1 a failure.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BacktestInputError } from '../../../backtest/errors.ts';
import { DataError, DataReadError } from '../../../backtest/data/errors.ts';
import { type BacktestOutcome, FILL_MODELS, type OhlcvFillModel, runBacktest, STRATEGY_NAMES } from '../../../backtest/run.ts';
import { summaryText } from '../../../backtest/report.ts';
import type { DataFormat } from '../../../backtest/types.ts';
import { CacheIntegrityError } from '../../../backtest/data/errors.ts';
import { cachePath, fetchOhlcvCached } from '../../../backtest/data/ohlcv-fetch-cache.ts';
import { VENUES, type Venue } from '../../../config/schema/instrument.ts';
import { CliError, EXIT, processIo } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The default `--config`: the EPP on 1-minute bars (also the instrument and account of other strategies). */
export const DEFAULT_BACKTEST_CONFIG = 'config/examples/backtest.epp.yaml';
const FORMATS = ['auto', 'capture', 'ohlcv-csv', 'ohlcv-json', 'events'] as const;

interface BacktestFlags {
  readonly strategy: string;
  readonly config?: string;
  readonly strategyConfig?: string;
  readonly bot?: string;
  readonly data?: string[];
  readonly fetch?: string;
  readonly url?: string;
  readonly cache?: string;
  readonly format: string;
  readonly start?: string;
  readonly end?: string;
  readonly fillModel?: string;
  readonly out: string;
  readonly json?: boolean;
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO time (no zone = UTC) or epoch milliseconds. */
export function parseTime(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = v.trim();
  let ms = Number.NaN;
  if (/^\d{1,15}$/.test(s)) ms = Number(s);
  else {
    const m = ISO.exec(s);
    if (m !== null) ms = Date.parse(m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
  }
  if (!Number.isFinite(ms)) throw new CliError(`${flag}: expected an ISO time (2022-01-21, 2022-01-21T12:00:00Z; no zone = UTC) or epoch milliseconds, got ${JSON.stringify(v)}`);
  return ms;
}

function parseChoice<T extends string>(flag: string, v: string | undefined, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if ((choices as readonly string[]).includes(v)) return v as T;
  throw new CliError(`${flag}: expected one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
}

/** Progress on stderr, only for a human watching a terminal (never in pipes, CI or tests). */
function progressBar(ctx: CommandContext, quiet: boolean): { onProgress?: (f: number) => void; done: () => void } {
  if (quiet || ctx.io !== processIo || process.stderr.isTTY !== true) return { done: () => undefined };
  const width = 30;
  let last = -1;
  return {
    onProgress: (f) => {
      const pct = Math.floor(f * 100);
      if (pct === last) return;
      last = pct;
      const n = Math.round(f * width);
      process.stderr.write(`\r\x1b[Kbacktest [${'#'.repeat(n)}${'-'.repeat(width - n)}] ${String(pct).padStart(3)}%`);
    },
    done: () => process.stderr.write('\r\x1b[K'),
  };
}

/** The default `--cache`: fetched OHLCV, `<venue>/<symbol>/<timeframe>/<since>-<until>.json` (+ `.sha256`). */
export const DEFAULT_OHLCV_CACHE = 'var/cache/ohlcv';

export interface FetchSpec {
  readonly venue: Venue;
  /** ccxt unified symbol (`BTC/USDT`; `BTC/USDT:USDT` is a USDT-settled perp). */
  readonly symbol: string;
  readonly timeframe: string;
}

/** `--fetch <venue>:<symbol>:<timeframe>`, e.g. `binance:BTC/USDT:1m` (the symbol may hold `:`, as a perp's does). */
export function parseFetchSpec(v: string): FetchSpec {
  const first = v.indexOf(':');
  const last = v.lastIndexOf(':');
  const venue = v.slice(0, first);
  const symbol = v.slice(first + 1, last);
  const timeframe = v.slice(last + 1);
  if (first < 0 || first === last || !(VENUES as readonly string[]).includes(venue) || !/^[A-Z0-9]+\/[A-Z0-9]+(:[A-Z0-9]+)?$/.test(symbol) || !/^\d+[smhdwM]$/.test(timeframe)) {
    throw new CliError(`--fetch: expected <venue>:<symbol>:<timeframe> with venue one of ${VENUES.join(', ')} (e.g. binance:BTC/USDT:1m), got ${JSON.stringify(v)}`);
  }
  return { venue: venue as Venue, symbol, timeframe };
}

/**
 * Fetches (or reads from the cache) the OHLCV of `--fetch` over [start, end); the cached file and
 * that file as the user would name it (under `--cache` as given).
 */
async function fetchData(flags: BacktestFlags, spec: FetchSpec, start: number, end: number, local: (p: string) => string): Promise<{ file: string; given: string }> {
  const cacheGiven = flags.cache ?? DEFAULT_OHLCV_CACHE;
  const key = { venue: spec.venue, symbol: spec.symbol, timeframe: spec.timeframe, since: start, until: end };
  const given = cachePath({ ...key, cacheDir: cacheGiven });
  // Public market data: no credentials (ccxt signs nothing it sends to public endpoints). Bitget's
  // builder insists on a passphrase; a placeholder is never sent.
  const { createCcxtExchange } = await import('../../../adapters/venue/ccxt-venue.ts'); // ccxt only for --fetch
  const exchange = createCcxtExchange({ venue: spec.venue, market: spec.symbol.includes(':') ? 'perp' : 'spot', url: flags.url ?? null, apiKey: '', secret: '', password: 'public-data', enableRateLimit: true });
  try {
    const r = await fetchOhlcvCached({ exchange, ...key, cacheDir: local(cacheGiven) });
    return { file: r.path, given };
  } catch (e) {
    if (e instanceof CacheIntegrityError) throw new CliError(`--fetch: ${e.message}`, EXIT.invalid, { cause: e });
    const where = flags.url !== undefined ? ` at ${flags.url}` : '';
    throw new CliError(`--fetch: cannot fetch ${spec.symbol} ${spec.timeframe} OHLCV from ${spec.venue}${where}: ${e instanceof Error ? e.message : String(e)}`, EXIT.failure, { cause: e });
  }
}

const pct = (v: string): string => `${(Number(v) * 100).toFixed(2)}%`;
const signed = (v: string): string => `${Number(v) >= 0 ? '+' : ''}${Number(v).toFixed(2)}`;

/** The one-line human summary. */
function summaryLine(r: BacktestOutcome, out: string): string {
  const m = r.metrics;
  const regimes = m.perRegime.map((x) => `${x.regime} ${x.bars}`).join(', ');
  return (
    `backtest ${String(r.summary['strategy'])}: ${m.bars} decisions on ${r.meta.format} ${r.meta.start === null ? '' : new Date(r.meta.start).toISOString()} → ${r.meta.end === null ? '' : new Date(r.meta.end).toISOString()}; ` +
    `net PnL ${signed(m.netPnl)} (fees ${Number(m.fees).toFixed(2)}${r.summary['perp'] === undefined ? '' : `, funding paid ${signed(m.funding)}, perp`}), max DD ${pct(m.maxDrawdown)}, fills ${m.fills}, ` +
    `fill model ${r.fillModel} [${r.bias}]; regimes: ${regimes}; report ${out}/summary.json`
  );
}

async function run(flags: BacktestFlags, ctx: CommandContext): Promise<void> {
  const cwd = ctx.io.cwd;
  // Paths as given are read as given, unless the CLI runs in-process with another cwd (tests).
  const local = (p: string): string => (isAbsolute(p) || cwd === process.cwd() ? p : resolve(cwd, p));
  const format = parseChoice('--format', flags.format, FORMATS) ?? 'auto';
  const fillModel = parseChoice<OhlcvFillModel>('--fill-model', flags.fillModel, FILL_MODELS);
  const start = parseTime('--start', flags.start);
  const end = parseTime('--end', flags.end);
  if (start !== undefined && end !== undefined && end <= start) throw new CliError(`--end: expected a time after --start (${new Date(start).toISOString()}), got ${new Date(end).toISOString()}`);
  if ((flags.data === undefined) === (flags.fetch === undefined)) throw new CliError('--data, --fetch: give exactly one of them (files to read, or <venue>:<symbol>:<timeframe> to fetch)');
  let files = (flags.data ?? []).map(local);
  let filesGiven = flags.data ?? [];
  let dataFormat = format as DataFormat | 'auto';
  if (flags.fetch !== undefined) {
    const spec = parseFetchSpec(flags.fetch);
    if (start === undefined || end === undefined) throw new CliError(`--fetch: needs --start and --end (the range to fetch)`);
    const fetched = await fetchData(flags, spec, start, end, local);
    files = [fetched.file];
    filesGiven = [fetched.given];
    dataFormat = 'ohlcv-json';
  } else if (flags.url !== undefined || flags.cache !== undefined) {
    throw new CliError(`${flags.url !== undefined ? '--url' : '--cache'}: only with --fetch`);
  }
  const configName = flags.config ?? DEFAULT_BACKTEST_CONFIG;
  const configPath = flags.config === undefined ? join(PACKAGE_ROOT, DEFAULT_BACKTEST_CONFIG) : local(flags.config);
  const progress = progressBar(ctx, flags.json === true);
  let outcome: BacktestOutcome;
  try {
    outcome = await runBacktest({
      strategy: flags.strategy,
      configPath,
      configName,
      ...(flags.strategyConfig !== undefined ? { strategyConfig: { path: local(flags.strategyConfig), name: flags.strategyConfig } } : {}),
      ...(flags.bot !== undefined ? { botId: flags.bot } : {}),
      files,
      filesGiven,
      format: dataFormat,
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(fillModel !== undefined ? { fillModel } : {}),
      out: isAbsolute(flags.out) ? flags.out : resolve(cwd, flags.out),
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
  } catch (e) {
    if (e instanceof BacktestInputError || e instanceof DataError || e instanceof DataReadError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    throw e;
  } finally {
    progress.done();
  }
  if (outcome.bias === 'optimistic_estimated') {
    ctx.io.err(`desk: fill_model_bias: optimistic_estimated — ${outcome.meta.format} has no book or trades, so fills are estimated from synthetic quotes (mid ± ATR-based spread); read the PnL as an optimistic estimate, not a forecast`);
  }
  ctx.io.out(flags.json === true ? summaryText(outcome.summary).trimEnd() : summaryLine(outcome, relative(cwd, outcome.paths.summary).replace(/\/summary\.json$/, '') || '.'));
  ctx.setExit(EXIT.ok);
}

/** Registers `desk backtest`. */
export const registerBacktest: RegisterCommand = (program, ctx) => {
  program
    .command('backtest')
    .description('run a strategy over recorded market data (L2 capture, OHLCV csv/json, event store) and write summary.json + bars.jsonl')
    .requiredOption('--strategy <name>', `strategy: ${STRATEGY_NAMES.join(' | ')}`)
    .option('--data <file...>', 'market data files, read as one stream (a capture, OHLCV csv/json, or an events directory); or --fetch')
    .option('--fetch <venue:symbol:timeframe>', 'instead of --data: OHLCV of [--start, --end) fetched through ccxt (e.g. binance:BTC/USDT:1m) into a cache pinned by content hash')
    .option('--url <base>', 'with --fetch: the venue API host to use (e.g. the venue simulator)')
    .option('--cache <dir>', `with --fetch: the OHLCV cache directory (default ${DEFAULT_OHLCV_CACHE})`)
    .requiredOption('--out <dir>', 'directory for summary.json and bars.jsonl')
    .option('--config <file>', `desk or bot file: instrument, paper fees and start holdings, the EPP's parameters (default: ${DEFAULT_BACKTEST_CONFIG})`)
    .option('--strategy-config <file>', 'parameters of a non-EPP strategy (YAML/JSON; ma-cross: fast_period, slow_period, amount)')
    .option('--bot <id>', 'with --strategy epp: the bot of a desk file with several bots')
    .option('--format <f>', `data format: ${FORMATS.join(' | ')}`, 'auto')
    .option('--start <time>', 'window start, inclusive (ISO time, no zone = UTC, or epoch ms)')
    .option('--end <time>', 'window end, exclusive (ISO time or epoch ms)')
    .option('--fill-model <m>', `OHLCV fill model: ${FILL_MODELS.join(' | ')} (default limit; captures always use the paper L2 model)`)
    .option('--json', 'print summary.json on stdout instead of the one-line summary')
    .action(async (opts: BacktestFlags) => run(opts, ctx));
};
