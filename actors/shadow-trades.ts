/**
 * A venue's public trades read over REST through ccxt (`fetchTrades(symbol, since)`), mapped to
 * the domain's `Trade` (`takerSide`: the aggressor) and de-duplicated by trade id. Each batch
 * says up to when the trades are complete (`upTo`): the time the request was sent — or, when the
 * venue answered a full page, the newest trade in it (the caller reads again at once).
 *
 * Reads ask from a little before the newest trade seen (`overlapMs`: a venue's late trades still
 * arrive; ids dedupe), starting at `sinceMs`.
 */
import type { Exchange, Trade as CcxtTrade } from 'ccxt';
import type { Trade } from '../domain/market/types.ts';
import { Decimal } from '../domain/money/decimal.ts';

export interface TradeBatch {
  /** New trades, in time order. */
  readonly trades: readonly Trade[];
  /** Every trade up to this time has been heard. */
  readonly upTo: number;
}

export interface PublicTradesOptions {
  readonly now: () => number;
  /** The first read asks from here (default: now). */
  readonly sinceMs?: number;
  /** How far before the newest trade seen later reads ask from (default 5 s). */
  readonly overlapMs?: number;
  /** Page size asked for (default 1000, the most Binance and Bitget serve). */
  readonly limit?: number;
}

const keyOf = (t: CcxtTrade): string => (t.id !== undefined && t.id !== null && t.id !== '' ? String(t.id) : `${t.timestamp}:${t.price}:${t.amount}:${t.side}`);

/** Reads a venue's new public trades, one page per `read` (stateful: where to ask from, the ids heard). */
export class PublicTradeReader {
  private since: number;
  /** Trade ids heard, with their time (pruned once older than any later read asks for). */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly exchange: Exchange,
    private readonly symbol: string,
    private readonly opts: PublicTradesOptions,
  ) {
    this.since = opts.sinceMs ?? opts.now();
  }

  /** One page of new trades; `full` ⇒ the venue may have more (read again at once). Rejects on a failed request. */
  async read(): Promise<TradeBatch & { readonly full: boolean }> {
    const overlap = this.opts.overlapMs ?? 5000;
    const limit = this.opts.limit ?? 1000;
    const requestAt = this.opts.now();
    const got = await this.exchange.fetchTrades(this.symbol, this.since, limit);
    const fresh: Trade[] = [];
    let newest = this.since;
    for (const t of got) {
      const ts = t.timestamp ?? requestAt;
      newest = Math.max(newest, ts);
      const key = keyOf(t);
      if (this.seen.has(key) || t.price === undefined || t.amount === undefined) continue;
      this.seen.set(key, ts);
      fresh.push({ ts, price: new Decimal(String(t.price)), amount: new Decimal(String(t.amount)), takerSide: t.side === 'sell' ? 'sell' : 'buy', id: key });
    }
    const full = got.length >= limit;
    this.since = full ? newest : Math.max(this.since, newest - overlap);
    for (const [k, ts] of this.seen) if (ts < this.since - overlap) this.seen.delete(k);
    fresh.sort((a, b) => a.ts - b.ts);
    return { trades: fresh, upTo: full ? newest : requestAt, full };
  }
}
