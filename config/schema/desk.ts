/**
 * The files `desk` reads: a desk file with a list of bots (`{ bots: [...], market_data? }`) or
 * a single-bot file (the bot's keys at the top level). Each bot combines an instrument, a
 * strategy and a paper section; `market_data` names recorded captures to replay.
 */
import { z } from 'zod';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import type { PaperConfig } from '../../domain/paper/config.ts';
import type { EppConfig, MarketKind } from '../../domain/strategy/epp/config.ts';
import { enumField, intField, isRecord, numField, show, stringField, stringListField, strictObject, WHEN_MAPPING } from './fields.ts';
import { instrumentSchema, toInstrumentRules, VENUES } from './instrument.ts';
import type { Venue } from './instrument.ts';
import { type PaperAccount, paperSchema, toPaperAccount, toPaperConfig } from './paper.ts';
import { strategySchema, toEppConfig } from './strategy.ts';
import { type ExecutionConfig, executionSchema, toExecutionConfig } from './execution.ts';
import { portfolioLimitsSchema, toPortfolioLimits } from './portfolio.ts';
import { toVenueFeeTable, type VenueFeeTable, venueFeesSchema } from './venue-fees.ts';
import type { PortfolioLimits } from '../../domain/risk/portfolio.ts';

const botShape = {
  id: stringField(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a bot id of lower-case letters, digits, "-" and "_" (at most 64)', {
    src: 'required',
    doc: 'Bot id, unique in the desk; names the bot in commands, events and metrics.',
  }),
  instrument: instrumentSchema.describe('The instrument the bot quotes: venue, symbol and the venue\'s grid and minimums.'),
  strategy: strategySchema.prefault({}).describe('EPP v2.4 strategy parameters; every key is optional and defaults as listed.'),
  paper: paperSchema.prefault({}).describe('Paper fill simulator parameters, used when the bot runs on the paper engine.'),
  execution: executionSchema.prefault({}).describe('Where the bot\'s orders go: the paper engine (default) or the venue through ccxt; every key is optional.'),
};

/** A bot's strategy may name its market only to confirm the instrument's. */
function checkBotMarket(v: Record<string, unknown>, ctx: z.core.$RefinementCtx, prefix: readonly PropertyKey[]): void {
  const inst = v['instrument'];
  const strat = v['strategy'];
  if (!isRecord(inst) || !isRecord(strat)) return;
  const want = inst['market'];
  const got = strat['market'];
  if (typeof want === 'string' && typeof got === 'string' && want !== got) {
    ctx.addIssue({ code: 'custom', path: [...prefix, 'strategy', 'market'], input: got, message: `expected ${want} (the instrument's market), got ${show(got)}` });
  }
  // A perp's start_base is a signed position (a short is negative); a spot balance cannot be.
  const paper = v['paper'];
  const startBase = isRecord(paper) ? paper['start_base'] : undefined;
  if (want !== 'perp' && startBase !== undefined && startBase !== null && /^\s*-/.test(String(startBase)) && Number(startBase) !== 0) {
    ctx.addIssue({ code: 'custom', path: [...prefix, 'paper', 'start_base'], input: startBase, message: `expected a decimal ≥ 0 on spot (only a perp position may be short), got ${show(String(startBase))}` });
  }
}

/** One bot in a desk file. */
export const botSchema = strictObject(botShape, 'a bot').superRefine((v, ctx) => checkBotMarket(v, ctx, []), WHEN_MAPPING);

const captureSchema = strictObject(
  {
    venue: enumField(VENUES, { src: 'required', doc: 'Venue the capture was recorded on.' }),
    symbol: stringField(/^[A-Za-z0-9][A-Za-z0-9/:_-]{0,39}$/, 'a venue symbol such as "BTCUSDT"', { src: 'required', doc: 'Symbol the capture holds; bots on this venue and symbol replay it.' }),
    files: stringListField('capture file paths', {
      src: 'required',
      doc: 'Capture files in time order (several files are one continuous stream); relative paths resolve against the config file\'s folder.',
    }),
  },
  'a capture',
);

const MD_SOURCES = ['replay', 'live'] as const;

/** Where market data comes from. */
export const marketDataSchema = strictObject(
  {
    source: enumField(MD_SOURCES, { def: 'replay', src: 'desk', doc: '`replay` plays the captures below; `live` subscribes to the venues.' }),
    speed: numField('[0,1000000]', { def: 1, src: 'desk', doc: 'Replay speed as a multiple of real time; 0 replays as fast as possible.' }),
    book_poll_ms: intField('[50,60000]', { def: 250, src: 'desk', doc: 'Live: how often each venue\'s order book is read (REST) for the bots on it.' }),
    captures: z
      .array(captureSchema, { error: (iss) => `expected a list of captures, got ${show(iss.input)}` })
      .default([])
      .describe('Recorded captures to replay, one entry per venue and symbol. Default: none.'),
  },
  'a market_data section',
);

/** How the runtime drives the bots. */
export const runtimeSchema = strictObject(
  {
    tick_interval_ms: intField('[10,60000]', { def: 1000, src: 'desk', doc: 'Milliseconds between two EPP ticks of a bot (on the replay\'s virtual clock or the wall clock live).' }),
    snapshot_interval_s: intField('[1,86400]', { def: 60, src: 'desk', doc: 'Seconds between two `state.snapshot` events of a bot in the event store.' }),
    flush_every: intField('[1,100000]', { def: 100, src: 'desk', doc: 'The event store flushes (write + fsync) when this many events are buffered ...' }),
    flush_interval_ms: intField('[1,60000]', { def: 1000, src: 'desk', doc: '... or this many wall-clock milliseconds after the first buffered event.' }),
  },
  'a runtime section',
);

/** A desk file: several bots and, optionally, the market data they run on. */
export const deskSchema = strictObject(
  {
    bots: z
      .array(botSchema, { error: (iss) => `expected a list of bots, got ${show(iss.input)}` })
      .min(1, { error: 'expected at least one bot, got an empty list' })
      .describe('The bots this desk runs. Required.'),
    market_data: marketDataSchema.optional().describe('Market data source for the bots. Optional.'),
    runtime: runtimeSchema.prefault({}).describe('How the runtime ticks bots and flushes the event store; every key is optional.'),
    portfolio_limits: portfolioLimitsSchema.prefault({}).describe('Cross-bot limits the portfolio-risk monitor enforces (desk risk); every key is optional.'),
    venue_fees: venueFeesSchema
      .optional()
      .describe("The project's fee rates by venue and market (desk files only): a live bot's fallback when the venue does not report its rates, or its source with `execution.fee_source: project`. Optional."),
  },
  'a desk file',
).superRefine((v, ctx) => {
  const bots = Array.isArray(v['bots']) ? (v['bots'] as unknown[]) : [];
  const seen = new Map<string, number>();
  bots.forEach((b, i) => {
    if (!isRecord(b) || typeof b['id'] !== 'string') return;
    const first = seen.get(b['id']);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['bots', i, 'id'], input: b['id'], message: `expected a unique bot id, got ${show(b['id'])} (also bots[${first}].id)` });
    else seen.set(b['id'], i);
  });
  checkCaptures(v['market_data'], bots.map((b, i) => ({ b, path: ['bots', i] as PropertyKey[] })), ctx);
  checkExecution(v['market_data'], bots.map((b, i) => ({ b, path: ['bots', i] as PropertyKey[] })), ctx);
}, WHEN_MAPPING);

/** A single-bot file: a bot's keys at the top level, plus optional market data. */
export const singleBotSchema = strictObject({ ...botShape, market_data: deskSchema.shape.market_data, runtime: deskSchema.shape.runtime, portfolio_limits: deskSchema.shape.portfolio_limits }, 'a bot file').superRefine((v, ctx) => {
  checkBotMarket(v, ctx, []);
  checkCaptures(v['market_data'], [{ b: v, path: [] }], ctx);
  checkExecution(v['market_data'], [{ b: v, path: [] }], ctx);
}, WHEN_MAPPING);

/**
 * A ccxt bot trades in real time on the venue's own book, so it needs live market data (a replay
 * would quote a recorded book at a venue whose book is elsewhere); live market data is read from
 * the venues, so a live desk's bots all run through ccxt.
 */
function checkExecution(md: unknown, bots: readonly { b: unknown; path: PropertyKey[] }[], ctx: z.core.$RefinementCtx): void {
  const source = isRecord(md) ? md['source'] : undefined;
  for (const { b, path } of bots) {
    const ex = isRecord(b) ? b['execution'] : undefined;
    const kind = isRecord(ex) ? ex['kind'] : undefined;
    if (kind === 'ccxt' && source !== 'live') ctx.addIssue({ code: 'custom', path: [...path, 'execution', 'kind'], input: kind, message: `expected market_data.source: live for a ccxt bot (it trades the venue's live book), got ${show(source ?? 'no market_data')}` });
    if (source === 'live' && kind !== 'ccxt') ctx.addIssue({ code: 'custom', path: [...path, 'execution', 'kind'], input: kind ?? 'paper', message: `expected ccxt with market_data.source: live (live books come from the venue), got ${show(kind ?? 'paper')}` });
  }
}

/** In replay mode every bot needs a capture of its venue and symbol. */
function checkCaptures(md: unknown, bots: readonly { b: unknown; path: PropertyKey[] }[], ctx: z.core.$RefinementCtx): void {
  if (!isRecord(md) || md['source'] !== 'replay' || !Array.isArray(md['captures'])) return;
  const have = new Set(md['captures'].filter(isRecord).map((c) => `${String(c['venue'])} ${String(c['symbol'])}`));
  for (const { b, path } of bots) {
    const inst = isRecord(b) ? b['instrument'] : undefined;
    if (!isRecord(inst) || typeof inst['venue'] !== 'string' || typeof inst['symbol'] !== 'string') continue;
    const key = `${inst['venue']} ${inst['symbol']}`;
    if (!have.has(key)) {
      ctx.addIssue({ code: 'custom', path: [...path, 'instrument', 'symbol'], input: inst['symbol'], message: `expected a market_data capture for ${key} (market_data.source is replay), got none` });
    }
  }
}

/** A parsed desk file. */
export type DeskFile = z.output<typeof deskSchema>;
/** A parsed bot. */
export type BotFile = z.output<typeof botSchema>;
/** A parsed market_data section. */
export type MarketDataFile = z.output<typeof marketDataSchema>;

/** One bot in domain form. */
export interface BotConfig {
  readonly id: string;
  readonly venue: Venue;
  readonly market: MarketKind;
  readonly instrument: InstrumentRules;
  readonly strategy: EppConfig;
  readonly paper: PaperConfig;
  /** Starting holdings of the bot's paper account. */
  readonly account: PaperAccount;
  readonly execution: ExecutionConfig;
}

/** How the runtime drives the bots. */
export interface RuntimeConfig {
  readonly tickIntervalMs: number;
  readonly snapshotIntervalS: number;
  readonly flushEvery: number;
  readonly flushIntervalMs: number;
}

/** A whole desk in domain form. */
export interface DeskConfig {
  readonly bots: readonly BotConfig[];
  readonly runtime: RuntimeConfig;
  readonly portfolioLimits: PortfolioLimits;
  /** The project's fee rates by venue and market (`venue_fees`), when the desk file has them. */
  readonly venueFees?: VenueFeeTable;
  readonly marketData?: {
    readonly source: 'replay' | 'live';
    readonly speed: number;
    readonly bookPollMs: number;
    readonly captures: readonly { readonly venue: Venue; readonly symbol: string; readonly files: readonly string[] }[];
  };
}

/** Converts a parsed bot into domain form; the strategy's market is the instrument's. */
export function toBotConfig(b: BotFile): BotConfig {
  return {
    id: b.id,
    venue: b.instrument.venue,
    market: b.instrument.market,
    instrument: toInstrumentRules(b.instrument),
    strategy: toEppConfig(b.strategy, b.instrument.market),
    paper: toPaperConfig(b.paper),
    account: toPaperAccount(b.paper),
    execution: toExecutionConfig(b.execution),
  };
}

/** A parsed runtime section. */
export type RuntimeFile = z.output<typeof runtimeSchema>;

export function toRuntimeConfig(r: RuntimeFile): RuntimeConfig {
  return { tickIntervalMs: r.tick_interval_ms, snapshotIntervalS: r.snapshot_interval_s, flushEvery: r.flush_every, flushIntervalMs: r.flush_interval_ms };
}

/** Converts a parsed desk file into domain form. */
export function toDeskConfig(f: DeskFile): DeskConfig {
  const md = f.market_data;
  return {
    bots: f.bots.map(toBotConfig),
    runtime: toRuntimeConfig(f.runtime),
    portfolioLimits: toPortfolioLimits(f.portfolio_limits),
    ...(f.venue_fees ? { venueFees: toVenueFeeTable(f.venue_fees) } : {}),
    ...(md ? { marketData: { source: md.source, speed: md.speed, bookPollMs: md.book_poll_ms, captures: md.captures.map((c) => ({ venue: c.venue, symbol: c.symbol, files: c.files })) } } : {}),
  };
}
