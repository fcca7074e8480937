/**
 * The embedded desk: every bot of a desk config on the paper engine, replaying the recorded
 * captures on a virtual clock. One process, the in-process bus, the JSONL event store.
 *
 * Market data flows through RxJS: each capture's messages go through a `Subject` into
 * `bookEvents()` (book$) and `trades()` (trades$); the paper venue of every bot on that symbol
 * is fed from both, and the bot itself from book$. The virtual clock is advanced to each
 * message's receive time first, so acks, ticks and snapshots fire exactly when they are due.
 *
 * Pacing is separate from time: at `--speed max` messages are played as fast as possible
 * (yielding to the event loop every few thousand so signals, the live view and metrics stay
 * responsive); at a factor, the wall clock waits so one virtual second lasts 1/factor seconds.
 * Either way the bots see the same virtual times, so the same seed gives the same events.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Exchange } from 'ccxt';
import { Subject } from 'rxjs';
import type { InspectionEvent } from 'xstate';
import { InProcessBus } from '../adapters/bus/in-process.ts';
import { botSubject } from '../adapters/bus/subjects.ts';
import type { Bus } from '../adapters/bus/types.ts';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import { WallClock } from '../adapters/clock/wall-clock.ts';
import type { CcxtExecutionAdapter } from '../adapters/execution/ccxt.ts';
import { PaperExecutionAdapter } from '../adapters/execution/paper.ts';
import { TokenBucket, rateLimiterFor } from '../adapters/execution/rate-limiter.ts';
import { unifiedSymbol } from '../adapters/venue/venue-config.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { ExecutionAdapter } from '../adapters/execution/types.ts';
import { FileDailyStateStore } from '../adapters/store/daily-state-file.ts';
import { createJsonlWriter, type JsonlWriter } from '../adapters/store/jsonl-writer.ts';
import { recoverSeqState } from '../adapters/store/recover.ts';
import type { BotConfig, DeskConfig } from '../config/schema/desk.ts';
import type { EventEnvelope, SeqState } from '../domain/events/envelope.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { CaptureMessage } from '../domain/market/index.ts';
import type { BookTop } from '../domain/market/types.ts';
import type { RestartPolicy } from '../machines/restart-policy.ts';
import type { DeskMetrics } from '../otel/metrics.ts';
import type { Logger } from '../otel/logger.ts';
import { ownsClientOrderId } from '../machines/bot.machine.ts';
import { bookEvents } from '../streams/book.stream.ts';
import { readCaptureMessages } from '../streams/capture-messages.ts';
import { trades } from '../streams/trades.stream.ts';
import { venueBook$ } from '../streams/venue-book.stream.ts';
import { PaperFunding } from './funding.ts';
import { BotRuntime, type BotRuntimeOptions } from './bot-runtime.ts';
import { type CommandKillSwitch, startCommandHandler } from './commands.ts';
import type { DeskSummary, DeskView } from './desk-view.ts';
import { createEventLog, type EventLog } from './event-log.ts';
import { liveReconciliation } from './live-recon.ts';
import { scanOrphans } from './orphan-scan.ts';
import { ShadowDesk } from './shadow-desk.ts';
import type { Reconciliation } from './reconciliation.ts';
import { auditHoldings, checkVenueHoldings, type VenueHoldings } from './venue-holdings.ts';
import { resolveFees } from './venue-fees.ts';
import { VenueFunding } from './venue-funding.ts';
import { applyVenueLeverage, auditLeverage } from './venue-leverage.ts';

type AppliedLeverage = Awaited<ReturnType<typeof applyVenueLeverage>>;

/** The ccxt-backed adapters, loaded by a live run only: ccxt alone takes ~0.75 s to load, which a paper run never pays. */
async function liveAdapters() {
  const [execution, reads, venue] = await Promise.all([
    import('../adapters/execution/ccxt.ts'),
    import('../adapters/recon/ccxt-venue-reads.ts'),
    import('../adapters/venue/ccxt-venue.ts'),
  ]);
  return { CcxtExecutionAdapter: execution.CcxtExecutionAdapter, ccxtVenueReads: reads.ccxtVenueReads, openCcxtVenue: venue.openCcxtVenue };
}

/** A live bot as the desk prepares it. */
interface LiveBot {
  readonly bot: BotConfig;
  readonly runtime: BotRuntime;
  readonly exchange: Exchange;
  readonly adapter: CcxtExecutionAdapter;
  readonly holdings: VenueHoldings;
  readonly leverage: AppliedLeverage | null;
  readonly funding: VenueFunding | null;
}

export type DeskSpeed = number | 'max';
export type StopReason = DeskSummary['endedBy'];

export interface DeskOptions {
  readonly config: DeskConfig;
  /** The config file, as named in the summary. */
  readonly configName: string;
  readonly speed: DeskSpeed;
  /** Seconds of market data to replay (virtual time), all when absent. */
  readonly durationS?: number;
  /** Overrides every bot's `paper.seed`. */
  readonly seed?: number;
  /** Root of the desk's files; events go to `<varDir>/events`. */
  readonly varDir: string;
  readonly logger: Logger;
  readonly metrics?: DeskMetrics;
  readonly inspect?: (event: InspectionEvent) => void;
  /** Per-bot inspection observer (e.g. a transition tracer that knows the bot id); wins over `inspect`. */
  readonly inspectFor?: (botId: string) => (event: InspectionEvent) => void;
  readonly bus?: Bus;
  /** Called once the captures are loaded and the bots started, with the number of messages to replay. */
  readonly onLoaded?: (messages: number) => void;
  /**
   * Where events go instead of `<varDir>/events` (e.g. JetStream), with the per-producer seqs to
   * continue from. The desk flushes it at the end but does not close it (the owner may share it).
   */
  readonly sink?: { readonly target: DeskEventSink; readonly seqState: SeqState };
  /**
   * `exclusive` (default): this desk answers every `desk.cmd.*`, refusing unknown bots.
   * `owned`: it answers only its own bots' subjects and `desk.cmd.all` (several desks share a bus).
   */
  readonly commandMode?: 'exclusive' | 'owned';
  /** Extra options per bot (persisted day counters, hooks) — used by a bot host. */
  readonly botOptions?: (bot: BotConfig) => Partial<Pick<BotRuntimeOptions, 'day' | 'onDayState' | 'onHardStop'>>;
  /** Called for each bot once its runtime and paper venue exist, before it starts (a host registers it with its kill switch). */
  readonly onBotReady?: (runtime: BotRuntime, adapter: ExecutionAdapter) => void;
  /** The kill switch operator commands go through (`kill`, `rearm`); without one, kill is the bot's own HARD_STOP. */
  readonly killSwitch?: CommandKillSwitch;
  /** Wall clock for command expiry and risk snapshots (default: the real one). */
  readonly wallClock?: Clock;
  /**
   * Names this desk's own producers (`desk.<name>`, `desk.commands.<name>`) when several desks
   * share one event store (a host runs one desk per spawned bot); default `desk`, `desk.commands`.
   */
  readonly name?: string;
  /** Where ccxt bots' credentials are read (the variables their `execution` section names); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** An event store the desk writes to: the JSONL writer or a JetStream publisher. */
export interface DeskEventSink {
  append(event: EventEnvelope): unknown;
  flush(): Promise<void>;
  readonly pending: number;
}

/** How many messages `--speed max` plays between two yields to the event loop. */
const MAX_SPEED_BATCH = 2000;

const RESTART_POLICY: RestartPolicy = { strategy: 'one_for_one', initial_backoff_ms: 1000, max_backoff_ms: 30_000, multiplier: 2, max_restarts: 3, window_ms: 60_000 };

interface Feed {
  readonly captureIndex: number;
  readonly messages: readonly CaptureMessage[];
}

interface Merged {
  readonly msg: CaptureMessage;
  readonly feed: number;
}

/** Messages of all feeds in receive-time order; ties keep feed order, then file order. */
export function mergeFeeds(feeds: readonly Feed[]): Merged[] {
  const out: Merged[] = [];
  feeds.forEach((f, feed) => f.messages.forEach((msg) => out.push({ msg, feed })));
  // Array.prototype.sort is stable, so equal times keep feed and file order.
  return out.sort((a, b) => a.msg.ts - b.msg.ts);
}

const deskProducerOf = (name: string | undefined): string => (name === undefined ? 'desk' : `desk.${name}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

export class Desk {
  private readonly o: DeskOptions;
  private stopRequested: StopReason | null = null;
  private bots: BotRuntime[] = [];
  private progress = { nowMs: 0, startMs: 0, endMs: 0, messages: 0, totalMessages: 0 };
  private writer: DeskEventSink | null = null;

  constructor(options: DeskOptions) {
    this.o = options;
  }

  /** Asks the run to stop at the next message: bots stop cleanly (orders cancelled), the store flushes. */
  requestStop(reason: StopReason): void {
    this.stopRequested ??= reason;
  }

  /** The live view: per-bot status and replay progress. */
  view(): DeskView {
    return { bots: this.bots.map((b) => b.view()), progress: { ...this.progress, speed: String(this.o.speed) } };
  }

  /** The running bots (empty before `run` has loaded the data). */
  get runtimes(): readonly BotRuntime[] {
    return this.bots;
  }

  /** Events buffered in the store and not yet flushed. */
  get storeLag(): number {
    return this.writer?.pending ?? 0;
  }

  /** Runs the desk to the end of the data (or `--duration`, or a stop request) and returns the summary. */
  async run(): Promise<DeskSummary> {
    const { config, logger } = this.o;
    const md = config.marketData;
    if (md?.source === 'live') return this.runLive(md);
    if (md === undefined || md.source !== 'replay') throw new Error('market_data: expected market_data.source: replay with captures, or live');
    const wanted = md.captures.filter((c) => config.bots.some((b) => b.venue === c.venue && b.instrument.symbol === c.symbol));
    const feeds: Feed[] = [];
    for (const c of wanted) {
      logger.info({ venue: c.venue, symbol: c.symbol, files: c.files }, 'loading capture');
      feeds.push({ captureIndex: md.captures.indexOf(c), messages: await readCaptureMessages(c.files) });
    }
    const merged = mergeFeeds(feeds);
    if (merged.length === 0) throw new Error('market_data: the captures hold no messages');
    const first = (merged[0] as Merged).msg.ts;
    const endLimit = this.o.durationS === undefined ? Infinity : first + this.o.durationS * 1000;
    const total = merged.findIndex((m) => m.msg.ts > endLimit);
    const totalMessages = total === -1 ? merged.length : total;
    const lastTs = (merged[totalMessages - 1] as Merged).msg.ts;
    this.progress = { nowMs: first, startMs: first, endMs: lastTs, messages: 0, totalMessages };

    const clock = new VirtualClock(first);
    const wall = this.o.wallClock ?? new WallClock();
    const { jsonl, log, writer } = await this.openStore();
    const bus = this.o.bus ?? new InProcessBus();

    // Per feed: the bots and paper venues on its symbol, behind book$ and trades$.
    const inputs = feeds.map(() => new Subject<CaptureMessage>());
    const adapters: PaperExecutionAdapter[] = [];
    const byId = new Map<string, BotRuntime>();
    for (const bot of config.bots) {
      const feed = wanted.findIndex((c) => c.venue === bot.venue && c.symbol === bot.instrument.symbol);
      const adapter = this.paperFor(bot, clock);
      adapters.push(adapter);
      const funding = bot.market === 'perp' ? { funding: new PaperFunding({ rate: bot.account.fundingRate, intervalMs: bot.account.fundingIntervalMs }) } : {};
      const runtime = this.makeRuntime(bot, clock, adapter, log, bus, wall, funding);
      byId.set(bot.id, runtime);
      const input = inputs[feed] as Subject<CaptureMessage>;
      input.pipe(bookEvents()).subscribe((e) => {
        if (e.type !== 'book.top') return logger.warn({ bot: bot.id, ts: e.ts, lastUpdateId: e.lastUpdateId }, 'book gap: waiting for a snapshot');
        adapter.onMarket({ type: 'market.book', top: e.top });
        runtime.onBook(e.top satisfies BookTop);
      });
      input.pipe(trades()).subscribe((trade) => adapter.onMarket({ type: 'market.trade', trade }));
    }
    const commands = startCommandHandler({ bus, bots: byId, log, wallClock: wall, eventClock: clock, mode: this.o.commandMode ?? 'exclusive', ...(this.o.killSwitch ? { killSwitch: this.o.killSwitch } : {}), ...(this.o.name !== undefined ? { producer: `desk.commands.${this.o.name}` } : {}) });

    const deskProducer = deskProducerOf(this.o.name);
    const startEvent = log.append(deskProducer, {
      type: 'desk.started',
      ts: clock.now(),
      payload: { config: this.o.configName, seed: this.o.seed ?? null, speed: String(this.o.speed), bots: config.bots.map((b) => b.id), messages: totalMessages },
    });
    logger.info({ bots: config.bots.map((b) => b.id), messages: totalMessages, speed: this.o.speed }, 'desk started');
    for (const b of this.bots) b.start();
    this.o.onLoaded?.(totalMessages);

    let endedBy: StopReason = this.o.durationS !== undefined && totalMessages < merged.length ? 'duration' : 'end_of_data';
    const wallStart = performance.now();
    for (let i = 0; i < totalMessages; i++) {
      if (this.stopRequested !== null) {
        endedBy = this.stopRequested;
        break;
      }
      const { msg, feed } = merged[i] as Merged;
      if (this.o.speed === 'max') {
        if (i % MAX_SPEED_BATCH === MAX_SPEED_BATCH - 1) await yieldToLoop();
      } else {
        const wait = wallStart + (msg.ts - first) / this.o.speed - performance.now();
        if (wait > 2) await sleep(wait);
        else if (i % MAX_SPEED_BATCH === MAX_SPEED_BATCH - 1) await yieldToLoop();
      }
      if (this.stopRequested !== null) {
        endedBy = this.stopRequested;
        break;
      }
      clock.advanceTo(Math.max(clock.now(), msg.ts));
      (inputs[feed] as Subject<CaptureMessage>).next(msg);
      this.progress.nowMs = msg.ts;
      this.progress.messages = i + 1;
      if (this.o.metrics) this.o.metrics.eventStoreLagEvents.set(writer.pending);
    }

    await this.finish({ endedBy, commands, adapters, log, jsonl, writer, bus, clock, deskProducer, startEventId: startEvent.eventId });
    for (const s of inputs) s.complete();
    return {
      schemaVersion: 1,
      config: this.o.configName,
      seed: this.o.seed ?? null,
      dataStart: new Date(first).toISOString(),
      dataEnd: new Date(this.progress.nowMs).toISOString(),
      messages: this.progress.messages,
      endedBy,
      events: log.count,
      bots: this.bots.map((b) => b.summary()),
    };
  }

  /**
   * Live: every bot trades on its venue through ccxt on the wall clock, its book read from the
   * venue (`market_data.book_poll_ms`); runs until a stop request or `durationS` wall seconds.
   */
  private async runLive(md: NonNullable<DeskConfig['marketData']>): Promise<DeskSummary> {
    const { config, logger } = this.o;
    const clock = this.o.wallClock ?? new WallClock();
    const { CcxtExecutionAdapter, openCcxtVenue } = await liveAdapters();
    // Every venue is opened and checked before anything is written: a refusal leaves no trace.
    const venues = new Map<string, { exchange: Exchange; holdings: VenueHoldings; leverage: AppliedLeverage | null }>();
    for (const bot of config.bots) {
      const exchange = await openCcxtVenue(bot, this.o.env);
      const holdings = await checkVenueHoldings(bot, exchange);
      // Perps: the venue's leverage for the symbol is set to the bot's and read back (§8).
      const leverage = bot.market === 'perp' ? await applyVenueLeverage(bot, exchange, unifiedSymbol(bot)) : null;
      venues.set(bot.id, { exchange, holdings, leverage });
    }
    // Read before anything is written, like the venues: a damaged file refuses the start.
    const daily = new FileDailyStateStore(join(this.o.varDir, 'state'));
    for (const bot of config.bots) await daily.get(bot.id, clock.now());
    const { jsonl, log, writer } = await this.openStore();
    // Shadow execution (execution.parity_interval_s): each bot's paper model beside its venue orders.
    const shadows = await ShadowDesk.open({
      varDir: this.o.varDir, clock, logger, tradePollMs: md.bookPollMs, snapshotIntervalMs: config.runtime.snapshotIntervalS * 1000,
      flushEvery: config.runtime.flushEvery, flushIntervalMs: config.runtime.flushIntervalMs, liveSource: jsonl === null ? 'live (event sink)' : join(this.o.varDir, 'events'),
    }, config.bots);
    const bus = this.o.bus ?? new InProcessBus();
    const adapters: CcxtExecutionAdapter[] = [];
    const byId = new Map<string, BotRuntime>();
    const books: LiveBot[] = [];
    const start = clock.now();
    this.progress = { nowMs: start, startMs: start, endMs: start + (this.o.durationS ?? 0) * 1000, messages: 0, totalMessages: 0 };
    for (const bot of config.bots) {
      const { exchange, holdings, leverage } = venues.get(bot.id) as { exchange: Exchange; holdings: VenueHoldings; leverage: AppliedLeverage | null };
      const funding = bot.market === 'perp' ? new VenueFunding({ botId: bot.id, exchange, symbol: unifiedSymbol(bot), sinceMs: start, pollMs: bot.execution.fundingPollS * 1000, clock, logger }) : null;
      const account = createHash('sha256').update(`${bot.venue}:${bot.market}:${bot.execution.url ?? ''}:${exchange.apiKey}`).digest('hex').slice(0, 16);
      const limiter = rateLimiterFor(account, () => new TokenBucket({ capacity: bot.execution.rateLimitPerS, refillPerSec: bot.execution.rateLimitPerS, clock }));
      this.o.metrics?.watchRateLimiter(account, () => limiter.remaining);
      const holder: { runtime: BotRuntime | null } = { runtime: null };
      const adapter = new CcxtExecutionAdapter({
        exchange, rules: bot.instrument, clock, limiter, pollIntervalMs: bot.execution.pollIntervalMs,
        owns: (id) => ownsClientOrderId(bot.id, id),
        onFault: (message, error) => logger.warn({ err: error, bot: bot.id }, message),
        onFatal: (e) => {
          // Bad credentials, permissions or a suspended account: nothing this bot does can work.
          logger.error({ bot: bot.id, reason: e.reason, error: e.message }, 'venue: fatal error; the bot HARD_STOPs');
          log.append(`venue.${bot.id}`, { type: 'venue.fatal', ts: clock.now(), botId: bot.id, payload: { reason: e.reason, message: e.message } });
          if (holder.runtime !== null && holder.runtime.commandRefusal() === null) holder.runtime.command({ type: 'kill' });
        },
      });
      adapters.push(adapter);
      // The day's counters survive a restart on the same UTC day: a restart never resets a loss limit.
      const day = await daily.get(bot.id, clock.now());
      if (day !== null) {
        log.append(deskProducerOf(this.o.name), { type: 'day.restored', ts: clock.now(), botId: bot.id, payload: { ...day } });
        logger.info({ bot: bot.id, dayStartMs: day.dayStartMs, equityOpen: day.equityOpen }, 'day counters restored');
      }
      holder.runtime = this.makeRuntime(bot, clock, shadows?.wrap(bot, exchange, adapter) ?? adapter, shadows?.tap(log) ?? log, bus, clock, {
        day,
        ...(funding === null ? {} : { funding }),
        onDayState: (d) => void daily.put(bot.id, d).catch((e: unknown) => logger.warn({ err: e, bot: bot.id }, 'day counters not persisted')),
      });
      byId.set(bot.id, holder.runtime);
      books.push({ bot, runtime: holder.runtime, exchange, adapter, holdings, leverage, funding });
    }
    const commands = startCommandHandler({ bus, bots: byId, log, wallClock: clock, eventClock: clock, mode: this.o.commandMode ?? 'exclusive', ...(this.o.killSwitch ? { killSwitch: this.o.killSwitch } : {}), ...(this.o.name !== undefined ? { producer: `desk.commands.${this.o.name}` } : {}) });
    const deskProducer = deskProducerOf(this.o.name);
    const startEvent = log.append(deskProducer, {
      type: 'desk.started',
      ts: clock.now(),
      payload: { config: this.o.configName, seed: null, speed: 'live', bots: config.bots.map((b) => b.id), messages: 0 },
    });
    logger.info({ bots: config.bots.map((b) => b.id), venues: config.bots.map((b) => b.execution.url ?? b.venue) }, 'desk started (live)');
    const recons: (Reconciliation | null)[] = [];
    for (const b of books) recons.push(await this.prepareLiveBot(b, log, clock));
    for (const b of this.bots) b.start();
    for (const a of adapters) a.start();
    shadows?.start();
    books.forEach((b, i) => recons[i]?.start(b.bot.execution.reconIntervalS * 1000));
    this.o.onLoaded?.(0);
    const feeds = books.map(({ bot, runtime, exchange }) =>
      venueBook$(exchange, unifiedSymbol(bot), md.bookPollMs, { now: () => clock.now(), onError: (e) => logger.warn({ err: e, bot: bot.id }, 'venue book read failed') }).subscribe((top) => {
        this.progress.nowMs = clock.now();
        this.progress.messages += 1;
        runtime.onBook(top);
        shadows?.onBook(bot.id, top);
      }),
    );
    const endAt = this.o.durationS === undefined ? Infinity : start + this.o.durationS * 1000;
    while (this.stopRequested === null && clock.now() < endAt) await sleep(Math.min(100, Math.max(1, endAt - clock.now())));
    const endedBy: StopReason = this.stopRequested ?? 'duration';
    for (const r of recons) r?.stop();
    for (const f of feeds) f.unsubscribe();
    await this.finish({ endedBy, commands, adapters, log, jsonl, writer, bus, clock, deskProducer, startEventId: startEvent.eventId });
    await shadows?.stop(endedBy); // the bots' last cancels are mirrored; then the final parity report
    return {
      schemaVersion: 1,
      config: this.o.configName,
      seed: null,
      dataStart: new Date(start).toISOString(),
      dataEnd: new Date(clock.now()).toISOString(),
      messages: this.progress.messages,
      endedBy,
      events: log.count,
      bots: this.bots.map((b) => b.summary()),
    };
  }

  /**
   * A live bot's startup, before it quotes: the balance check audited (`recon.startup`), its fee
   * rates resolved (`venue.fees`), the orphans of an earlier run cancelled or adopted
   * (`venue.orphan`); returns its scheduled reconciliation (null when `recon_interval_s` is 0).
   */
  private async prepareLiveBot(b: LiveBot, log: EventLog, clock: Clock): Promise<Reconciliation | null> {
    const { bot, runtime, exchange, adapter, holdings, leverage, funding } = b;
    const { logger } = this.o;
    const { ccxtVenueReads } = await liveAdapters(); // already loaded by runLive: a cache hit
    const symbol = unifiedSymbol(bot);
    const owns = (id: string): boolean => ownsClientOrderId(bot.id, id);
    auditHoldings(log, bot.id, clock.now(), holdings);
    if (leverage !== null) auditLeverage(log, bot.id, clock, leverage, bot.strategy.maxLeverage.toFixed());
    // The first rate and payments are read before the bot quotes; then every funding_poll_s.
    if (funding !== null) {
      await funding.catchUp();
      funding.start();
    }
    await resolveFees({
      botId: bot.id, exchange, symbol, venue: bot.venue, market: bot.market,
      feeSource: bot.execution.feeSource, project: this.o.config.venueFees,
      manual: { maker: bot.strategy.makerFeePct, taker: bot.strategy.takerFeePct },
      log, clock, logger,
    });
    await scanOrphans({ botId: bot.id, adapter, policy: bot.execution.orphanPolicy, owns, log, clock, logger });
    if (bot.execution.reconIntervalS === 0) return null;
    const { base, quote } = bot.instrument;
    return liveReconciliation({
      botId: bot.id, symbol, base, quote, reads: ccxtVenueReads(exchange, symbol, bot.market === 'perp' ? { base, quote } : undefined), runtime, adapter, owns,
      venueAtStart: holdings.venue, ledgerAtStart: { base: bot.account.startBase, quote: bot.account.startQuote },
      ...(bot.market === 'perp' ? { perp: true } : {}),
      ...(funding === null ? {} : { funding }),
      // A balance change below one lot (base) or a cent (quote) is rounding, not a discrepancy.
      dust: { [base]: bot.instrument.lotStep, [quote]: new Decimal('0.01') },
      varDir: this.o.varDir, log, clock, logger,
    });
  }

  /** The event store: the given sink (JetStream) or JSONL files under `<varDir>/events`. */
  private async openStore(): Promise<{ jsonl: JsonlWriter | null; log: EventLog; writer: DeskEventSink }> {
    if (this.o.sink !== undefined) {
      this.writer = this.o.sink.target;
      return { jsonl: null, log: createEventLog(this.o.sink.target, this.o.sink.seqState), writer: this.o.sink.target };
    }
    const eventsDir = join(this.o.varDir, 'events');
    const jsonl = createJsonlWriter({ dir: eventsDir, flushEvery: this.o.config.runtime.flushEvery, flushIntervalMs: this.o.config.runtime.flushIntervalMs });
    this.writer = jsonl;
    return { jsonl, log: createEventLog(jsonl, await recoverSeqState(eventsDir)), writer: jsonl };
  }

  /** One bot's runtime over `adapter`, with its telemetry on the bus (desk.bot.<id>.snapshot|fill). */
  private makeRuntime(bot: BotConfig, clock: Clock, adapter: ExecutionAdapter, log: EventLog, bus: Bus, wall: Clock, extra: Partial<Pick<BotRuntimeOptions, 'day' | 'onDayState' | 'funding'>> = {}): BotRuntime {
    const { config, logger } = this.o;
    const runtime = new BotRuntime({
      bot, clock, adapter, log,
      tickIntervalMs: config.runtime.tickIntervalMs,
      snapshotIntervalMs: config.runtime.snapshotIntervalS * 1000,
      restartPolicy: RESTART_POLICY,
      ...(this.o.metrics ? { metrics: this.o.metrics } : {}),
      ...(this.o.inspectFor ? { inspect: this.o.inspectFor(bot.id) } : this.o.inspect ? { inspect: this.o.inspect } : {}),
      onFault: (message, error) => logger.warn({ err: error }, message),
      ...(this.o.botOptions ? this.o.botOptions(bot) : {}),
      ...extra,
    });
    this.bots.push(runtime);
    this.o.onBotReady?.(runtime, adapter);
    runtime.telemetry$.subscribe((view) => bus.publish(botSubject(bot.id, 'snapshot'), { ...view, ts: clock.now(), risk: { ...runtime.riskSnapshot(wall.now()) } }));
    runtime.fills$.subscribe((f) => bus.publish(botSubject(bot.id, 'fill'), { botId: bot.id, ts: f.ts, clientOrderId: f.clientOrderId, side: f.side, price: f.price.toFixed(), amount: f.amount.toFixed(), fee: f.fee.toFixed(), feeAsset: f.feeAsset, liquidity: f.liquidity, remaining: f.remaining.toFixed() }));
    return runtime;
  }

  /** Clean stop: each bot cancels its orders and records a final snapshot; then the store flushes. */
  private async finish(s: {
    endedBy: StopReason; commands: { stop(): void }; adapters: readonly ExecutionAdapter[]; log: EventLog; jsonl: JsonlWriter | null; writer: DeskEventSink; bus: Bus; clock: Clock; deskProducer: string; startEventId: string;
  }): Promise<void> {
    s.commands.stop();
    for (const b of this.bots) await b.stop(s.endedBy);
    await yieldToLoop(); // lets cancel/ack promise handlers settle before the venues close
    for (const a of s.adapters) await a.close();
    s.log.append(s.deskProducer, {
      type: 'desk.stopped',
      ts: s.clock.now(),
      correlationId: s.startEventId,
      causationId: s.startEventId,
      payload: { endedBy: s.endedBy, messages: this.progress.messages, openOrders: this.bots.reduce((n, b) => n + b.openOrderCount, 0) },
    });
    if (s.jsonl !== null) await s.jsonl.close();
    else await s.writer.flush();
    if (this.o.bus === undefined) await s.bus.close();
    this.o.logger.info({ endedBy: s.endedBy, events: s.log.count }, 'desk stopped');
  }

  private paperFor(bot: BotConfig, clock: VirtualClock): PaperExecutionAdapter {
    const paper = this.o.seed === undefined ? bot.paper : { ...bot.paper, seed: this.o.seed };
    return new PaperExecutionAdapter({
      clock,
      rules: bot.instrument,
      config: paper,
      balances: { [bot.instrument.base]: bot.account.startBase, [bot.instrument.quote]: bot.account.startQuote },
    });
  }
}

