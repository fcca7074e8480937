/**
 * `VenueReads` over a ccxt Exchange, for one unified symbol. Numbers from ccxt become Decimals
 * through their shortest decimal form (exact for what the venue sent). A venue trade carries
 * its venue order id only; the client order id comes from the open orders or, for an order
 * that left the book, from one `fetchOrder` (cached: an order's client id never changes); a
 * trade whose order the venue cannot find has none (null).
 *
 * On a perp (`perp` given) the balances are the account's wallet in the settlement asset and the
 * symbol's signed position as the base (adapters/venue/perp-reads.ts), as the bot's ledger holds them.
 */
import { type Exchange, type Order as CcxtOrder, type Trade as CcxtTrade, OrderNotFound } from 'ccxt';
import { Decimal } from '../../domain/money/decimal.ts';
import type { ReconOrder } from '../../domain/recon/index.ts';
import type { VenueReads, VenueTrade } from '../../actors/reconciliation.ts';
import { readPerpState } from '../venue/perp-reads.ts';

const num = (x: number | string | undefined | null): Decimal => new Decimal(x === undefined || x === null ? 0 : String(x));
/** Trades a page when ccxt does not say (Binance's maximum; Bitget's is 100 — ccxt's `features` says so). */
const DEFAULT_PAGE = 1000;
const MAX_PAGES = 50;
/** Venues whose trade list is the newest `limit` trades of the window (Bitget), not the oldest (Binance). */
const NEWEST_FIRST: ReadonlySet<string> = new Set(['bitget']);

/** The most trades one `fetchMyTrades` may ask for on this exchange and market type (a venue refuses more). */
function tradesPageSize(exchange: Exchange, perp: boolean): number {
  const f = exchange.features as Record<string, Record<string, unknown> | undefined> | undefined;
  const spec = (perp ? (f?.['swap']?.['linear'] as Record<string, unknown> | undefined) : f?.['spot'])?.['fetchMyTrades'] as { limit?: unknown } | undefined;
  return typeof spec?.limit === 'number' && spec.limit > 0 ? spec.limit : DEFAULT_PAGE;
}

export function ccxtVenueReads(exchange: Exchange, unifiedSymbol: string, perp?: { readonly base: string; readonly quote: string }): VenueReads {
  const page = tradesPageSize(exchange, perp !== undefined);
  const newestFirst = NEWEST_FIRST.has(exchange.id);
  const clientIds = new Map<string, string | null>();
  const remember = (o: CcxtOrder): void => {
    if (o.id !== undefined) clientIds.set(String(o.id), o.clientOrderId ?? null);
  };
  const clientIdOf = async (orderId: string): Promise<string | null> => {
    if (!clientIds.has(orderId)) {
      try {
        remember(await exchange.fetchOrder(orderId, unifiedSymbol));
      } catch (e) {
        // A trade of an order the venue does not know (a phantom trade): it has no client id.
        if (!(e instanceof OrderNotFound)) throw e;
        clientIds.set(orderId, null);
      }
    }
    return clientIds.get(orderId) ?? null;
  };
  return {
    async openOrders(): Promise<readonly ReconOrder[]> {
      const xs = await exchange.fetchOpenOrders(unifiedSymbol);
      xs.forEach(remember);
      return xs.map((x) => ({ clientOrderId: x.clientOrderId ?? `venue-${x.id}`, side: x.side === 'sell' ? 'sell' : 'buy', price: num(x.price), amount: num(x.amount), filled: num(x.filled) }));
    },
    async balances() {
      if (perp !== undefined) {
        const p = await readPerpState(exchange, unifiedSymbol, perp.quote);
        return { [perp.quote]: p.wallet, [perp.base]: p.position };
      }
      const b = await exchange.fetchBalance();
      const total = (b.total ?? {}) as unknown as Record<string, number | undefined>;
      const out: Record<string, Decimal> = {};
      for (const [asset, v] of Object.entries(total)) if (v !== undefined && v !== null) out[asset] = num(v);
      return out;
    },
    async myTrades(sinceMs: number): Promise<readonly VenueTrade[]> {
      const seen = new Map<string, CcxtTrade>();
      let since = sinceMs;
      let until: number | undefined;
      for (let n = 0; n < MAX_PAGES; n++) {
        const xs = await exchange.fetchMyTrades(unifiedSymbol, since, page, until === undefined ? {} : { until });
        for (const t of xs) seen.set(String(t.id), t);
        if (xs.length < page) break;
        // A full page may hide more trades (ids dedupe the overlap at the edge): ccxt sorts a page
        // oldest first, so on a newest-first venue the hidden ones are at or before its first
        // timestamp, elsewhere at or after its last.
        if (newestFirst) {
          const first = xs[0]?.timestamp;
          if (first === undefined || first <= since || (until !== undefined && first >= until)) break;
          until = first;
        } else {
          const last = xs[xs.length - 1]?.timestamp;
          if (last === undefined || last <= since) break;
          since = last;
        }
      }
      const out: VenueTrade[] = [];
      for (const t of seen.values()) {
        const orderId = String(t.order ?? '');
        out.push({
          tradeId: String(t.id), orderId, clientOrderId: orderId === '' ? null : await clientIdOf(orderId),
          price: num(t.price), amount: num(t.amount), fee: num(t.fee?.cost), feeAsset: t.fee?.currency ?? '', ts: t.timestamp ?? 0,
        });
      }
      return out;
    },
  };
}
