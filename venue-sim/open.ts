/**
 * Opens a venue simulator: reads the captures (grouped into markets by the symbol their
 * messages carry), builds one paper fill model per market on the wall clock (recording the trades it is fed on the public trade tape), the engine with
 * the funded account, the replay, the fault injector (its spec from a file or given; empty by
 * default, changed at run time through `/__sim/faults`; it reaches the engine for the matching
 * faults, delayedFills and partialFills), and the HTTP server speaking the
 * venue's dialect (Binance spot or Bitget spot; with `market: 'perp'`, Binance USDⓈ-M or Bitget
 * USDT-M perpetuals over a margin account, its funding schedule and the `/__sim/funding` and
 * `/__sim/transfer` control endpoints).
 */
import { WallClock } from '../adapters/clock/wall-clock.ts';
import { PAPER_DEFAULTS, type PaperConfig } from '../domain/paper/config.ts';
import type { CaptureMessage } from '../domain/market/index.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Logger } from '../otel/logger.ts';
import { readCaptureMessages } from '../streams/capture-messages.ts';
import { BinanceSpotDialect } from './binance-spot.ts';
import { BinanceUsdmDialect, USDM_FAULT_ENDPOINTS } from './binance-usdm.ts';
import { BitgetFaultInjector } from './bitget-faults.ts';
import { BITGET_MIX_FAULT_ENDPOINTS, BitgetMixDialect } from './bitget-mix.ts';
import { BITGET_SPOT_FAULT_ENDPOINTS, BitgetSpotDialect } from './bitget-spot.ts';
import { VenueEngine, type SimMarket } from './engine.ts';
import { FaultInjector, assertFaultMarkets, loadFaultSpecFile, parseFaultSpec, type FaultSpec, type FaultSpecInput } from './faults.ts';
import { FundingSchedule, type FundingOptions } from './funding.ts';
import { type PerpParams, type SimVenue, perpMarket, spotMarket } from './markets.ts';
import { PerpAccount, SETTLE_ASSET } from './perp-account.ts';
import { FUNDING_CONTROL_PATH, TRANSFER_CONTROL_PATH, fundingControl, transferControl } from './perp-control.ts';
import { PublicTradeTape, TapedPaperAdapter } from './public-trades.ts';
import { CaptureReplay } from './replay.ts';
import { type SimControl, startSimServer, type RunningSimServer, type VenueDialect } from './server.ts';

export const DEFAULT_SIM_CREDENTIALS = { apiKey: 'test-key', secret: 'test-secret', passphrase: 'test-pass' } as const;
export const DEFAULT_SIM_BALANCES: Readonly<Record<string, string>> = { USDT: '10000' };

/** The test account's API credentials; `passphrase` is checked by venues that use one (Bitget). */
export interface SimCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase?: string;
}

export interface VenueSimOptions {
  /** The REST dialect spoken, and whose market rules apply (venue-sim/markets.ts). */
  readonly venue: SimVenue;
  /** `spot`, or `perp`: USDⓈ-M (Binance) / USDT-M (Bitget) perpetuals over a margin account. */
  readonly market: SimMarketType;
  readonly port: number;
  readonly host?: string;
  /** Capture files; each file's messages name its symbol. */
  readonly data: readonly string[];
  readonly speed?: number;
  /** Default DEFAULT_SIM_CREDENTIALS (a missing passphrase is the default one). */
  readonly credentials?: SimCredentials;
  readonly balances?: Readonly<Record<string, string>>;
  /** The matching model's parameters (fees, latency, queue); default PAPER_DEFAULTS with 0.1% maker and taker fees (Binance's and Bitget's spot base rate) and no taker slippage. */
  readonly paper?: Partial<PaperConfig>;
  readonly clock?: Clock;
  readonly logger: Logger;
  /** Fault spec file (JSON or YAML, `--faults`); errors name the file and the field. */
  readonly faultsFile?: string;
  /** Fault spec given directly (wins over `faultsFile`). */
  readonly faults?: FaultSpecInput;
  /** Perpetuals only: the funding rate and interval (default 0.0001 every 28,800 s). */
  readonly funding?: FundingOptions;
}

export type SimMarketType = 'spot' | 'perp';

export interface VenueSim {
  readonly url: string;
  readonly port: number;
  readonly engine: VenueEngine;
  readonly replay: CaptureReplay;
  readonly faults: FaultInjector;
  /** The margin account (perpetuals only). */
  readonly account?: PerpAccount;
  /** The public trades the replay played, as the public-trades endpoints serve them. */
  readonly publicTrades: PublicTradeTape;
  close(): Promise<void>;
}

/** The symbol a capture's messages carry (its first message that names one). */
function symbolOf(file: string, messages: readonly CaptureMessage[]): string {
  for (const m of messages) if ('symbol' in m && typeof m.symbol === 'string' && m.symbol !== '') return m.symbol.toUpperCase();
  throw new RangeError(`--data ${file}: no message names a symbol`);
}

export async function openVenueSim(o: VenueSimOptions): Promise<VenueSim> {
  if (o.data.length === 0) throw new RangeError('--data: expected at least one capture file');
  let spec: FaultSpec | undefined;
  if (o.faults !== undefined) spec = parseFaultSpec(o.faults);
  else if (o.faultsFile !== undefined) spec = await loadFaultSpecFile(o.faultsFile);
  const bySymbol = new Map<string, CaptureMessage[]>();
  for (const file of o.data) {
    const messages = await readCaptureMessages([file]);
    if (messages.length === 0) throw new RangeError(`--data ${file}: the capture holds no messages`);
    const symbol = symbolOf(file, messages);
    bySymbol.set(symbol, [...(bySymbol.get(symbol) ?? []), ...messages]);
  }
  const clock = o.clock ?? new WallClock();
  // A venue fills at book prices: no extra taker slippage beyond walking the book.
  const paper: PaperConfig = { ...PAPER_DEFAULTS, takerSlippagePct: new Decimal(0), makerFeePct: new Decimal('0.001'), takerFeePct: new Decimal('0.001'), ...(o.paper ?? {}) };
  const perp = o.market === 'perp';
  const markets: SimMarket[] = [];
  const perpParams: { market: SimMarket; params: PerpParams }[] = [];
  const feeds: { market: SimMarket; messages: CaptureMessage[] }[] = [];
  const publicTrades = new PublicTradeTape(() => clock.now());
  for (const [symbol, messages] of bySymbol) {
    // A perpetual market may replay a spot capture or a USDⓈ-M one; the replay picks the
    // capture's own depth sequencing rule (replay.ts), the rules are the perpetual's.
    const perpSpec = perp ? perpMarket(o.venue, symbol) : undefined;
    const spec = perpSpec ?? spotMarket(o.venue, symbol);
    messages.sort((a, b) => a.ts - b.ts);
    const market: SimMarket = { id: spec.id, rules: spec.rules, adapter: new TapedPaperAdapter({ clock, rules: spec.rules, config: paper }, publicTrades, spec.id), top: null };
    markets.push(market);
    feeds.push({ market, messages });
    if (perpSpec !== undefined) perpParams.push({ market, params: perpSpec.perp });
  }
  const balances = o.balances ?? DEFAULT_SIM_BALANCES;
  let account: PerpAccount | undefined;
  if (perp) {
    const other = Object.keys(balances).filter((a) => a !== SETTLE_ASSET);
    if (other.length > 0) throw new RangeError(`--balances: a perpetual account holds ${SETTLE_ASSET} only, got ${other.join(', ')}`);
    account = new PerpAccount({ markets: perpParams, wallet: new Decimal(balances[SETTLE_ASSET] ?? '0'), funding: new FundingSchedule(o.funding ?? {}, clock.now()), now: () => clock.now() });
  }
  const engine = new VenueEngine({ clock, markets, balances: perp ? {} : balances, ...(account !== undefined ? { account } : {}) });
  if (spec !== undefined) {
    try {
      assertFaultMarkets(spec, engine);
    } catch (e) {
      throw new RangeError(`${o.faults !== undefined ? 'faults' : `--faults ${o.faultsFile ?? ''}`}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  const replay = new CaptureReplay(feeds, o.speed ?? 1, () => clock.now());
  const injectorOptions = { now: () => clock.now(), logger: o.logger, engine, ...(spec !== undefined ? { spec } : {}) };
  const credentials = { ...DEFAULT_SIM_CREDENTIALS, ...(o.credentials ?? {}) };
  const fees = { maker: paper.makerFeePct, taker: paper.takerFeePct };
  let faults: FaultInjector;
  let dialect: VenueDialect;
  const controls: Record<string, SimControl> = {};
  if (account !== undefined) {
    controls[FUNDING_CONTROL_PATH] = fundingControl(account, () => clock.now());
    controls[TRANSFER_CONTROL_PATH] = transferControl(account);
    if (o.venue === 'bitget') {
      faults = new BitgetFaultInjector({ ...injectorOptions, defaultEndpoints: BITGET_MIX_FAULT_ENDPOINTS });
      dialect = new BitgetMixDialect({ engine, account, credentials, fees, faults, publicTrades });
    } else {
      faults = new FaultInjector({ ...injectorOptions, defaultEndpoints: USDM_FAULT_ENDPOINTS });
      dialect = new BinanceUsdmDialect({ engine, account, credentials, fees, faults, publicTrades });
    }
  } else if (o.venue === 'bitget') {
    faults = new BitgetFaultInjector({ ...injectorOptions, defaultEndpoints: BITGET_SPOT_FAULT_ENDPOINTS });
    dialect = new BitgetSpotDialect({ engine, credentials, fees, faults, publicTrades });
  } else {
    faults = new FaultInjector(injectorOptions);
    dialect = new BinanceSpotDialect({ engine, credentials, fees, faults, publicTrades });
  }
  let server: RunningSimServer;
  try {
    server = await startSimServer(dialect, { port: o.port, ...(o.host !== undefined ? { host: o.host } : {}), logger: o.logger, faults, controls });
  } catch (e) {
    throw new Error(`venue-sim: cannot listen on port ${o.port}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  replay.start();
  const stopFunding = account === undefined ? () => undefined : settleFundingOnTime(account, clock);
  o.logger.info({ venue: o.venue, market: o.market, url: server.url, markets: markets.map((m) => m.id) }, 'venue-sim serving');
  return {
    url: server.url,
    port: server.port,
    engine,
    replay,
    faults,
    ...(account !== undefined ? { account } : {}),
    publicTrades,
    close: async () => {
      stopFunding();
      replay.stop();
      engine.stop();
      await server.close();
      for (const m of markets) await m.adapter.close();
    },
  };
}

/** Books each funding settlement when it falls (at the mark of that moment); returns the stop. */
function settleFundingOnTime(account: PerpAccount, clock: Clock): () => void {
  let cancel: () => void = () => undefined;
  const arm = (): void => {
    cancel = clock.setTimer(account.funding.next(clock.now()), () => {
      account.sync();
      arm();
    });
  };
  arm();
  return () => cancel();
}
