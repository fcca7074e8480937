/**
 * Daily counters and their UTC rollover (strategy-epp §10): equity open/peak, traded notional,
 * fills, fees and funding roll over at 00:00 UTC. The counters serialize to plain JSON
 * (Decimals as strings) so the driver can persist them at least once a minute and restore them
 * on a restart within the same UTC day — a restart never resets a daily loss limit.
 */
import { type Decimal, ZERO, dec, dmax } from '../../money/decimal.ts';

export const DAY_MS = 86_400_000;

/** The counters of one UTC day. */
export interface DayCounters {
  /** 00:00 UTC of the day, epoch ms. */
  readonly dayStartMs: number;
  /** First equity seen on the day (null until one is seen). */
  readonly equityOpen: Decimal | null;
  /** Highest equity seen on the day. */
  readonly equityPeak: Decimal | null;
  readonly tradedNotionalQuote: Decimal;
  readonly fillCount: number;
  readonly feesQuote: Decimal;
  /** Funding paid (+) / received (−) in quote. */
  readonly fundingQuote: Decimal;
}

/** The JSON form of `DayCounters` (Decimals as strings). */
export interface DayCountersJson {
  readonly dayStartMs: number;
  readonly equityOpen: string | null;
  readonly equityPeak: string | null;
  readonly tradedNotionalQuote: string;
  readonly fillCount: number;
  readonly feesQuote: string;
  readonly fundingQuote: string;
}

/** 00:00 UTC of the day containing `ms`. */
export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Fresh counters for the UTC day containing `now`. */
export function dayInit(now: number): DayCounters {
  return { dayStartMs: utcDayStart(now), equityOpen: null, equityPeak: null, tradedNotionalQuote: ZERO, fillCount: 0, feesQuote: ZERO, fundingQuote: ZERO };
}

/** Rolls to `now`'s UTC day if it is a later day; `closed` is the finished day's counters. */
export function dayRoll(day: DayCounters, now: number): { readonly day: DayCounters; readonly closed: DayCounters | null } {
  if (utcDayStart(now) <= day.dayStartMs) return { day, closed: null };
  return { day: dayInit(now), closed: day };
}

/** Records an equity reading: the first of the day opens it, the highest is the peak. */
export function dayObserveEquity(day: DayCounters, equity: Decimal): DayCounters {
  const equityOpen = day.equityOpen ?? equity;
  const equityPeak = day.equityPeak === null ? equity : dmax(day.equityPeak, equity);
  if (equityOpen === day.equityOpen && equityPeak === day.equityPeak) return day;
  return { ...day, equityOpen, equityPeak };
}

/** Adds one fill: notional `price·amount` and its quote fee. */
export function dayApplyFill(day: DayCounters, price: Decimal, amount: Decimal, feeQuote: Decimal): DayCounters {
  return {
    ...day,
    tradedNotionalQuote: day.tradedNotionalQuote.plus(price.times(amount).abs()),
    fillCount: day.fillCount + 1,
    feesQuote: day.feesQuote.plus(feeQuote),
  };
}

/** Adds a funding payment (+ paid, − received). */
export function dayApplyFunding(day: DayCounters, paidQuote: Decimal): DayCounters {
  return paidQuote.isZero() ? day : { ...day, fundingQuote: day.fundingQuote.plus(paidQuote) };
}

/** Plain JSON for persistence. */
export function dayToJson(day: DayCounters): DayCountersJson {
  return {
    dayStartMs: day.dayStartMs,
    equityOpen: day.equityOpen?.toString() ?? null,
    equityPeak: day.equityPeak?.toString() ?? null,
    tradedNotionalQuote: day.tradedNotionalQuote.toString(),
    fillCount: day.fillCount,
    feesQuote: day.feesQuote.toString(),
    fundingQuote: day.fundingQuote.toString(),
  };
}

/** Parses persisted counters; RangeError naming the field when malformed. */
export function dayFromJson(json: DayCountersJson): DayCounters {
  if (!Number.isInteger(json.dayStartMs) || json.dayStartMs % DAY_MS !== 0) throw new RangeError(`day.dayStartMs: expected 00:00 UTC in ms, got ${String(json.dayStartMs)}`);
  if (!Number.isInteger(json.fillCount) || json.fillCount < 0) throw new RangeError(`day.fillCount: expected an integer ≥ 0, got ${String(json.fillCount)}`);
  const opt = (v: string | null, what: string): Decimal | null => (v === null ? null : dec(v, what));
  return {
    dayStartMs: json.dayStartMs,
    equityOpen: opt(json.equityOpen, 'day.equityOpen'),
    equityPeak: opt(json.equityPeak, 'day.equityPeak'),
    tradedNotionalQuote: dec(json.tradedNotionalQuote, 'day.tradedNotionalQuote'),
    fillCount: json.fillCount,
    feesQuote: dec(json.feesQuote, 'day.feesQuote'),
    fundingQuote: dec(json.fundingQuote, 'day.fundingQuote'),
  };
}

/**
 * The counters to start with after a restart at `now`: the persisted ones when they belong to
 * `now`'s UTC day, fresh ones otherwise (a stale day is not carried into a new one).
 */
export function dayRestore(persisted: DayCountersJson | null, now: number): DayCounters {
  if (persisted === null) return dayInit(now);
  const day = dayFromJson(persisted);
  return day.dayStartMs === utcDayStart(now) ? day : dayInit(now);
}

