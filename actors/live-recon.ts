/**
 * The live desk's scheduled reconciliation of one ccxt bot: a `Reconciliation` over the venue
 * (`ccxtVenueReads`) and the bot's runtime, every `execution.recon_interval_s`. A run with a
 * critical finding holds the bot soft-paused (reason `reconciliation`); the next run without
 * one lifts the hold. Every report goes to `<varDir>/reports/reconciliation/latest.json`.
 *
 * What is compared, for the bot's own share of a possibly shared account:
 * - open orders and trades whose client id carries the bot's prefix (plus trades of orders the
 *   venue cannot name — a phantom is everyone's problem); others' orders and trades are not the
 *   bot's business;
 * - balance *changes since the bot started*: the venue's (base, quote) change against the change
 *   the bot's ledger booked. The venue's balance is read twice, around the trade list; when the
 *   two reads differ the account moved mid-run and the balance check is skipped for that run
 *   (no finding either way). The local change leaves out the bot's fills newer than the first
 *   read that the venue's trade list did not have yet, so a fill landing mid-run is not a
 *   discrepancy. Before the local side is read the adapter polls once more, so every trade the
 *   venue listed has reached the bot if it ever will.
 */
import type { CcxtExecutionAdapter } from '../adapters/execution/ccxt.ts';
import { writeReconReport } from '../adapters/recon/report.ts';
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { balanceChanges, fillDeltas } from '../domain/recon/index.ts';
import type { Logger } from '../otel/logger.ts';
import type { BotRuntime } from './bot-runtime.ts';
import type { EventLog } from './event-log.ts';
import { type LocalBook, Reconciliation, type VenueReads, type VenueTrade } from './reconciliation.ts';

export interface LiveReconOptions {
  readonly botId: string;
  /** Unified symbol, e.g. `BTC/USDT`. */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly reads: VenueReads;
  readonly runtime: Pick<BotRuntime, 'setHold' | 'holding' | 'bookedFills' | 'knownOpenOrders' | 'ledgerHoldings'>;
  readonly adapter: Pick<CcxtExecutionAdapter, 'catchUp' | 'adoptedOpen'>;
  readonly owns: (clientOrderId: string) => boolean;
  /** The venue's balances when the bot started (the startup check's read). */
  readonly venueAtStart: Readonly<Record<string, Decimal>>;
  /** The bot's holdings when it started (`paper.start_base`, `start_quote`). */
  readonly ledgerAtStart: { readonly base: Decimal; readonly quote: Decimal };
  readonly dust: Readonly<Record<string, Decimal>>;
  /**
   * Perps: the balances are the wallet (quote) and the signed position (base). A fill moves the
   * wallet only by its fee and realized PnL, which a fill the venue has not reflected yet does
   * not say, so a run with such fills skips the balance check instead of guessing.
   */
  readonly perp?: boolean;
  /** Perps: the venue funding feed, caught up before the ledger is read; `pending` = fetched, not booked yet. */
  readonly funding?: { catchUp(): Promise<void>; pending(): Decimal };
  /** The desk's root: reports go to `<varDir>/reports/reconciliation/latest.json`. */
  readonly varDir: string;
  readonly log: EventLog;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface RunState {
  firstRead: Promise<Readonly<Record<string, Decimal>>> | null;
  firstReadAt: number;
  venueTradeIds: Set<string>;
}

/** Builds the bot's reconciliation; `start(intervalMs)` schedules it, `stop()` ends it. */
export function liveReconciliation(o: LiveReconOptions): Reconciliation {
  const assets = [o.base, o.quote];
  const run: RunState = { firstRead: null, firstReadAt: 0, venueTradeIds: new Set() };
  const mine = (clientOrderId: string | null): boolean => clientOrderId === null || o.owns(clientOrderId);

  const venue: VenueReads = {
    openOrders: async () => (await o.reads.openOrders()).filter((x) => o.owns(x.clientOrderId)),
    balances: async () => {
      run.firstReadAt = o.clock.now();
      run.firstRead = o.reads.balances();
      return balanceChanges(await run.firstRead, o.venueAtStart, assets);
    },
    myTrades: async (sinceMs: number): Promise<readonly VenueTrade[]> => {
      // After the first balance read: a trade it reflects is in this list.
      await run.firstRead?.catch(() => undefined);
      const trades = (await o.reads.myTrades(sinceMs)).filter((t) => mine(t.clientOrderId));
      run.venueTradeIds = new Set(trades.map((t) => t.tradeId));
      return trades;
    },
  };

  const local: LocalBook = {
    expectedBalances: async () => {
      const first = run.firstRead === null ? null : await run.firstRead;
      const second = await o.reads.balances();
      if (first === null || assets.some((a) => (first[a] ?? ZERO).eq(second[a] ?? ZERO) === false)) {
        o.logger.debug({ bot: o.botId }, 'reconciliation: the account moved during the read; balance check skipped this run');
        return null;
      }
      await o.adapter.catchUp();
      await o.funding?.catchUp();
      const held = o.runtime.ledgerHoldings();
      // Fills the venue's balance could not reflect yet: newer than its read and not in its trade list.
      const unseen = o.runtime.bookedFills(run.firstReadAt).filter((f) => !run.venueTradeIds.has(f.tradeId));
      if (o.perp === true && unseen.length > 0) {
        o.logger.debug({ bot: o.botId, unseen: unseen.length }, 'reconciliation: perp fills newer than the venue read; balance check skipped this run');
        return null;
      }
      const adjust = o.perp === true ? {} : fillDeltas(unseen, o.base, o.quote);
      // Funding the venue settled and the feed fetched, but the bot books on its next tick.
      const pendingFunding = o.funding?.pending() ?? ZERO;
      return {
        [o.base]: held.base.minus(o.ledgerAtStart.base).minus(adjust[o.base] ?? 0),
        [o.quote]: held.quote.minus(o.ledgerAtStart.quote).minus(adjust[o.quote] ?? 0).minus(pendingFunding),
      };
    },
    knownOpenOrders: () => o.runtime.knownOpenOrders(),
    fills: async (sinceMs) => {
      await o.adapter.catchUp();
      // Fills newer than the venue's read that its list lacks are too new to judge.
      return o.runtime.bookedFills(sinceMs).filter((f) => run.venueTradeIds.has(f.tradeId) || f.ts < run.firstReadAt);
    },
    adopted: () => o.adapter.adoptedOpen(),
  };

  return new Reconciliation({
    botId: o.botId,
    symbol: o.symbol,
    venue,
    local,
    log: o.log,
    clock: o.clock,
    firstPhase: 'runtime', // the startup orphan scan already dealt with the orders left from before
    assets,
    dust: o.dust,
    onCritical: (findings) => {
      if (!o.runtime.holding('reconciliation')) o.logger.warn({ bot: o.botId, critical: findings.map((f) => `${f.check} ${f.subject}`) }, 'reconciliation: critical findings; the bot soft-pauses until a clean run');
      o.runtime.setHold('reconciliation', true);
    },
    onReport: async (report) => {
      if (report.counts.critical === 0 && o.runtime.holding('reconciliation')) {
        o.logger.info({ bot: o.botId }, 'reconciliation: clean run; the hold is lifted');
        o.runtime.setHold('reconciliation', false);
      }
      await writeReconReport(o.varDir, report);
    },
    onError: (e) => o.logger.warn({ err: e, bot: o.botId }, 'reconciliation run failed; the next run tries again'),
  });
}
