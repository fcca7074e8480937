/**
 * Live book tops read from a venue over REST through ccxt: `fetchOrderBook` every `intervalMs`
 * (never two requests in flight), mapped to the domain's `BookTop`. A failed read is reported
 * through `onError` and skipped; the ops guard's staleness rule sees the gap.
 */
import type { Exchange } from 'ccxt';
import { Observable } from 'rxjs';
import type { BookTop } from '../domain/market/types.ts';
import { Decimal } from '../domain/money/decimal.ts';

export function venueBook$(exchange: Exchange, symbol: string, intervalMs: number, opts: { readonly depth?: number; readonly now?: () => number; readonly onError?: (e: unknown) => void } = {}): Observable<BookTop> {
  return new Observable<BookTop>((sub) => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const now = opts.now ?? Date.now;
    const level = (l: readonly (number | string | undefined)[]): { price: Decimal; size: Decimal } => ({ price: new Decimal(String(l[0])), size: new Decimal(String(l[1])) });
    const read = async (): Promise<void> => {
      try {
        const ob = await exchange.fetchOrderBook(symbol, opts.depth ?? 5);
        const bids = ob.bids.filter((l) => l[0] !== undefined && l[1] !== undefined).map(level);
        const asks = ob.asks.filter((l) => l[0] !== undefined && l[1] !== undefined).map(level);
        const bid = bids[0];
        const ask = asks[0];
        // Stamped when received: staleness is about what the bot knows now, and a venue's own stamp
        // may be skewed (or, on a simulator, the recorded time).
        if (!stopped && bid !== undefined && ask !== undefined) sub.next({ ts: now(), bid: bid.price, ask: ask.price, bids, asks });
      } catch (e) {
        opts.onError?.(e);
      }
      if (!stopped) timer = setTimeout(() => void read(), intervalMs);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
}
