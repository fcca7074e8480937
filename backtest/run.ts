/**
 * One backtest, composed: config (the desk/bot file: instrument rules, paper fees and account,
 * runtime tick; the EPP's parameters) → data → fill model → strategy → engine → portfolio metrics
 * → report. Every user mistake surfaces as a `BacktestInputError` naming its flag or field, or
 * as the data layer's `DataError` / `DataReadError`; anything else is a failure.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { loadConfigFile } from '../config/load.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import { type Cadence, type DecisionRecord, type EngineResult, runEngine } from './engine.ts';
import { BacktestInputError } from './errors.ts';
import { loadMarketData } from './data/load.ts';
import { ohlcvConservativeFills, ohlcvLimitFills, paperL2Fills } from './fills/index.ts';
import { type BacktestMetrics, type PortfolioConfig, type PortfolioTracker, computeMetrics, exact, ratio } from './portfolio/index.ts';
import { lazyPortfolio } from './lazy-portfolio.ts';
import { type RunWindow, buildSummary, writeReport } from './report.ts';
import { eppCadenceProblem, eppStrategy } from './strategies/epp.ts';
import { maCrossStrategy, parseMaCrossConfig } from './strategies/ma-cross.ts';
import type { DataFormat, DataMeta, DataRequest, FillModelBias, FillSimulator, MarketData, StrategyAdapter } from './types.ts';
import { Decimal } from '../domain/money/decimal.ts';

export const STRATEGY_NAMES = ['epp', 'ma-cross'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
export const FILL_MODELS = ['limit', 'conservative'] as const;
export type OhlcvFillModel = (typeof FILL_MODELS)[number];

/** The OHLCV synthetic book: half spread = max(tick, 0.5·ATR(14)) of the bars so far. */
export const OHLCV_FILL_PARAMS = { spreadAtrMult: new Decimal('0.5'), atrPeriod: 14 } as const;
/** On L2 data, the bars a view carries (for bar-driven strategies) are 1-minute mid bars. */
export const L2_VIEW_BAR_MS = 60_000;

export interface BacktestRequest {
  readonly strategy: string;
  /** The desk or bot file to read, and its name as given (for messages and nothing else). */
  readonly configPath: string;
  readonly configName: string;
  /** A strategy's own parameter file (`ma-cross`); the EPP takes its parameters from the bot. */
  readonly strategyConfig?: { readonly path: string; readonly name: string };
  readonly botId?: string;
  /** Data files to read, and the same files as the user gave them (these go in the report). */
  readonly files: readonly string[];
  readonly filesGiven: readonly string[];
  readonly format: DataFormat | 'auto';
  readonly start?: number;
  readonly end?: number;
  readonly fillModel?: OhlcvFillModel;
  readonly out: string;
  /** Progress of the event loop, in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
  /** Every decision point's view, intents and rejects (the engine's `onDecision`; replay regression). */
  readonly onDecision?: (d: DecisionRecord<unknown>) => void;
  /** How the data is loaded (default `loadMarketData`); the replay regression shares one load between runs. */
  readonly loadData?: (req: DataRequest) => Promise<MarketData>;
}

export interface BacktestOutcome {
  readonly summary: Record<string, unknown>;
  readonly metrics: BacktestMetrics;
  readonly meta: DataMeta;
  readonly fillModel: string;
  readonly bias: FillModelBias;
  readonly paths: { readonly summary: string; readonly bars: string };
  /** The bot the run used (instrument, paper, account, the EPP's parameters with defaults filled in). */
  readonly bot: BotConfig;
}

const isBars = (f: DataFormat): boolean => f === 'ohlcv-csv' || f === 'ohlcv-json';

async function loadBot(req: BacktestRequest): Promise<{ bot: BotConfig; tickIntervalMs: number }> {
  const loaded = await loadConfigFile(req.configPath, req.configName);
  if (!loaded.ok) {
    const lines = loaded.violations.map((v) => `  ${v.line !== undefined ? `${req.configName}:${v.line}:${v.column ?? 1}  ` : ''}${v.path ? `${v.path}: ` : ''}${v.message}`);
    throw new BacktestInputError('--config', [`${req.configName}: ${loaded.violations.length} problem(s)`, ...lines].join('\n'));
  }
  const bots = loaded.config.bots;
  const ids = bots.map((b) => b.id).join(', ');
  let bot: BotConfig | undefined;
  if (req.botId !== undefined) {
    bot = bots.find((b) => b.id === req.botId);
    if (bot === undefined) throw new BacktestInputError('--bot', `${req.configName} has no bot ${JSON.stringify(req.botId)} (bots: ${ids})`);
  } else if (bots.length === 1) bot = bots[0];
  else throw new BacktestInputError('--bot', `${req.configName} has ${bots.length} bots (${ids}); name one with --bot <id>`);
  if (bot === undefined) throw new BacktestInputError('--config', `${req.configName} has no bot`);
  return { bot, tickIntervalMs: loaded.config.runtime.tickIntervalMs };
}

async function loadStrategyParams(req: BacktestRequest): Promise<unknown> {
  const sc = req.strategyConfig;
  if (sc === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(sc.path, 'utf8');
  } catch (e) {
    throw new BacktestInputError('--strategy-config', `cannot read ${sc.name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e)}`, { cause: e });
  }
  try {
    return parseYaml(text) as unknown;
  } catch (e) {
    throw new BacktestInputError('--strategy-config', `${sc.name}: not YAML/JSON: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`, { cause: e });
  }
}

interface Chosen {
  readonly strategy: StrategyAdapter<unknown>;
  /** The strategy's parameters, as hashed into configHash. */
  readonly params: unknown;
}

async function chooseStrategy(req: BacktestRequest, bot: BotConfig, meta: DataMeta): Promise<Chosen> {
  if (req.strategy === 'epp') {
    if (req.strategyConfig !== undefined) throw new BacktestInputError('--strategy-config', `the EPP takes its parameters from the bot's strategy section in --config; drop --strategy-config`);
    const problem = eppCadenceProblem(bot.strategy, meta);
    if (problem !== null) throw new BacktestInputError('--config', `${req.configName}: ${problem}`);
    return { strategy: eppStrategy(bot.strategy) as StrategyAdapter<unknown>, params: bot.strategy };
  }
  const parsed = parseMaCrossConfig(await loadStrategyParams(req));
  if (!parsed.ok) throw new BacktestInputError('--strategy-config', `${req.strategyConfig?.name ?? '(defaults)'}: ${parsed.problems.length} problem(s)\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`);
  return { strategy: maCrossStrategy(parsed.config) as StrategyAdapter<unknown>, params: parsed.config };
}

interface FillChoice {
  readonly sim: FillSimulator;
  readonly params: unknown;
}

function chooseFills(req: BacktestRequest, bot: BotConfig, format: DataFormat): FillChoice {
  if (isBars(format)) {
    const model = req.fillModel ?? 'limit';
    const opts = { rules: bot.instrument, makerFeePct: bot.paper.makerFeePct, takerFeePct: bot.paper.takerFeePct, ...OHLCV_FILL_PARAMS };
    return { sim: model === 'limit' ? ohlcvLimitFills(opts) : ohlcvConservativeFills(opts), params: { model, makerFeePct: opts.makerFeePct, takerFeePct: opts.takerFeePct, ...OHLCV_FILL_PARAMS } };
  }
  if (req.fillModel !== undefined) throw new BacktestInputError('--fill-model', `${req.fillModel} is an OHLCV model; ${format} data runs the paper L2 model (drop --fill-model)`);
  return { sim: paperL2Fills(bot.paper, bot.instrument), params: { model: 'paper', paper: bot.paper } };
}

/** The report shows data files as the user gave them, never as resolved on this machine. */
function asGiven(meta: DataMeta, req: BacktestRequest): DataMeta {
  const swap = (s: string): string => req.files.reduce((acc, f, i) => acc.split(f).join(req.filesGiven[i] ?? f), s);
  return { ...meta, files: meta.files.map(swap), findings: meta.findings.map((f) => ({ ...f, file: swap(f.file), message: swap(f.message) })) };
}

/** Bars per UTC day and regime, from the rows (evidence of where each regime happened). */
function regimeBarsByDay(rows: EngineResult['rows']): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of rows) {
    const day = new Date(r.ts).toISOString().slice(0, 10);
    const d = (out[day] ??= {});
    const k = r.regime ?? 'none';
    d[k] = (d[k] ?? 0) + 1;
  }
  return out;
}

/** A perp bot's portfolio: margin account at the strategy's leverage, funding at the paper section's constant rate. */
function perpPortfolio(bot: BotConfig): Pick<PortfolioConfig, 'funding' | 'perp'> {
  if (bot.market !== 'perp') return {};
  return { funding: { rate: bot.account.fundingRate, intervalMs: bot.account.fundingIntervalMs }, perp: { leverage: bot.strategy.leverage } };
}

/**
 * What summary.json says about a perp run: that it is one, where funding came from (the
 * OHLCV/L2 data carries no funding history: every settlement charges the configured rate), the
 * final perp figures and what is not modelled. Null on spot.
 */
function perpSummary(bot: BotConfig, tracker: PortfolioTracker): Record<string, unknown> | null {
  const f = tracker.perp();
  if (bot.market !== 'perp' || f === null) return null;
  const v = tracker.view();
  return {
    market: 'perp',
    leverage: exact(bot.strategy.leverage),
    funding: {
      source: 'config',
      rate: exact(bot.account.fundingRate),
      intervalS: bot.account.fundingIntervalMs / 1000,
      note: 'the data has no funding history: every settlement charges paper.funding_rate on position·mark at paper.funding_interval_s',
    },
    final: { position: exact(v.base), marginBalance: exact(f.marginBalance), unrealizedPnl: exact(f.unrealizedPnl), equity: exact(f.equity), marginRatio: ratio(f.marginRatio), funding: exact(v.funding) },
    notModelled: ['liquidation', 'funding history (a constant configured rate)', 'mark price (the mid of the data is the mark and the last price)'],
  };
}

/** Runs one backtest and writes its report. */
export async function runBacktest(req: BacktestRequest): Promise<BacktestOutcome> {
  if (!(STRATEGY_NAMES as readonly string[]).includes(req.strategy)) throw new BacktestInputError('--strategy', `expected one of ${STRATEGY_NAMES.join(', ')}, got ${JSON.stringify(req.strategy)}`);
  if (req.strategy !== 'epp' && req.botId !== undefined) throw new BacktestInputError('--bot', 'only --strategy epp picks a bot; other strategies read the instrument and paper sections of the only bot');
  const { bot, tickIntervalMs } = await loadBot(req);
  const data: MarketData = await (req.loadData ?? loadMarketData)({ files: req.files, format: req.format, ...(req.start !== undefined ? { start: req.start } : {}), ...(req.end !== undefined ? { end: req.end } : {}) });
  const chosen = await chooseStrategy(req, bot, data.meta);
  const fills = chooseFills(req, bot, data.meta.format);
  const bars = isBars(data.meta.format);
  const cadence: Cadence = bars ? { kind: 'bar' } : { kind: 'tick', intervalMs: tickIntervalMs, barIntervalMs: L2_VIEW_BAR_MS };
  const portfolio = lazyPortfolio({ base: bot.instrument.base, quote: bot.instrument.quote, startBase: bot.account.startBase, startQuote: bot.account.startQuote, ...perpPortfolio(bot) });
  const result = runEngine({ data, strategy: chosen.strategy, rules: bot.instrument, fills: fills.sim, portfolio, cadence, ...(req.onProgress ? { onProgress: req.onProgress } : {}), ...(req.onDecision ? { onDecision: req.onDecision } : {}) });
  const tracker = portfolio.tracker();
  if (tracker === null) throw new BacktestInputError('--data', `no decision point in the data window (no ${bars ? 'bar' : 'book'} to decide on)`);
  const metrics = computeMetrics({
    fills: tracker.fills(),
    samples: tracker.samples(),
    final: tracker.view(),
    ordersPlaced: result.intents.places,
    barIntervalMs: bars ? (data.meta.barIntervalMs ?? 60_000) : tickIntervalMs,
  });
  const meta = asGiven(data.meta, req);
  const window: RunWindow = { start: req.start ?? null, end: req.end ?? null };
  // The EPP's parameters are hashed as strategyParams (only when it runs); execution is not the backtest's.
  const { strategy: _eppParams, execution: _execution, ...botRest } = bot;
  const config = {
    strategy: chosen.strategy.name,
    bot: botRest,
    strategyParams: chosen.params,
    fill: fills.params,
    cadence,
  };
  const summary = buildSummary({
    strategy: chosen.strategy.name, config, meta, fillModel: fills.sim.name, bias: fills.sim.bias, window, metrics,
    run: { decisions: result.rows.length, events: result.events, fills: result.fills.length, intents: result.intents, rejects: result.rejects },
  });
  const perp = perpSummary(bot, tracker);
  if (perp !== null) summary['perp'] = perp; // spot summaries are unchanged
  summary['regimeBarsByDay'] = regimeBarsByDay(result.rows);
  const paths = await writeReport(req.out, summary, result.rows);
  return { summary, metrics, meta, fillModel: fills.sim.name, bias: fills.sim.bias, paths, bot };
}
