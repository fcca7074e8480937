/**
 * `desk venue-sim`: a local exchange for ccxt to talk to (docs/venue-sim.md). Serves the venue's
 * REST dialect (Binance or Bitget; spot, or with `--market perp` USDⓈ-M / USDT-M perpetuals with a
 * margin account and funding) on 127.0.0.1:<port>, its market the recorded captures
 * replayed on the wall clock, its matching the paper fill model, one funded test account. Credentials come from the
 * environment (DESK_SIM_API_KEY, DESK_SIM_API_SECRET, DESK_SIM_PASSPHRASE), defaulting to the
 * documented test credentials; never from flags. `--faults <file>` installs a fault spec (JSON or
 * YAML; venue-sim/fault-spec.ts) at start; `/__sim/faults` changes it at run time. Runs until
 * SIGINT/SIGTERM (exit 130/143); exit 2 for bad flags, data or fault file (naming the file and the
 * field), 1 when the port cannot be bound.
 */
import { resolve } from 'node:path';
import { Decimal } from '../../../domain/money/decimal.ts';
import { createLogger } from '../../../otel/logger.ts';
import { type FundingOptions, parseFundingRate } from '../../../venue-sim/funding.ts';
import { DEFAULT_SIM_BALANCES, DEFAULT_SIM_CREDENTIALS, openVenueSim } from '../../../venue-sim/open.ts';
import { CliError, EXIT } from '../io.ts';
import type { RegisterCommand } from '../main.ts';
import { untilSignal } from './processes.ts';

interface VenueSimFlags {
  readonly venue: string;
  readonly market: string;
  readonly port: string;
  readonly data: string[];
  readonly speed: string;
  readonly balances?: string;
  readonly makerFee: string;
  readonly takerFee: string;
  readonly faults?: string;
  readonly fundingRate?: string;
  readonly fundingIntervalS?: string;
  readonly logLevel: string;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** `USDT=10000,BTC=0.5` → { USDT: '10000', BTC: '0.5' }. */
export function parseBalances(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Z0-9]{2,12})\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (m === null) throw new CliError(`--balances: expected ASSET=amount[,ASSET=amount…] (e.g. USDT=10000,BTC=0.5), got ${JSON.stringify(part)}`);
    out[m[1] as string] = new Decimal(m[2] as string).toFixed();
  }
  return out;
}

/** `--funding-rate` / `--funding-interval-s`, for perpetuals only. */
function parseFundingFlags(market: 'spot' | 'perp', flags: VenueSimFlags): FundingOptions | undefined {
  if (market === 'spot') {
    if (flags.fundingRate !== undefined) throw new CliError('--funding-rate: only with --market perp');
    if (flags.fundingIntervalS !== undefined) throw new CliError('--funding-interval-s: only with --market perp');
    return undefined;
  }
  let rate: string | undefined;
  if (flags.fundingRate !== undefined) {
    try {
      rate = parseFundingRate(flags.fundingRate, '--funding-rate').toFixed();
    } catch (e) {
      throw new CliError(e instanceof Error ? e.message : String(e));
    }
  }
  let intervalS: number | undefined;
  if (flags.fundingIntervalS !== undefined) {
    intervalS = Number(flags.fundingIntervalS);
    if (!/^\d+$/.test(flags.fundingIntervalS) || !Number.isSafeInteger(intervalS) || intervalS < 1) throw new CliError(`--funding-interval-s: expected a whole number of seconds ≥ 1, got ${JSON.stringify(flags.fundingIntervalS)}`);
  }
  return { ...(rate !== undefined ? { rate } : {}), ...(intervalS !== undefined ? { intervalS } : {}) };
}

export const registerVenueSim: RegisterCommand = (program, ctx) => {
  program
    .command('venue-sim')
    .description('run a local venue simulator that a plain ccxt client can trade against (recorded market, paper fill model, funded test account)')
    .requiredOption('--venue <venue>', 'venue dialect: binance or bitget')
    .option('--market <market>', 'market type: spot or perp (USDⓈ-M / USDT-M perpetuals: margin account, positions, funding)', 'spot')
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', '18080')
    .requiredOption('--data <capture...>', 'recorded capture files (e.g. data/binance-spot-20240808/btcusdt_20240808.gz); one market per symbol')
    .option('--speed <x>', 'replay speed of the recorded market (1 = real time)', '1')
    .option('--balances <list>', `starting balances of the test account, ASSET=amount,… (default ${Object.entries(DEFAULT_SIM_BALANCES).map(([a, v]) => `${a}=${v}`).join(',')})`)
    .option('--maker-fee <rate>', 'maker fee rate the matching model charges and the fee endpoint reports (0.001 = 0.1%)', '0.001')
    .option('--taker-fee <rate>', 'taker fee rate (0.001 = 0.1%)', '0.001')
    .option('--faults <file>', 'fault spec to inject (JSON or YAML: latency, errorRate, rateLimit429, timeout, lostAck, …; see docs/venue-sim.md); change it at run time with PUT /__sim/faults')
    .option('--funding-rate <rate>', 'perp: funding rate per settlement, e.g. 0.0001 (longs pay when positive); change it at run time with PUT /__sim/funding')
    .option('--funding-interval-s <seconds>', 'perp: seconds between funding settlements (settlements at multiples of it since the epoch), default 28800')
    .option('--log-level <level>', 'stderr log level: debug logs every request', 'info')
    .action(async (flags: VenueSimFlags) => {
      if (flags.venue !== 'binance' && flags.venue !== 'bitget') throw new CliError(`--venue: expected binance or bitget, got ${JSON.stringify(flags.venue)}`);
      const venue = flags.venue;
      if (flags.market !== 'spot' && flags.market !== 'perp') throw new CliError(`--market: expected spot or perp, got ${JSON.stringify(flags.market)}`);
      const market = flags.market;
      const funding = parseFundingFlags(market, flags);
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: expected an integer 0..65535, got ${JSON.stringify(flags.port)}`);
      const speed = Number(flags.speed);
      if (!Number.isFinite(speed) || speed <= 0) throw new CliError(`--speed: expected a number > 0, got ${JSON.stringify(flags.speed)}`);
      if (!['debug', 'info', 'warn', 'error'].includes(flags.logLevel)) throw new CliError(`--log-level: expected debug, info, warn or error, got ${JSON.stringify(flags.logLevel)}`);
      const balances = flags.balances === undefined ? DEFAULT_SIM_BALANCES : parseBalances(flags.balances);
      const fee = (flag: string, v: string): Decimal => {
        if (!/^\d+(\.\d+)?$/.test(v) || new Decimal(v).gte(0.1)) throw new CliError(`${flag}: expected a fee rate from 0 to below 0.1 (e.g. 0.001 for 0.1%), got ${JSON.stringify(v)}`);
        return new Decimal(v);
      };
      const paper = { makerFeePct: fee('--maker-fee', flags.makerFee), takerFeePct: fee('--taker-fee', flags.takerFee) };
      const env = process.env;
      const credentials = {
        apiKey: env['DESK_SIM_API_KEY'] ?? DEFAULT_SIM_CREDENTIALS.apiKey,
        secret: env['DESK_SIM_API_SECRET'] ?? DEFAULT_SIM_CREDENTIALS.secret,
        passphrase: env['DESK_SIM_PASSPHRASE'] ?? DEFAULT_SIM_CREDENTIALS.passphrase,
      };
      const logger = createLogger([{ stream: process.stderr, level: flags.logLevel as 'debug' | 'info' | 'warn' | 'error' }], 'venue-sim');
      const signals = untilSignal(ctx, 'the venue simulator');
      let sim;
      try {
        sim = await openVenueSim({ venue, market, port, ...(funding !== undefined ? { funding } : {}), data: flags.data.map((f) => resolve(ctx.io.cwd, f)), speed, balances, credentials, logger, paper, ...(flags.faults !== undefined ? { faultsFile: resolve(ctx.io.cwd, flags.faults) } : {}) });
      } catch (e) {
        signals.dispose();
        const message = e instanceof Error ? e.message : String(e);
        if (/cannot listen/.test(message)) throw new CliError(message, EXIT.failure, { cause: e });
        throw new CliError(message, EXIT.invalid, { cause: e });
      }
      const faultNote = sim.faults.spec.faults.length === 0 ? '' : `; faults: ${sim.faults.spec.faults.map((f) => f.type).join(', ')} (seed ${sim.faults.spec.seed})`;
      const fundingNote = sim.account === undefined ? '' : `; funding ${sim.account.funding.rate.toFixed()} every ${sim.account.funding.intervalMs / 1000} s`;
      ctx.io.err(`desk venue-sim: serving ${venue} ${market} on ${sim.url} (${sim.engine.marketList().map((m) => m.id).join(', ')}; account ${Object.entries(balances).map(([a, v]) => `${v} ${a}`).join(', ')}; fees maker ${paper.makerFeePct.toFixed()} taker ${paper.takerFeePct.toFixed()}${fundingNote}${faultNote})`);
      const sig = await signals.signal;
      await sim.close();
      signals.dispose();
      ctx.setExit(SIGNAL_EXIT[sig]);
    });
};
