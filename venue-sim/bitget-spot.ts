/**
 * Bitget spot's REST dialect (API v2) over the simulator's engine: the endpoints ccxt's `bitget`
 * class calls for markets, balances, orders, trades, the book and fees, in Bitget's wire format
 * (the `{code:"00000", msg:"success", requestTime, data}` envelope, string decimals, `clientOid`,
 * `force`, statuses `live|partially_filled|filled|cancelled`) and with Bitget's error codes (the
 * ones ccxt's `exceptions` table maps to its exception classes; docs/venue-sim.md lists them).
 * Signing, the envelope and the parameters both Bitget APIs share are in bitget-auth.ts; the
 * fault injector speaking Bitget in bitget-faults.ts (its default routes: BITGET_SPOT_FAULT_ENDPOINTS).
 * The wire details were taken from ccxt 4.5's requests and parsers (`options.uta: false`, the
 * classic v2 API).
 */
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import {
  BIG, BITGET_USER_ID as USER_ID, type BitgetCredentials, bitgetAuthenticate, bitgetBookSides, bitgetCancelOrder, bitgetCoins, bitgetErr as err, bitgetOk, bitgetPlaceLimit, bitgetRejects, bitgetTradeRate,
  emptyParam as empty, invalidParam as invalid, parseFillQuery, parseOrderRef, selectFills,
} from './bitget-auth.ts';
import type { SimMarket, SimOrder, SimOrderStatus, SimTrade, VenueEngine } from './engine.ts';
import type { FaultDefaultEndpoints, FaultInjector } from './faults.ts';
import { type PublicTradeTape, bitgetFillsHistory } from './public-trades.ts';
import type { SimRequest, SimResponse, VenueDialect } from './server.ts';

export type { BitgetCredentials } from './bitget-auth.ts';

export interface BitgetSpotOptions {
  readonly engine: VenueEngine;
  readonly credentials: BitgetCredentials;
  /** Maker and taker fee rates the fee endpoints report (the matching model's own fees). */
  readonly fees: { readonly maker: Decimal; readonly taker: Decimal };
  /** Fault injection: the dialect asks it about cancels racing fills and altered trade lists. */
  readonly faults?: FaultInjector;
  /** The public trade tape `GET /api/v2/spot/market/fills-history` serves (public-trades.ts); without one the route is not served. */
  readonly publicTrades?: PublicTradeTape;
}

export const BITGET_ROUTES = {
  placeOrder: 'POST /api/v2/spot/trade/place-order',
  cancelOrder: 'POST /api/v2/spot/trade/cancel-order',
  cancelSymbol: 'POST /api/v2/spot/trade/cancel-symbol-order',
  fills: 'GET /api/v2/spot/trade/fills',
} as const;

const badSymbol = (): SimResponse => err('50004', 'The transaction pair is currently not supported or has been suspended');

const REJECTS = bitgetRejects({
  insufficient: () => err('43012', 'Insufficient balance'),
  noBook: () => err('41114', 'The current trading pair is under maintenance, please refer to the official announcement for the opening time'),
  unknownSymbol: badSymbol,
});

/** Bitget spot's routes for the faults whose default routes are venue-specific. */
export const BITGET_SPOT_FAULT_ENDPOINTS: FaultDefaultEndpoints = {
  lostAck: [BITGET_ROUTES.placeOrder, BITGET_ROUTES.cancelOrder],
  fillOnCancelled: [BITGET_ROUTES.cancelOrder],
  phantomTrades: [BITGET_ROUTES.fills],
  missingTrades: [BITGET_ROUTES.fills],
};

const STATUS: Readonly<Record<SimOrderStatus, string>> = {
  NEW: 'live',
  PARTIALLY_FILLED: 'partially_filled',
  FILLED: 'filled',
  CANCELED: 'cancelled',
  // Orders the venue refused (post-only would take) are never open; Bitget shows them cancelled.
  EXPIRED: 'cancelled',
  REJECTED: 'cancelled',
};

export class BitgetSpotDialect implements VenueDialect {
  constructor(private readonly o: BitgetSpotOptions) {}

  async handle(req: SimRequest): Promise<SimResponse> {
    const route = `${req.method} ${req.path}`;
    const p = req.params;
    switch (route) {
      case 'GET /api/v2/public/time':
        return this.ok({ serverTime: String(this.o.engine.now()) });
      case 'GET /api/v2/spot/public/symbols':
        return this.symbols(p);
      case 'GET /api/v2/spot/public/coins':
        return this.ok(bitgetCoins(this.o.engine, p));
      case 'GET /api/v2/margin/currencies':
        // No margin trading: ccxt asks for it at loadMarkets (spot) and reads an empty list as "no margin".
        return this.ok([]);
      case 'GET /api/v2/spot/market/orderbook':
        return this.orderbook(p);
      case 'GET /api/v2/spot/market/fills-history':
        if (this.o.publicTrades === undefined) break;
        return this.publicFills(this.o.publicTrades, p);
      default:
        break;
    }
    const signed: Record<string, (p: URLSearchParams) => Promise<SimResponse> | SimResponse> = {
      'GET /api/v2/spot/account/assets': (q) => this.assets(q),
      [BITGET_ROUTES.placeOrder]: (q) => this.placeOrder(q),
      'GET /api/v2/spot/trade/orderInfo': (q) => this.orderInfo(q),
      [BITGET_ROUTES.cancelOrder]: (q) => this.cancelOrder(q, route),
      'GET /api/v2/spot/trade/unfilled-orders': (q) => this.unfilled(q),
      [BITGET_ROUTES.cancelSymbol]: (q) => this.cancelSymbol(q),
      [BITGET_ROUTES.fills]: (q) => this.fills(q, route),
      'GET /api/v2/common/trade-rate': (q) => this.tradeRate(q),
    };
    const handler = signed[route];
    if (handler === undefined) return err('40404', `Request URL NOT FOUND: venue-sim (bitget spot) does not serve ${route}`, 404);
    const denied = bitgetAuthenticate(req, this.o.credentials, this.o.engine.now());
    if (denied !== null) return denied;
    return handler(p);
  }

  // ── public ─────────────────────────────────────────────────────────────────────────────────

  private ok(data: unknown): SimResponse {
    return bitgetOk(this.o.engine.now(), data);
  }

  private symbols(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    const markets = this.o.engine.marketList().filter((m) => symbol === null || symbol === '' || m.id === symbol);
    if (symbol !== null && symbol !== '' && markets.length === 0) return badSymbol();
    return this.ok(
      markets.map((m) => {
        const r = m.rules;
        return {
          symbol: m.id, baseCoin: r.base, quoteCoin: r.quote, minTradeAmount: '0', maxTradeAmount: '10000000000',
          takerFeeRate: this.o.fees.taker.toFixed(), makerFeeRate: this.o.fees.maker.toFixed(),
          pricePrecision: String(r.tickSize.decimalPlaces()), quantityPrecision: String(r.lotStep.decimalPlaces()), quotePrecision: '8',
          status: 'online', minTradeUSDT: r.minNotional.toFixed(), buyLimitPriceRatio: '0.05', sellLimitPriceRatio: '0.05', areaSymbol: 'no', orderQuantity: '200', openTime: '0',
        };
      }),
    );
  }

  private orderbook(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const limit = p.has('limit') ? Number(p.get('limit')) : 150;
    if (!Number.isInteger(limit) || limit < 1 || limit > 150) return invalid('limit', 'must be 1-150');
    return this.ok({ ...bitgetBookSides(m, limit), ts: String(m.top?.ts ?? this.o.engine.now()) });
  }

  // ── signed ─────────────────────────────────────────────────────────────────────────────────

  private assets(p: URLSearchParams): SimResponse {
    const coin = p.get('coin');
    const assetType = p.get('assetType') ?? 'hold_only';
    if (assetType !== 'hold_only' && assetType !== 'all') return invalid('assetType', 'must be hold_only or all');
    const now = String(this.o.engine.now());
    return this.ok(
      this.o.engine
        .balances()
        .filter((b) => (coin === null || coin === '' || b.asset === coin) && (assetType === 'all' || coin !== null || b.free.plus(b.locked).gt(0)))
        // Bitget: `frozen` is what open orders hold; `locked` is for other uses (none here).
        .map((b) => ({ coin: b.asset, available: b.free.toFixed(), limitAvailable: '0', frozen: b.locked.toFixed(), locked: '0', uTime: now })),
    );
  }

  private async placeOrder(p: URLSearchParams): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    return bitgetPlaceLimit(this.o.engine, m, p, REJECTS);
  }

  private orderInfo(p: URLSearchParams): SimResponse {
    const ref = parseOrderRef(p);
    if ('status' in ref) return ref;
    const o = this.findAnywhere(ref);
    // As Bitget: an order it does not know is an empty list (ccxt raises OrderNotFound).
    return this.ok(o === null ? [] : [this.orderJson(o)]);
  }

  private async cancelOrder(p: URLSearchParams, route: string): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    return bitgetCancelOrder(this.o, m, p, route, () => err('43001', 'The order does not exist'));
  }

  private unfilled(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    if (symbol !== null && symbol !== '' && this.o.engine.market(symbol) === undefined) return badSymbol();
    const limit = p.has('limit') ? Number(p.get('limit')) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('limit', 'must be 1-100');
    // Newest first, as Bitget lists them.
    const open = this.o.engine.openOrders(symbol === null || symbol === '' ? undefined : symbol).sort((a, b) => b.orderId - a.orderId);
    return this.ok(open.slice(0, limit).map((o) => this.unfilledJson(o)));
  }

  private async cancelSymbol(p: URLSearchParams): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    await this.o.engine.cancelAll(m.id);
    return this.ok({ symbol: m.id });
  }

  private fills(p: URLSearchParams, route: string): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const q = parseFillQuery(p);
    if ('status' in q) return q;
    return this.ok(selectFills(this.o.engine, this.o.faults, m, q, route, this.o.fees.maker).map((t) => this.fillJson(t)));
  }

  private tradeRate(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const rate = bitgetTradeRate(p, 'spot', this.o.fees);
    return 'status' in rate ? rate : this.ok(rate);
  }

  // ── wire shapes ────────────────────────────────────────────────────────────────────────────

  private publicFills(tape: PublicTradeTape, p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    return 'status' in m ? m : bitgetFillsHistory(tape, m.id, p, this.o.engine.now());
  }

  private marketOf(p: URLSearchParams): SimMarket | SimResponse {
    const symbol = p.get('symbol');
    if (symbol === null || symbol === '') return empty('symbol');
    return this.o.engine.market(symbol) ?? badSymbol();
  }

  /** Bitget's order lookups take no symbol: search every market. */
  private findAnywhere(ref: { orderId?: number; clientOrderId?: string }): SimOrder | null {
    for (const m of this.o.engine.marketList()) {
      const o = this.o.engine.find(m.id, ref);
      if (o !== null) return o;
    }
    return null;
  }

  private tradesOf(o: SimOrder): SimTrade[] {
    return this.o.engine.trades(o.marketId, { limit: BIG }).filter((t) => t.orderId === o.orderId);
  }

  private avg(o: SimOrder): string {
    return o.filled.gt(0) ? o.quoteFilled.div(o.filled).toFixed() : '0';
  }

  /** `orderInfo`: `price` is the limit price, `priceAvg` the average fill price. */
  private orderJson(o: SimOrder): Record<string, unknown> {
    const fees = new Map<string, Decimal>();
    for (const t of this.tradesOf(o)) fees.set(t.feeAsset, (fees.get(t.feeAsset) ?? ZERO).plus(t.fee));
    const feeDetail: Record<string, unknown> = {};
    for (const [coin, fee] of fees) feeDetail[coin] = { deduction: false, feeCoinCode: coin, totalDeductionFee: 0, totalFee: fee.neg().toNumber() };
    return {
      userId: USER_ID, symbol: o.marketId, orderId: String(o.orderId), clientOid: o.clientOrderId,
      price: o.price.toFixed(), size: o.amount.toFixed(), orderType: 'limit', side: o.side, status: STATUS[o.status],
      priceAvg: this.avg(o), baseVolume: o.filled.toFixed(), quoteVolume: o.quoteFilled.toFixed(), enterPointSource: 'API',
      // Bitget sends the fee detail as JSON text, and only once something filled.
      ...(fees.size > 0 ? { feeDetail: JSON.stringify(feeDetail) } : {}),
      orderSource: 'normal', cancelReason: '', cTime: String(o.time), uTime: String(o.updateTime),
    };
  }

  /** `unfilled-orders`: `priceAvg` is the limit price, `basePrice` the average fill price. */
  private unfilledJson(o: SimOrder): Record<string, unknown> {
    return {
      userId: USER_ID, symbol: o.marketId, orderId: String(o.orderId), clientOid: o.clientOrderId,
      priceAvg: o.price.toFixed(), size: o.amount.toFixed(), orderType: 'limit', side: o.side, status: STATUS[o.status],
      basePrice: this.avg(o), baseVolume: o.filled.toFixed(), quoteVolume: o.quoteFilled.toFixed(), enterPointSource: 'API',
      orderSource: 'normal', tpslType: 'normal', cTime: String(o.time), uTime: String(o.updateTime),
    };
  }

  private fillJson(t: SimTrade): Record<string, unknown> {
    return {
      userId: USER_ID, symbol: t.marketId, orderId: String(t.orderId), tradeId: String(t.id), orderType: 'limit', side: t.side,
      priceAvg: t.price.toFixed(), size: t.amount.toFixed(), amount: t.price.times(t.amount).toFixed(),
      feeDetail: { deduction: 'no', feeCoin: t.feeAsset, totalDeductionFee: '', totalFee: t.fee.neg().toFixed() },
      tradeScope: t.maker ? 'maker' : 'taker', cTime: String(t.time), uTime: String(t.time),
    };
  }
}
