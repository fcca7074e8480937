/**
 * `VenueReads` over a ccxt Exchange, for one unified symbol. Numbers from ccxt become Decimals
 * through their shortest decimal form (exact for what the venue sent). A venue trade carries
 * its venue order id only; the client order id comes from the open orders or, for an order
 * that left the book, from one `fetchOrder` (cached: an order's client id never changes); a
 * trade whose order the venue cannot find has none (null).
 */
import { type Exchange, type Order as CcxtOrder, type Trade as CcxtTrade, OrderNotFound } from 'ccxt';
import { Decimal } from '../../domain/money/decimal.ts';
import type { ReconOrder } from '../../domain/recon/index.ts';
import type { VenueReads, VenueTrade } from '../../actors/reconciliation.ts';

const num = (x: number | string | undefined | null): Decimal => new Decimal(x === undefined || x === null ? 0 : String(x));
/** Binance returns at most 1000 trades a page. */
const PAGE = 1000;
const MAX_PAGES = 50;

export function ccxtVenueReads(exchange: Exchange, unifiedSymbol: string): VenueReads {
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
      const b = await exchange.fetchBalance();
      const total = (b.total ?? {}) as unknown as Record<string, number | undefined>;
      const out: Record<string, Decimal> = {};
      for (const [asset, v] of Object.entries(total)) if (v !== undefined && v !== null) out[asset] = num(v);
      return out;
    },
    async myTrades(sinceMs: number): Promise<readonly VenueTrade[]> {
      const seen = new Map<string, CcxtTrade>();
      let since = sinceMs;
      for (let page = 0; page < MAX_PAGES; page++) {
        const xs = await exchange.fetchMyTrades(unifiedSymbol, since, PAGE);
        for (const t of xs) seen.set(String(t.id), t);
        const last = xs[xs.length - 1]?.timestamp;
        // A full page may hide more trades at or after its last timestamp: ask again from there (ids dedupe).
        if (xs.length < PAGE || last === undefined || last <= since) break;
        since = last;
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
