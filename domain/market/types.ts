/**
 * Market data value types shared by the book, parsers, bar builder, indicators, the EPP
 * controller and the paper fill model. Timestamps are epoch milliseconds (numbers).
 */
import type { Decimal } from '../money/decimal.ts';

export interface PriceLevel {
  readonly price: Decimal;
  readonly size: Decimal;
}

/** Best bid/ask plus the top levels of each side (bids descending, asks ascending). */
export interface BookTop {
  readonly ts: number;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly bids: readonly PriceLevel[];
  readonly asks: readonly PriceLevel[];
}

export interface Trade {
  readonly ts: number;
  readonly price: Decimal;
  readonly amount: Decimal;
  /** Side of the aggressor (taker). Binance `m: true` (buyer is maker) ⇒ the taker sold. */
  readonly takerSide: 'buy' | 'sell';
  readonly id?: string;
}

export interface Bar {
  /** Open time of the bar (ms, aligned to the interval). */
  readonly ts: number;
  readonly open: Decimal;
  readonly high: Decimal;
  readonly low: Decimal;
  readonly close: Decimal;
  readonly volume: Decimal;
}

export function midOf(top: Pick<BookTop, 'bid' | 'ask'>): Decimal {
  return top.bid.plus(top.ask).dividedBy(2);
}
