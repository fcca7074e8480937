/**
 * Binance spot's REST dialect over the simulator's engine: the endpoints ccxt's `binance` class
 * calls for markets, balances, orders, trades, the book and fees, in Binance's wire format
 * (field names, string decimals, status names) and with Binance's errors (`{code, msg}` with the
 * messages ccxt maps to its exception classes). Signed endpoints check the API key header, the
 * HMAC-SHA256 signature of the query or body exactly as sent, and the timestamp window.
 * The wire details were taken from ccxt 4.5's requests and parsers (docs/venue-sim.md).
 */
import type { Decimal } from '../domain/money/decimal.ts';
import { type BinanceCredentials, binanceAuthenticate, binanceErr as err, mandatory } from './binance-auth.ts';
import { type BinanceOrderContext, binanceAccountTrades, binanceCancelOrder, binanceDepth, binanceGetOrder, binanceMarket, binancePlaceOrder, binanceSide as sideOut } from './binance-orders.ts';
import type { SimMarket, SimOrder, SimRejectReason, SimTrade, VenueEngine } from './engine.ts';
import type { FaultInjector } from './faults.ts';
import { binanceKlines } from './klines.ts';
import { type PublicTradeTape, binanceAggTrades } from './public-trades.ts';
import type { SimRequest, SimResponse, VenueDialect } from './server.ts';

export type { BinanceCredentials } from './binance-auth.ts';

export interface BinanceSpotOptions {
  readonly engine: VenueEngine;
  readonly credentials: BinanceCredentials;
  /** Maker and taker fee rates the fee endpoint reports (the matching model's own fees). */
  readonly fees: { readonly maker: Decimal; readonly taker: Decimal };
  /** Fault injection: the dialect asks it about cancels racing fills and altered trade lists. */
  readonly faults?: FaultInjector;
  /** The public trade tape `GET /api/v3/aggTrades` and `GET /api/v3/klines` serve (public-trades.ts, klines.ts); without one neither route is served. */
  readonly publicTrades?: PublicTradeTape;
}


const REJECTS: Readonly<Record<SimRejectReason, readonly [number, string]>> = {
  post_only_would_cross: [-2010, 'Order would immediately match and take.'],
  insufficient_funds: [-2010, 'Account has insufficient balance for requested action.'],
  duplicate_client_order_id: [-2010, 'Duplicate order sent.'],
  invalid_amount: [-1013, 'Filter failure: LOT_SIZE'],
  invalid_price: [-1013, 'Filter failure: PRICE_FILTER'],
  min_notional: [-1013, 'Filter failure: NOTIONAL'],
  no_book: [-2010, 'Market is closed.'],
  unknown_symbol: [-1121, 'Invalid symbol.'],
  unknown_market: [-1121, 'Invalid symbol.'],
  cancelled: [-2010, 'Order was canceled or expired.'],
  venue_rejected: [-2010, 'Order rejected.'],
};

export class BinanceSpotDialect implements VenueDialect {
  private readonly ctx: BinanceOrderContext;

  constructor(private readonly o: BinanceSpotOptions) {
    this.ctx = { engine: o.engine, faults: o.faults, makerFeeRate: o.fees.maker };
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const route = `${req.method} ${req.path}`;
    switch (route) {
      case 'GET /api/v3/ping':
        return { status: 200, body: {} };
      case 'GET /api/v3/time':
        return { status: 200, body: { serverTime: this.o.engine.now() } };
      case 'GET /api/v3/exchangeInfo':
        return { status: 200, body: this.exchangeInfo() };
      case 'GET /api/v3/depth':
        return this.depth(req.params);
      case 'GET /api/v3/aggTrades':
        if (this.o.publicTrades === undefined) break;
        return this.aggTrades(this.o.publicTrades, req.params);
      case 'GET /api/v3/klines':
        if (this.o.publicTrades === undefined) break;
        return this.klines(this.o.publicTrades, req.params);
      default:
        break;
    }
    const signed: Record<string, (p: URLSearchParams) => Promise<SimResponse> | SimResponse> = {
      'GET /api/v3/account': () => this.account(),
      'POST /api/v3/order': (p) => this.placeOrder(p),
      'GET /api/v3/order': (p) => this.getOrder(p),
      'DELETE /api/v3/order': (p) => this.cancelOrder(p, route),
      'GET /api/v3/openOrders': (p) => this.openOrders(p),
      'DELETE /api/v3/openOrders': (p) => this.cancelAll(p),
      'GET /api/v3/myTrades': (p) => this.myTrades(p, route),
      'GET /sapi/v1/asset/tradeFee': (p) => this.tradeFee(p),
    };
    const handler = signed[route];
    if (handler === undefined) return err(404, -1000, `venue-sim (binance spot) does not serve ${route}`);
    const denied = binanceAuthenticate(req, this.o.credentials, this.o.engine.now());
    if (denied !== null) return denied;
    return handler(req.params);
  }

  // ── public ─────────────────────────────────────────────────────────────────────────────────

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: this.o.engine.now(),
      rateLimits: [],
      exchangeFilters: [],
      symbols: this.o.engine.marketList().map((m) => {
        const r = m.rules;
        return {
          symbol: m.id, status: 'TRADING', baseAsset: r.base, baseAssetPrecision: 8, quoteAsset: r.quote, quotePrecision: 8, quoteAssetPrecision: 8,
          orderTypes: ['LIMIT', 'LIMIT_MAKER'], isSpotTradingAllowed: true, isMarginTradingAllowed: false, permissions: [], permissionSets: [['SPOT']],
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: r.tickSize.toFixed(), maxPrice: '1000000.00', tickSize: r.tickSize.toFixed() },
            { filterType: 'LOT_SIZE', minQty: r.minAmount.toFixed(), maxQty: '9000', stepSize: r.lotStep.toFixed() },
            { filterType: 'NOTIONAL', minNotional: r.minNotional.toFixed(), applyMinToMarket: true, maxNotional: '9000000', applyMaxToMarket: false, avgPriceMins: 5 },
          ],
        };
      }),
    };
  }

  private depth(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const d = binanceDepth(m, p, { fallback: 100, max: 5000, legalRange: '1-5000' });
    return 'status' in d ? d : { status: 200, body: d };
  }

  private aggTrades(tape: PublicTradeTape, p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    return 'status' in m ? m : binanceAggTrades(tape, m.id, p);
  }

  private klines(tape: PublicTradeTape, p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    return 'status' in m ? m : binanceKlines(tape, m.id, p, this.o.engine.now());
  }

  // ── signed ─────────────────────────────────────────────────────────────────────────────────

  private account(): SimResponse {
    const e = this.o.engine;
    return {
      status: 200,
      body: {
        makerCommission: 0, takerCommission: 0, buyerCommission: 0, sellerCommission: 0,
        canTrade: true, canWithdraw: false, canDeposit: false, updateTime: e.now(), accountType: 'SPOT', permissions: ['SPOT'],
        balances: e.balances().map((b) => ({ asset: b.asset, free: b.free.toFixed(), locked: b.locked.toFixed() })),
      },
    };
  }

  private placeOrder(p: URLSearchParams): Promise<SimResponse> {
    return binancePlaceOrder(this.o.engine, p, {
      orderType: (q) => {
        const type = q.get('type');
        if (type === null) return mandatory('type');
        if (type !== 'LIMIT' && type !== 'LIMIT_MAKER') return err(400, -1116, 'Invalid orderType.');
        if (type === 'LIMIT') {
          const tif = q.get('timeInForce');
          if (tif === null) return mandatory('timeInForce');
          if (tif !== 'GTC') return err(400, -1115, 'Invalid timeInForce.');
        }
        return type === 'LIMIT_MAKER';
      },
      badClientOrderId: () => err(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'."),
      reject: (reason) => {
        const [code, msg] = REJECTS[reason];
        return err(400, code, msg);
      },
      json: (o) => {
        const fills = this.o.engine.trades(o.marketId, { limit: 1000 }).filter((t) => t.orderId === o.orderId);
        return { ...this.orderJson(o), orderListId: -1, transactTime: o.time, workingTime: o.time, fills: fills.map((t) => ({ price: t.price.toFixed(), qty: t.amount.toFixed(), commission: t.fee.toFixed(), commissionAsset: t.feeAsset, tradeId: t.id })) };
      },
    });
  }

  private getOrder(p: URLSearchParams): SimResponse {
    return binanceGetOrder(this.o.engine, p, (o) => this.orderJson(o));
  }

  private cancelOrder(p: URLSearchParams, route: string): Promise<SimResponse> {
    return binanceCancelOrder(this.ctx, p, route, (o) => this.cancelJson(o, p.get('newClientOrderId')));
  }

  private openOrders(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    if (symbol !== null && this.o.engine.market(symbol) === undefined) return err(400, -1121, 'Invalid symbol.');
    return { status: 200, body: this.o.engine.openOrders(symbol ?? undefined).map((o) => this.orderJson(o)) };
  }

  private async cancelAll(p: URLSearchParams): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const done = await this.o.engine.cancelAll(m.id);
    if (done.length === 0) return err(400, -2011, 'Unknown order sent.');
    return { status: 200, body: done.map((o) => this.cancelJson(o, null)) };
  }

  private myTrades(p: URLSearchParams, route: string): SimResponse {
    return binanceAccountTrades(this.ctx, p, route, { json: (t) => this.tradeJson(t), phantomLots: 10, phantomFeeAsset: (m) => m.rules.quote });
  }

  private tradeFee(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    const markets = this.o.engine.marketList().filter((m) => symbol === null || m.id === symbol);
    if (symbol !== null && markets.length === 0) return err(400, -1121, 'Invalid symbol.');
    return { status: 200, body: markets.map((m) => ({ symbol: m.id, makerCommission: this.o.fees.maker.toFixed(), takerCommission: this.o.fees.taker.toFixed() })) };
  }

  // ── wire shapes ────────────────────────────────────────────────────────────────────────────

  private marketOf(p: URLSearchParams): SimMarket | SimResponse {
    return binanceMarket(this.o.engine, p);
  }

  private orderJson(o: SimOrder): Record<string, unknown> {
    return {
      symbol: o.marketId, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId,
      price: o.price.toFixed(), origQty: o.amount.toFixed(), executedQty: o.filled.toFixed(), cummulativeQuoteQty: o.quoteFilled.toFixed(),
      status: o.status, timeInForce: 'GTC', type: o.postOnly ? 'LIMIT_MAKER' : 'LIMIT', side: sideOut(o.side),
      stopPrice: '0', icebergQty: '0', time: o.time, updateTime: o.updateTime, isWorking: true, workingTime: o.time, origQuoteOrderQty: '0',
    };
  }

  /** As Binance: `origClientOrderId` is the order's id, `clientOrderId` the cancel request's own. */
  private cancelJson(o: SimOrder, cancelClientId: string | null): Record<string, unknown> {
    return {
      symbol: o.marketId, origClientOrderId: o.clientOrderId, orderId: o.orderId, orderListId: -1,
      clientOrderId: cancelClientId ?? `sim-cancel-${o.orderId}`, transactTime: o.updateTime,
      price: o.price.toFixed(), origQty: o.amount.toFixed(), executedQty: o.filled.toFixed(), cummulativeQuoteQty: o.quoteFilled.toFixed(),
      status: o.status, timeInForce: 'GTC', type: o.postOnly ? 'LIMIT_MAKER' : 'LIMIT', side: sideOut(o.side),
    };
  }

  private tradeJson(t: SimTrade): Record<string, unknown> {
    return {
      symbol: t.marketId, id: t.id, orderId: t.orderId, orderListId: -1, price: t.price.toFixed(), qty: t.amount.toFixed(), quoteQty: t.price.times(t.amount).toFixed(),
      commission: t.fee.toFixed(), commissionAsset: t.feeAsset, time: t.time, isBuyer: t.side === 'buy', isMaker: t.maker, isBestMatch: true,
    };
  }
}
