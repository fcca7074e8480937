/**
 * The perpetual simulator's funding schedule: one rate for every market (changeable at run time,
 * `PUT /__sim/funding`) and an interval; settlements fall at whole multiples of the interval
 * since the epoch on the simulator's clock (8 h by default: 00:00, 08:00, 16:00 UTC, as on
 * Binance and Bitget). The schedule only says which settlement times are due; the account
 * (perp-account.ts) books them.
 */
import { Decimal } from '../domain/money/decimal.ts';

export const DEFAULT_FUNDING_RATE = '0.0001';
export const DEFAULT_FUNDING_INTERVAL_S = 28_800;

export interface FundingOptions {
  /** Rate per period (a decimal string; default 0.0001). Positive: longs pay shorts. */
  readonly rate?: string;
  /** Seconds between settlements (default 28,800 = 8 h). */
  readonly intervalS?: number;
}

export class FundingSchedule {
  private rateNow: Decimal;
  readonly intervalMs: number;
  /** The last settlement time booked (or passed over at start). */
  private last: number;

  constructor(o: FundingOptions, now: number) {
    this.rateNow = parseFundingRate(o.rate ?? DEFAULT_FUNDING_RATE, 'rate');
    const s = o.intervalS ?? DEFAULT_FUNDING_INTERVAL_S;
    if (!Number.isInteger(s) || s < 1) throw new RangeError(`--funding-interval-s: expected a whole number of seconds ≥ 1, got ${s}`);
    this.intervalMs = s * 1000;
    // A settlement that fell before the simulator started is not charged.
    this.last = Math.floor(now / this.intervalMs) * this.intervalMs;
  }

  get rate(): Decimal {
    return this.rateNow;
  }

  set rate(r: Decimal) {
    this.rateNow = r;
  }

  /** The first settlement time after `now`. */
  next(now: number): number {
    return (Math.floor(now / this.intervalMs) + 1) * this.intervalMs;
  }

  /** Settlement times due by `now` and not yet taken, oldest first; taking them marks them done. */
  takeDue(now: number): number[] {
    const out: number[] = [];
    while (this.last + this.intervalMs <= now) {
      this.last += this.intervalMs;
      out.push(this.last);
    }
    return out;
  }
}

/** A funding rate: a decimal with |rate| < 1 (`field` names it in the error). */
export function parseFundingRate(text: unknown, field: string): Decimal {
  if (typeof text !== 'string' && typeof text !== 'number') throw new RangeError(`${field}: expected a decimal string such as "0.0001", got ${JSON.stringify(text)}`);
  const s = String(text).trim();
  if (!/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(s)) throw new RangeError(`${field}: expected a decimal such as "0.0001", got ${JSON.stringify(text)}`);
  const r = new Decimal(s);
  if (r.abs().gte(1)) throw new RangeError(`${field}: expected a rate between -1 and 1 (0.0001 = 0.01%), got ${s}`);
  return r;
}
