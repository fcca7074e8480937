/**
 * The reconciliation actor of one bot: reads the venue (`VenueReads`) and the bot's own books
 * (`LocalBook`), runs the pure `reconcile`, records every finding (`recon.finding`) and a
 * summary (`recon.completed`) in the event log, hands criticals to `onCritical` (the runtime
 * soft-pauses the bot there) and the report to `onReport` (e.g. the report writer). `start`
 * repeats it on the injected clock; runs never overlap.
 */
import type { JsonObject } from '../domain/events/envelope.ts';
import type { Decimal } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { type Finding, type ReconFill, type ReconOrder, type ReconPhase, type ReconThresholds, RECON_THRESHOLDS_V1, countBySeverity, reconcile } from '../domain/recon/index.ts';
import type { EventLog } from './event-log.ts';

type MaybePromise<T> = T | Promise<T>;

/** A venue trade, as reconciliation needs it. */
export type VenueTrade = ReconFill & { readonly orderId: string };

/** The venue reads reconciliation needs (one account, one symbol). */
export interface VenueReads {
  openOrders(): Promise<readonly ReconOrder[]>;
  /** Total (free + locked) per asset. */
  balances(): Promise<Readonly<Record<string, Decimal>>>;
  /** The account's trades on the symbol since `sinceMs`. */
  myTrades(sinceMs: number): Promise<readonly VenueTrade[]>;
}

/** The bot's own books. */
export interface LocalBook {
  /** Expected totals per asset; null ⇒ no expectation (the balance check is skipped). */
  expectedBalances(): MaybePromise<Readonly<Record<string, Decimal>> | null>;
  knownOpenOrders(): MaybePromise<readonly ReconOrder[]>;
  fills(sinceMs: number): MaybePromise<readonly ReconFill[]>;
  /** Client ids of venue orders the runtime adopted (optional). */
  adopted?(): MaybePromise<readonly string[]>;
}

export interface ReconReport {
  readonly thresholdsVersion: string;
  readonly ts: number;
  readonly bot: string;
  readonly symbol: string;
  readonly phase: ReconPhase;
  readonly sinceMs: number;
  readonly counts: { readonly warning: number; readonly critical: number; readonly total: number };
  readonly findings: readonly Finding[];
}

export interface ReconciliationOptions {
  readonly botId: string;
  readonly symbol: string;
  readonly venue: VenueReads;
  readonly local: LocalBook;
  readonly log: EventLog;
  readonly clock: Clock;
  /** How far back trades are compared (default 24 h). */
  readonly lookbackMs?: number;
  /** Phase of the first run (default `startup`); later runs are `runtime`. */
  readonly firstPhase?: ReconPhase;
  readonly assets?: readonly string[];
  readonly dust?: Readonly<Record<string, Decimal>>;
  readonly thresholds?: ReconThresholds;
  /** Called with a run's critical findings, when there are some. */
  readonly onCritical?: (findings: readonly Finding[]) => void;
  /** Called with every report (write it, publish it). */
  readonly onReport?: (report: ReconReport) => MaybePromise<void>;
  /** A run that failed (venue unreachable, …): the next run tries again. */
  readonly onError?: (error: unknown) => void;
}

export const RECON_PRODUCER = 'recon';
const DAY_MS = 86_400_000;

export class Reconciliation {
  private runs = 0;
  private cancel: (() => void) | null = null;
  private running: Promise<ReconReport> | null = null;

  constructor(private readonly o: ReconciliationOptions) {}

  /** One reconciliation; concurrent calls share the run in flight. */
  runOnce(): Promise<ReconReport> {
    if (this.running !== null) return this.running;
    this.running = this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** Runs every `intervalMs` on the clock, the first run one interval from now. Idempotent. */
  start(intervalMs: number): void {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs: expected > 0, got ${intervalMs}`);
    if (this.cancel !== null) return;
    const schedule = (): void => {
      this.cancel = this.o.clock.setTimer(this.o.clock.now() + intervalMs, () => {
        void this.runOnce()
          .catch((e: unknown) => this.o.onError?.(e))
          .finally(() => {
            if (this.cancel !== null) schedule();
          });
      });
    };
    schedule();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private async run(): Promise<ReconReport> {
    const o = this.o;
    const thresholds = o.thresholds ?? RECON_THRESHOLDS_V1;
    const phase: ReconPhase = this.runs === 0 ? (o.firstPhase ?? 'startup') : 'runtime';
    const sinceMs = o.clock.now() - (o.lookbackMs ?? DAY_MS);
    const [venueOrders, venueBalances, venueTrades] = await Promise.all([o.venue.openOrders(), o.venue.balances(), o.venue.myTrades(sinceMs)]);
    const [localBalances, localOrders, localFills, adopted] = await Promise.all([o.local.expectedBalances(), o.local.knownOpenOrders(), o.local.fills(sinceMs), o.local.adopted?.() ?? []]);
    this.runs += 1;
    const findings = reconcile(
      {
        venue: { balances: venueBalances, openOrders: venueOrders, fills: venueTrades },
        local: { balances: localBalances, openOrders: localOrders, fills: localFills },
        phase, sinceMs, adopted,
        ...(o.assets !== undefined ? { assets: o.assets } : {}),
        ...(o.dust !== undefined ? { dust: o.dust } : {}),
      },
      thresholds,
    );
    const ts = o.clock.now();
    const c = countBySeverity(findings);
    const report: ReconReport = { thresholdsVersion: thresholds.version, ts, bot: o.botId, symbol: o.symbol, phase, sinceMs, counts: { ...c, total: findings.length }, findings };
    // Findings first, then the summary; the run's first event starts the chain the rest join.
    let correlationId: string | undefined;
    const append = (type: string, payload: JsonObject): void => {
      const e = o.log.append(RECON_PRODUCER, { type, ts, botId: o.botId, payload, ...(correlationId !== undefined ? { correlationId } : {}) });
      correlationId ??= e.correlationId;
    };
    for (const f of findings) append('recon.finding', { ...f, symbol: o.symbol });
    append('recon.completed', { symbol: o.symbol, phase, thresholdsVersion: thresholds.version, sinceMs, warning: c.warning, critical: c.critical, total: findings.length, venueOrders: venueOrders.length, venueTrades: venueTrades.length });
    const critical = findings.filter((f) => f.severity === 'critical');
    if (critical.length > 0) o.onCritical?.(critical);
    await o.onReport?.(report);
    return report;
  }
}
