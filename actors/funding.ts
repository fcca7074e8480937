/**
 * Where a perp bot's funding comes from: the current rate (the controller's edge model prices it,
 * strategy-epp §4) and the payments settled since the last tick (booked in the bot's ledger and
 * day counters). The paper desk computes payments from its configured rate at every settlement
 * time; the live desk reads the venue's funding history (actors/venue-funding.ts).
 */
import { fundingPayment, fundingSettlements } from '../domain/accounting/perp.ts';
import type { Decimal } from '../domain/money/decimal.ts';

/** One funding settlement of the bot's position (positive = paid). */
export interface FundingPaymentRecord {
  /** Unique per bot and settlement (the venue's id, or the settlement time on paper). */
  readonly id: string;
  readonly ts: number;
  /** The rate applied, when known. */
  readonly rate: Decimal | null;
  /** Quote paid (+) or received (−). */
  readonly amount: Decimal;
  /** The mark it was settled at, when known. */
  readonly mark: Decimal | null;
}

export interface FundingFeed {
  /** The current funding rate per period, or null when unknown. */
  rate(): Decimal | null;
  /**
   * Settlements up to `now` not returned before, oldest first. `position` and `mark` are the
   * bot's now (the paper feed settles on them; a venue feed reports what the venue charged).
   */
  due(now: number, position: Decimal, mark: Decimal | null): readonly FundingPaymentRecord[];
  /** Releases timers (a venue feed polls). */
  stop(): void;
}

export interface PaperFundingOptions {
  /** Rate per settlement (e.g. 0.0001 = 0.01% per 8 h). */
  readonly rate: Decimal;
  readonly intervalMs: number;
  /** Settlements after this time are charged; default: the first `due` call (the bot's first tick). */
  readonly fromMs?: number;
}

/** Paper funding: a fixed rate settled on the bot's position at every interval boundary. */
export class PaperFunding implements FundingFeed {
  private last: number | null;

  constructor(private readonly o: PaperFundingOptions) {
    this.last = o.fromMs ?? null;
  }

  rate(): Decimal {
    return this.o.rate;
  }

  due(now: number, position: Decimal, mark: Decimal | null): readonly FundingPaymentRecord[] {
    // Without a mark nothing can be priced yet: the settlement waits for the first one.
    if (this.last === null) this.last = now;
    if (mark === null || now <= this.last) return [];
    const times = fundingSettlements(this.last, now, this.o.intervalMs);
    this.last = now;
    return times.map((ts) => ({ id: `paper-${ts}`, ts, rate: this.o.rate, amount: fundingPayment(position, mark, this.o.rate), mark }));
  }

  stop(): void {}
}
