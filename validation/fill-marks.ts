/**
 * Each fill with what the analyses need: its order's limit price and placement time, the mid
 * at placement, at the fill and `horizonMs` after it (validation/mids.ts), and its fee in quote.
 * Pure.
 *
 * Signs: `sign` is +1 for a buy and −1 for a sell, so `sign·(mid − price)` is what a fill at
 * `price` captured against `mid` (positive = the good side of the mid).
 */
import type { Decimal } from '../domain/money/decimal.ts';
import type { BotEvents, FillRecord } from './events.ts';
import { DEFAULT_MAX_MID_GAP_MS, type MidAt, midAt, midSeries } from './mids.ts';

export interface FillMark {
  readonly fill: FillRecord;
  readonly sign: 1 | -1;
  /** The order's limit price (null when its `order.created` is not in the data). */
  readonly orderPrice: Decimal | null;
  readonly orderTs: number | null;
  readonly midAtPlace: MidAt | null;
  readonly midAtFill: MidAt | null;
  readonly midLater: MidAt | null;
  /** The fee in quote; null when the fee asset is neither the base nor the quote. */
  readonly feeQuote: Decimal | null;
}

/** `BTCUSDT` / `BTC/USDT` / `BTC/USDT:USDT` → whether `asset` is its base or quote. */
export function assetRole(symbol: string | null, asset: string): 'base' | 'quote' | null {
  if (symbol === null || asset === '') return null;
  const s = symbol.toUpperCase();
  const a = asset.toUpperCase();
  if (s.includes('/')) {
    const [base, rest] = s.split('/');
    const quote = (rest ?? '').split(':')[0];
    return a === base ? 'base' : a === quote ? 'quote' : null;
  }
  if (s.endsWith(a)) return 'quote';
  if (s.startsWith(a)) return 'base';
  return null;
}

/** The fills of `bot` with their marks. */
export function fillMarks(bot: BotEvents, horizonMs: number, maxGapMs = DEFAULT_MAX_MID_GAP_MS): FillMark[] {
  const series = midSeries(bot.snapshots);
  const orders = new Map(bot.orders.map((o) => [o.clientOrderId, o]));
  return bot.fills.map((f) => {
    const o = orders.get(f.clientOrderId);
    const role = f.fee.isZero() ? 'quote' : assetRole(bot.symbol, f.feeAsset);
    return {
      fill: f,
      sign: f.side === 'buy' ? 1 : -1,
      orderPrice: o?.price ?? null,
      orderTs: o?.ts ?? null,
      midAtPlace: o === undefined ? null : midAt(series, o.ts, maxGapMs),
      midAtFill: midAt(series, f.ts, maxGapMs),
      midLater: midAt(series, f.ts + horizonMs, maxGapMs),
      feeQuote: role === 'quote' ? f.fee : role === 'base' ? f.fee.times(f.price) : null,
    };
  });
}

export const signed = (m: FillMark, d: Decimal): Decimal => (m.sign === 1 ? d : d.negated());
