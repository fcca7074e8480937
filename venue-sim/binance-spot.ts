/**
 * Binance spot's REST dialect over the simulator's engine: the endpoints ccxt's `binance` class
 * calls for markets, balances, orders, trades, the book and fees, in Binance's wire format
 * (field names, string decimals, status names) and with Binance's errors (`{code, msg}` with the
 * messages ccxt maps to its exception classes). Signed endpoints check the API key header, the
 * HMAC-SHA256 signature of the query or body exactly as sent, and the timestamp window.
 * The wire details were taken from ccxt 4.5's requests and parsers (docs/venue-sim.md).
 */
import type { Side } from '../domain/instrument/rules.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { type BinanceCredentials, binanceAuthenticate, binanceErr as err, mandatory } from './binance-auth.ts';
import type { SimOrder, SimRejectReason, SimTrade, VenueEngine } from './engine.ts';
import { type FaultInjector, cancelUnderFaults } from './faults.ts';
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

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const DECIMAL = /^\d+(\.\d+)?$/;
/** Phantom trades (and their made-up orders) are numbered from here, far past any real id. */
const PHANTOM_ID_BASE = 900_000_000;

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
  constructor(private readonly o: BinanceSpotOptions) {}

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
    const limit = p.has('limit') ? Number(p.get('limit')) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) return err(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '1-5000'.");
    const top = m.top;
    const lv = (xs: readonly { price: Decimal; size: Decimal }[]): string[][] => xs.slice(0, limit).map((l) => [l.price.toFixed(), l.size.toFixed()]);
    return { status: 200, body: { lastUpdateId: top?.ts ?? 0, bids: top ? lv(top.bids) : [], asks: top ? lv(top.asks) : [] } };
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

  private async placeOrder(p: URLSearchParams): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const side = p.get('side');
    if (side !== 'BUY' && side !== 'SELL') return side === null ? mandatory('side') : err(400, -1100, "Illegal characters found in parameter 'side'; legal range is 'BUY, SELL'.");
    const type = p.get('type');
    if (type === null) return mandatory('type');
    if (type !== 'LIMIT' && type !== 'LIMIT_MAKER') return err(400, -1116, 'Invalid orderType.');
    if (type === 'LIMIT') {
      const tif = p.get('timeInForce');
      if (tif === null) return mandatory('timeInForce');
      if (tif !== 'GTC') return err(400, -1115, 'Invalid timeInForce.');
    }
    const qty = p.get('quantity');
    const price = p.get('price');
    if (qty === null || !DECIMAL.test(qty)) return mandatory('quantity');
    if (price === null || !DECIMAL.test(price)) return mandatory('price');
    const clientOrderId = p.get('newClientOrderId') ?? undefined;
    if (clientOrderId !== undefined && !CLIENT_ID.test(clientOrderId)) return err(400, -1100, "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.");
    const r = await this.o.engine.place({ marketId: m.id, side: side === 'BUY' ? 'buy' : 'sell', price: new Decimal(price), amount: new Decimal(qty), postOnly: type === 'LIMIT_MAKER', ...(clientOrderId !== undefined ? { clientOrderId } : {}) });
    if (!r.ok) {
      const [code, msg] = REJECTS[r.reason];
      return err(400, code, msg);
    }
    const o = r.order;
    const fills = this.o.engine.trades(m.id, { limit: 1000 }).filter((t) => t.orderId === o.orderId);
    return { status: 200, body: { ...this.orderJson(o), orderListId: -1, transactTime: o.time, workingTime: o.time, fills: fills.map((t) => ({ price: t.price.toFixed(), qty: t.amount.toFixed(), commission: t.fee.toFixed(), commissionAsset: t.feeAsset, tradeId: t.id })) } };
  }

  private ref(p: URLSearchParams): { orderId?: number; clientOrderId?: string } | SimResponse {
    const id = p.get('orderId');
    const cid = p.get('origClientOrderId');
    if (id !== null) {
      const n = Number(id);
      if (!Number.isSafeInteger(n)) return err(400, -1100, "Illegal characters found in parameter 'orderId'; legal range is '^[0-9]{1,20}$'.");
      return { orderId: n };
    }
    if (cid !== null) return { clientOrderId: cid };
    return err(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
  }

  private getOrder(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const ref = this.ref(p);
    if ('status' in ref) return ref;
    const o = this.o.engine.find(m.id, ref);
    if (o === null) return err(400, -2013, 'Order does not exist.');
    return { status: 200, body: this.orderJson(o) };
  }

  private async cancelOrder(p: URLSearchParams, route: string): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const ref = this.ref(p);
    if ('status' in ref) return ref;
    const o = await cancelUnderFaults(this.o.engine, this.o.faults, { marketId: m.id, ref, route, makerFeeRate: this.o.fees.maker });
    if (o === null) return err(400, -2011, 'Unknown order sent.');
    return { status: 200, body: this.cancelJson(o, p.get('newClientOrderId')) };
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
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const num = (k: string): number | undefined => (p.has(k) ? Number(p.get(k)) : undefined);
    const limit = num('limit') ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return err(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '1-1000'.");
    const orderId = num('orderId');
    const fromId = num('fromId');
    const startTime = num('startTime');
    const endTime = num('endTime');
    let xs = this.o.engine.trades(m.id, {
      ...(fromId !== undefined ? { fromId } : {}), ...(startTime !== undefined ? { startTime } : {}), ...(endTime !== undefined ? { endTime } : {}), limit: orderId !== undefined ? 1_000_000 : limit,
    });
    if (orderId !== undefined) xs = xs.filter((t) => t.orderId === orderId).slice(0, limit);
    const alter = this.o.faults?.trades(route) ?? null;
    if (alter === null) return { status: 200, body: xs.map((t) => this.tradeJson(t)) };
    // Fault injection: real trades left out, trades the account never made added.
    const body = xs.filter((t) => !alter.omit(t.id)).map((t) => this.tradeJson(t));
    for (let k = 0; k < alter.phantoms; k++) body.push(this.tradeJson(this.phantomTrade(m)));
    return { status: 200, body };
  }

  /** A trade of an order that never existed, with an id far past the real ones (phantomTrades). */
  private phantomTrade(m: NonNullable<ReturnType<VenueEngine['market']>>): SimTrade {
    const id = PHANTOM_ID_BASE + (this.o.faults?.phantomId() ?? 0);
    const price = m.top?.bids[0]?.price ?? m.rules.tickSize;
    const amount = m.rules.minAmount.times(10);
    return { id, orderId: id, marketId: m.id, side: 'buy', price, amount, fee: price.times(amount).times(this.o.fees.maker), feeAsset: m.rules.quote, maker: true, time: this.o.engine.now() };
  }

  private tradeFee(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    const markets = this.o.engine.marketList().filter((m) => symbol === null || m.id === symbol);
    if (symbol !== null && markets.length === 0) return err(400, -1121, 'Invalid symbol.');
    return { status: 200, body: markets.map((m) => ({ symbol: m.id, makerCommission: this.o.fees.maker.toFixed(), takerCommission: this.o.fees.taker.toFixed() })) };
  }

  // ── wire shapes ────────────────────────────────────────────────────────────────────────────

  private marketOf(p: URLSearchParams): NonNullable<ReturnType<VenueEngine['market']>> | SimResponse {
    const symbol = p.get('symbol');
    if (symbol === null || symbol === '') return mandatory('symbol');
    const m = this.o.engine.market(symbol);
    return m === undefined ? err(400, -1121, 'Invalid symbol.') : m;
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

const sideOut = (s: Side): 'BUY' | 'SELL' => (s === 'buy' ? 'BUY' : 'SELL');
