/**
 * A live perp bot's funding, read from its venue through ccxt: the current rate
 * (`fetchFundingRate`, priced by the edge model) and the payments the venue settled on the
 * account (`fetchFundingHistory` since the bot started, each booked once by the venue's id).
 * ccxt reports a payment as income (negative when the account paid); the desk's sign is the
 * opposite (positive = paid), as in the ledger.
 *
 * Polled every `pollMs` and on `catchUp()` (reconciliation calls it before it reads the bot's
 * ledger, so a settlement the venue booked is in both). A failed read is logged and retried at
 * the next poll; the last rate is kept meanwhile.
 */
import type { Exchange } from 'ccxt';
import { Decimal } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Logger } from '../otel/logger.ts';
import type { FundingFeed, FundingPaymentRecord } from './funding.ts';

export interface VenueFundingOptions {
  readonly botId: string;
  readonly exchange: Pick<Exchange, 'fetchFundingRate' | 'fetchFundingHistory'>;
  /** Unified symbol, e.g. `BTC/USDT:USDT`. */
  readonly symbol: string;
  /** Payments settled before this time are not the bot's (it did not hold the position then). */
  readonly sinceMs: number;
  readonly pollMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

const dec = (x: unknown): Decimal | null => (typeof x === 'number' && Number.isFinite(x) ? new Decimal(String(x)) : null);

export class VenueFunding implements FundingFeed {
  private current: Decimal | null = null;
  private readonly seen = new Set<string>();
  private queue: FundingPaymentRecord[] = [];
  private cancel: (() => void) | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: VenueFundingOptions) {}

  /** Reads every `pollMs` from now on (the desk reads once with `catchUp` before the bot quotes). */
  start(): void {
    this.schedule();
  }

  rate(): Decimal | null {
    return this.current;
  }

  due(): readonly FundingPaymentRecord[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** Funding fetched but not yet returned by `due` (positive = paid). */
  pending(): Decimal {
    return this.queue.reduce((a, p) => a.plus(p.amount), new Decimal(0));
  }

  /** Reads the venue now (joins a read in flight). */
  catchUp(): Promise<void> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.o.clock.setTimer(this.o.clock.now() + this.o.pollMs, () => {
      void this.catchUp().finally(() => this.schedule());
    });
  }

  private async poll(): Promise<void> {
    const { exchange, symbol, botId, logger } = this.o;
    try {
      const r = await exchange.fetchFundingRate(symbol);
      const rate = dec(r.fundingRate);
      if (rate !== null) this.current = rate;
    } catch (e) {
      logger.warn({ err: e, bot: botId }, 'venue funding: the rate read failed (the last rate is kept)');
    }
    try {
      const xs = await exchange.fetchFundingHistory(symbol, this.o.sinceMs);
      const fresh = xs
        .filter((x) => x.id !== undefined && x.id !== null && !this.seen.has(String(x.id)) && (x.timestamp ?? 0) >= this.o.sinceMs && dec(x.amount) !== null)
        .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
      for (const x of fresh) {
        this.seen.add(String(x.id));
        this.queue.push({ id: String(x.id), ts: x.timestamp ?? this.o.clock.now(), rate: null, amount: (dec(x.amount) as Decimal).negated(), mark: null });
      }
    } catch (e) {
      logger.warn({ err: e, bot: botId }, 'venue funding: the payment history read failed (retried at the next poll)');
    }
  }
}
