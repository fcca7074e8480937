/**
 * Binance spot `GET /api/v3/klines` (what ccxt 4.5's `binance.fetchOHLCV` calls) over the public
 * trade tape (public-trades.ts): the tape's trades aggregated into bars of the interval, on the
 * venue's clock. Only the tape's retained trades (the latest few thousand per market) are
 * covered; older intervals have no bar.
 *
 * As Binance answers: rows `[openTime, open, high, low, close, volume, closeTime, quoteVolume,
 * trades, takerBuyBase, takerBuyQuote, "0"]` (decimals as strings), oldest first; an interval
 * with no trade after the first one is a zero-volume bar at the previous close; the current bar
 * is included while it is still open. `startTime`/`endTime` bound the open time (inclusive);
 * with a start the earliest `limit` bars are returned, else the latest.
 */
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import { binanceErr, mandatory } from './binance-auth.ts';
import type { PublicTrade, PublicTradeTape } from './public-trades.ts';
import type { SimResponse } from './server.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Binance's fixed-length intervals (`1M`, the calendar month, is handled apart). */
const FIXED: Readonly<Record<string, number>> = {
  '1s': S, '1m': M, '3m': 3 * M, '5m': 5 * M, '15m': 15 * M, '30m': 30 * M,
  '1h': H, '2h': 2 * H, '4h': 4 * H, '6h': 6 * H, '8h': 8 * H, '12h': 12 * H,
  '1d': D, '3d': 3 * D, '1w': 7 * D,
};
/** Weeks open on Monday; the epoch was a Thursday. */
const WEEK_OFFSET = 4 * D;

export const BINANCE_INTERVALS: readonly string[] = [...Object.keys(FIXED), '1M'];

/** The open time of the interval that holds `t`, and the next one's. */
export function bucketOf(interval: string, t: number): { open: number; next: number } {
  if (interval === '1M') {
    const d = new Date(t);
    return { open: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), next: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
  }
  const len = FIXED[interval];
  if (len === undefined) throw new RangeError(`unknown interval ${interval}`);
  const offset = interval === '1w' ? WEEK_OFFSET : 0;
  const open = Math.floor((t - offset) / len) * len + offset;
  return { open, next: open + len };
}

export interface Kline {
  readonly openTime: number;
  readonly closeTime: number;
  readonly open: Decimal;
  readonly high: Decimal;
  readonly low: Decimal;
  readonly close: Decimal;
  readonly volume: Decimal;
  readonly quoteVolume: Decimal;
  readonly trades: number;
  readonly takerBuyBase: Decimal;
  readonly takerBuyQuote: Decimal;
}

/**
 * Trades (oldest first) as bars of `interval`, from the first trade's bar to the bar holding
 * `now` (or the last trade's, if later); gaps are zero-volume bars at the previous close.
 */
export function aggregateKlines(trades: readonly PublicTrade[], interval: string, now: number): Kline[] {
  const out: Kline[] = [];
  const first = trades[0];
  if (first === undefined) return out;
  let b = bucketOf(interval, first.time);
  let i = 0;
  let prevClose = first.price;
  const lastTime = Math.max(now, trades[trades.length - 1]?.time ?? now);
  while (b.open <= lastTime) {
    let open = prevClose;
    let high = prevClose;
    let low = prevClose;
    let volume = ZERO;
    let quoteVolume = ZERO;
    let takerBuyBase = ZERO;
    let takerBuyQuote = ZERO;
    let n = 0;
    for (; i < trades.length && (trades[i] as PublicTrade).time < b.next; i++) {
      const t = trades[i] as PublicTrade;
      if (n === 0) {
        open = t.price;
        high = t.price;
        low = t.price;
      } else {
        if (t.price.gt(high)) high = t.price;
        if (t.price.lt(low)) low = t.price;
      }
      n++;
      prevClose = t.price;
      const quote = t.price.mul(t.amount);
      volume = volume.add(t.amount);
      quoteVolume = quoteVolume.add(quote);
      if (t.takerSide === 'buy') {
        takerBuyBase = takerBuyBase.add(t.amount);
        takerBuyQuote = takerBuyQuote.add(quote);
      }
    }
    out.push({ openTime: b.open, closeTime: b.next - 1, open, high, low, close: prevClose, volume, quoteVolume, trades: n, takerBuyBase, takerBuyQuote });
    b = bucketOf(interval, b.next);
  }
  return out;
}

/** A kline in Binance's wire format. */
export function klineRow(k: Kline): (number | string)[] {
  return [
    k.openTime, k.open.toFixed(), k.high.toFixed(), k.low.toFixed(), k.close.toFixed(), k.volume.toFixed(), k.closeTime,
    k.quoteVolume.toFixed(), k.trades, k.takerBuyBase.toFixed(), k.takerBuyQuote.toFixed(), '0',
  ];
}

/** Binance spot `GET /api/v3/klines` for a known market (the symbol is checked by the dialect). */
export function binanceKlines(tape: PublicTradeTape, marketId: string, p: URLSearchParams, now: number): SimResponse {
  const interval = p.get('interval');
  if (interval === null || interval === '') return mandatory('interval');
  if (!BINANCE_INTERVALS.includes(interval)) return binanceErr(400, -1120, 'Invalid interval.');
  const num = (k: string): number | undefined => (p.has(k) && p.get(k) !== '' ? Number(p.get(k)) : undefined);
  const limit = num('limit') ?? 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return binanceErr(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '1-1000'.");
  const startTime = num('startTime');
  const endTime = num('endTime');
  for (const [field, v] of [['startTime', startTime], ['endTime', endTime]] as const) {
    if (v !== undefined && !Number.isSafeInteger(v)) return binanceErr(400, -1100, `Illegal characters found in parameter '${field}'; legal value is epoch milliseconds.`);
  }
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) return binanceErr(400, -1023, 'Start time is greater than end time.');
  const bars = aggregateKlines(tape.list(marketId, { limit: Number.POSITIVE_INFINITY }), interval, now).filter(
    (k) => (startTime === undefined || k.openTime >= startTime) && (endTime === undefined || k.openTime <= endTime),
  );
  const picked = startTime !== undefined ? bars.slice(0, limit) : bars.slice(Math.max(0, bars.length - limit));
  return { status: 200, body: picked.map(klineRow) };
}
