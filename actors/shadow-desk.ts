/**
 * Shadow execution for the live desk: for every ccxt bot with `execution.parity_interval_s` > 0,
 * a `ShadowVenue` (the bot's paper model) fed the venue books the bot reads, the venue's public
 * trades (read every book poll, shadow-trades.ts) and — through the `ShadowedExecutionAdapter`
 * the bot is given instead of its venue adapter — every order decision it sends. The shadows
 * write to their own JSONL store, `<var>/shadow/events`, in the paper desk's event types under the
 * bots' ids, so `desk parity --a <var> --b <var>/shadow` compares the two.
 *
 * Every parity interval (the smallest of the shadowed bots'; also the window length) and at stop,
 * the desk's parity of live vs shadow is written (shadow-parity.ts). A FAIL is a warning in the
 * log: it never pauses a bot — parity is evidence for the promotion gates, not a risk control.
 */
import { join } from 'node:path';
import type { Exchange } from 'ccxt';
import type { ExecutionAdapter } from '../adapters/execution/types.ts';
import { createJsonlWriter, type JsonlWriter } from '../adapters/store/jsonl-writer.ts';
import { recoverSeqState } from '../adapters/store/recover.ts';
import { unifiedSymbol } from '../adapters/venue/venue-config.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import type { BookTop } from '../domain/market/types.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Logger } from '../otel/logger.ts';
import { BotAccount } from './bot-account.ts';
import { createEventLog, type EventLog } from './event-log.ts';
import { ShadowedExecutionAdapter } from './shadow-execution.ts';
import { ParityEvidence } from './shadow-parity.ts';
import { ShadowRecorder } from './shadow-recorder.ts';
import { PublicTradeReader } from './shadow-trades.ts';
import { ShadowVenue } from './shadow-venue.ts';

export interface ShadowDeskOptions {
  readonly varDir: string;
  /** The live desk's (wall) clock. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often public trades are read (the desk's book poll). */
  readonly tradePollMs: number;
  /** A shadow `state.snapshot` every this many ms (the desk's snapshot interval). */
  readonly snapshotIntervalMs: number;
  readonly flushEvery: number;
  readonly flushIntervalMs: number;
  /** Names the live store in the reports. */
  readonly liveSource: string;
}

interface Shadow {
  readonly bot: BotConfig;
  readonly venue: ShadowVenue;
  readonly reader: PublicTradeReader;
  cancelTimer: (() => void) | null;
  reading: Promise<void> | null;
  failures: number;
}

/** A shadow releases no later than this far behind the clock, even while trade reads fail. */
const maxLagMs = (pollMs: number): number => Math.max(5000, 10 * pollMs);

/** Whether `bot` runs with a shadow. */
export const shadowed = (bot: BotConfig): boolean => bot.execution.kind === 'ccxt' && bot.execution.parityIntervalS > 0;

export class ShadowDesk {
  private readonly shadows = new Map<string, Shadow>();
  private stopped = false;
  private cancelParity: (() => void) | null = null;
  private reporting: Promise<void> = Promise.resolve();

  private constructor(
    private readonly o: ShadowDeskOptions,
    private readonly evidence: ParityEvidence,
    private readonly intervalMs: number,
    private readonly writer: JsonlWriter,
    private readonly log: EventLog,
  ) {}

  /** The shadow store and the parity evidence, when a bot of `bots` is shadowed; null otherwise. */
  static async open(o: ShadowDeskOptions, bots: readonly BotConfig[]): Promise<ShadowDesk | null> {
    const mine = bots.filter(shadowed);
    if (mine.length === 0) return null;
    const intervalMs = Math.min(...mine.map((b) => b.execution.parityIntervalS)) * 1000;
    const dir = join(o.varDir, 'shadow', 'events');
    const evidence = new ParityEvidence(new Set(mine.map((b) => b.id)), { varDir: o.varDir, windowMs: intervalMs, sources: { live: o.liveSource, shadow: dir } });
    const writer = createJsonlWriter({ dir, flushEvery: o.flushEvery, flushIntervalMs: o.flushIntervalMs });
    const log = evidence.tap(createEventLog(writer, await recoverSeqState(dir)), 'shadow');
    return new ShadowDesk(o, evidence, intervalMs, writer, log);
  }

  /** The bot's event log, its parity evidence kept as it is appended. */
  tap(log: EventLog): EventLog {
    return this.evidence.tap(log, 'live');
  }

  /** The adapter the bot is given: its venue adapter, decorated with its shadow when it has one. */
  wrap(bot: BotConfig, exchange: Exchange, venue: ExecutionAdapter): ExecutionAdapter {
    if (!shadowed(bot)) return venue;
    const { clock, logger } = this.o;
    const onFault = (message: string, error: unknown): void => logger.warn({ err: error, bot: bot.id }, message);
    const account = new BotAccount(bot.instrument, bot.account.startBase, bot.account.startQuote, bot.market === 'perp' ? { leverage: bot.strategy.leverage } : null);
    // The recorder stamps events with the shadow's time (read only once both exist).
    const venueShadow: ShadowVenue = new ShadowVenue({
      rules: bot.instrument, paper: bot.paper, startBase: bot.account.startBase, startQuote: bot.account.startQuote, clock,
      recorder: new ShadowRecorder({ botId: bot.id, symbol: bot.instrument.symbol, log: this.log, now: () => venueShadow.now(), account }),
      snapshotIntervalMs: this.o.snapshotIntervalMs, onFault,
    });
    const reader = new PublicTradeReader(exchange, unifiedSymbol(bot), { now: () => clock.now() });
    this.shadows.set(bot.id, { bot, venue: venueShadow, reader, cancelTimer: null, reading: null, failures: 0 });
    return new ShadowedExecutionAdapter(venue, venueShadow, onFault);
  }

  /** A book the bot read: its shadow gets it too. */
  onBook(botId: string, top: BookTop): void {
    this.shadows.get(botId)?.venue.onBook(top);
  }

  /** Starts the shadows, their trade reads and the parity timer. */
  start(): void {
    for (const s of this.shadows.values()) {
      s.venue.start();
      this.schedule(s, 0);
    }
    const arm = (at: number): void => {
      this.cancelParity = this.o.clock.setTimer(at, () => {
        this.report();
        arm(at + this.intervalMs);
      });
    };
    arm(this.o.clock.now() + this.intervalMs);
  }

  /** After the bots stopped: the last trades read, every shadow drained and stopped, the store closed, the final report written. */
  async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelParity?.();
    for (const s of this.shadows.values()) {
      s.cancelTimer?.();
      await s.reading;
      await this.readTrades(s).catch(() => undefined);
      s.venue.drain();
      await s.venue.stop(reason);
    }
    await this.writer.close().catch((e: unknown) => this.o.logger.warn({ err: e }, 'shadow: event store not closed cleanly'));
    this.report();
    await this.reporting;
  }

  private schedule(s: Shadow, inMs: number): void {
    if (this.stopped) return;
    s.cancelTimer = this.o.clock.setTimer(this.o.clock.now() + inMs, () => {
      s.reading = this.poll(s);
    });
  }

  private async poll(s: Shadow): Promise<void> {
    let again = false;
    try {
      again = await this.readTrades(s);
      if (s.failures > 0) this.o.logger.info({ bot: s.bot.id, failures: s.failures }, 'shadow: public trades read again');
      s.failures = 0;
    } catch (e) {
      if (s.failures++ === 0) this.o.logger.warn({ err: e, bot: s.bot.id }, 'shadow: public trades read failed (the shadow waits for them, at most a few seconds)');
      s.venue.release(this.o.clock.now() - maxLagMs(this.o.tradePollMs));
    }
    s.reading = null;
    this.schedule(s, again ? 0 : this.o.tradePollMs);
  }

  /** One page of public trades into the shadow, which then runs up to when they are complete; true when there may be more. */
  private async readTrades(s: Shadow): Promise<boolean> {
    const batch = await s.reader.read();
    for (const t of batch.trades) s.venue.onTrade(t);
    s.venue.release(batch.upTo);
    return batch.full;
  }

  /** Writes the parity report (one at a time); FAIL is a warning, never a pause. */
  private report(): void {
    const run = async (): Promise<void> => {
      try {
        const { report, files } = await this.evidence.write(this.o.clock.now());
        const fields = { status: report.status, report: files[0], failures: report.failures.slice(0, 5), findings: report.findings.map((f) => f.message).slice(0, 5) };
        if (report.status === 'PASS') this.o.logger.info(fields, 'parity: live and shadow agree');
        else this.o.logger.warn(fields, report.status === 'FAIL' ? 'parity: live and shadow disagree (a warning: the bot keeps trading; parity is promotion evidence)' : 'parity: live and shadow not comparable yet');
      } catch (e) {
        this.o.logger.warn({ err: e }, 'parity: report not written');
      }
    };
    this.reporting = this.reporting.then(run);
  }
}
