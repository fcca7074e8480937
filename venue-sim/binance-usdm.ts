/**
 * Binance USDⓈ-M futures' REST dialect (`/fapi`) over the simulator's engine and its perpetual
 * account (perp-account.ts): the endpoints ccxt's `binanceusdm` class (4.5.84) calls for
 * markets, the book, orders, trades, balances, positions, leverage, fees and funding, in
 * Binance's futures wire format and with its futures error codes. Signing as on spot
 * (binance-auth.ts). One-way position mode (`positionSide` BOTH), cross margin, LIMIT orders
 * with `timeInForce` GTC or GTX (post-only). The wire details were taken from ccxt 4.5.84's
 * requests and parsers (docs/venue-sim.md lists the endpoints).
 */
import { Decimal } from '../domain/money/decimal.ts';
import { type BinanceCredentials, binanceAuthenticate, binanceErr as err, mandatory } from './binance-auth.ts';
import { type BinanceOrderContext, binanceAccountTrades, binanceCancelOrder, binanceDepth, binanceGetOrder, binanceMarket, binancePlaceOrder, binanceSide as sideOut } from './binance-orders.ts';
import type { SimMarket, SimOrder, SimRejectReason, SimTrade, VenueEngine } from './engine.ts';
import type { FaultDefaultEndpoints, FaultInjector } from './faults.ts';
import { type IncomeType, type PerpAccount, type PositionRisk, SETTLE_ASSET } from './perp-account.ts';
import { type PublicTradeTape, binanceAggTrades } from './public-trades.ts';
import type { SimRequest, SimResponse, VenueDialect } from './server.ts';

export interface BinanceUsdmOptions {
  readonly engine: VenueEngine;
  readonly account: PerpAccount;
  readonly credentials: BinanceCredentials;
  /** Maker and taker fee rates the commission endpoint reports (the matching model's own fees). */
  readonly fees: { readonly maker: Decimal; readonly taker: Decimal };
  readonly faults?: FaultInjector;
  /** The public trade tape `GET /fapi/v1/aggTrades` serves (public-trades.ts); without one the route is not served. */
  readonly publicTrades?: PublicTradeTape;
}

export const USDM_ROUTES = { order: '/fapi/v1/order', userTrades: 'GET /fapi/v1/userTrades' } as const;

/** The fault types whose default routes are venue-specific, on USDⓈ-M's routes. */
export const USDM_FAULT_ENDPOINTS: FaultDefaultEndpoints = {
  lostAck: [`POST ${USDM_ROUTES.order}`, `DELETE ${USDM_ROUTES.order}`],
  fillOnCancelled: [`DELETE ${USDM_ROUTES.order}`],
  phantomTrades: [USDM_ROUTES.userTrades],
  missingTrades: [USDM_ROUTES.userTrades],
};

const MAX_NOTIONAL = '1000000000';
const invalidSymbol = (): SimResponse => err(400, -1121, 'Invalid symbol.');

const REJECTS: Readonly<Record<SimRejectReason, (m: SimMarket) => SimResponse>> = {
  post_only_would_cross: () => err(400, -5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.'),
  insufficient_funds: () => err(400, -2019, 'Margin is insufficient.'),
  duplicate_client_order_id: () => err(400, -4116, 'ClientOrderId is duplicated.'),
  invalid_amount: () => err(400, -4023, 'Quantity not increased by step size.'),
  invalid_price: () => err(400, -4014, 'Price not increased by tick size.'),
  min_notional: (m) => err(400, -4164, `Order's notional must be no smaller than ${m.rules.minNotional.toFixed()} (unless you choose reduce only).`),
  no_book: () => err(400, -1000, 'An unknown error occurred while processing the request.'),
  unknown_symbol: invalidSymbol,
  unknown_market: invalidSymbol,
  cancelled: () => err(400, -2010, 'Order was canceled or expired.'),
  venue_rejected: () => err(400, -2010, 'Order rejected.'),
};

const INCOME_TYPES: readonly IncomeType[] = ['REALIZED_PNL', 'COMMISSION', 'FUNDING_FEE', 'TRANSFER'];

type Handler = (p: URLSearchParams, route: string) => Promise<SimResponse> | SimResponse;

export class BinanceUsdmDialect implements VenueDialect {
  private readonly publicRoutes: Readonly<Record<string, Handler>> = {
    'GET /fapi/v1/ping': () => this.ok({}),
    'GET /fapi/v1/time': () => this.ok({ serverTime: this.now() }),
    'GET /fapi/v1/exchangeInfo': () => this.ok(this.exchangeInfo()),
    'GET /fapi/v1/depth': (p) => this.depth(p),
    'GET /fapi/v1/premiumIndex': (p) => this.premiumIndex(p),
    'GET /fapi/v1/aggTrades': (p, route) => this.aggTrades(p, route),
  };

  private readonly signedRoutes: Readonly<Record<string, Handler>> = {
    'GET /fapi/v2/account': () => this.account(2),
    'GET /fapi/v3/account': () => this.account(3),
    'GET /fapi/v2/balance': () => this.balance(),
    'GET /fapi/v3/balance': () => this.balance(),
    'GET /fapi/v2/positionRisk': (p) => this.positionRisk(p, 2),
    'GET /fapi/v3/positionRisk': (p) => this.positionRisk(p, 3),
    'GET /fapi/v1/leverageBracket': (p) => this.leverageBracket(p),
    'POST /fapi/v1/leverage': (p) => this.setLeverage(p),
    'GET /fapi/v1/symbolConfig': (p) => this.symbolConfig(p),
    'GET /fapi/v1/commissionRate': (p) => this.commissionRate(p),
    'GET /fapi/v1/income': (p) => this.income(p),
    [`POST ${USDM_ROUTES.order}`]: (p) => this.placeOrder(p),
    [`GET ${USDM_ROUTES.order}`]: (p) => this.getOrder(p),
    [`DELETE ${USDM_ROUTES.order}`]: (p, route) => this.cancelOrder(p, route),
    'GET /fapi/v1/openOrders': (p) => this.openOrders(p),
    'DELETE /fapi/v1/allOpenOrders': (p) => this.cancelAll(p),
    [USDM_ROUTES.userTrades]: (p, route) => this.userTrades(p, route),
  };

  private readonly ctx: BinanceOrderContext;

  constructor(private readonly o: BinanceUsdmOptions) {
    this.ctx = { engine: o.engine, faults: o.faults, makerFeeRate: o.fees.maker };
  }

  async handle(req: SimRequest): Promise<SimResponse> {
    const route = `${req.method} ${req.path}`;
    const pub = this.publicRoutes[route];
    if (pub !== undefined) return pub(req.params, route);
    const handler = this.signedRoutes[route];
    if (handler === undefined) return err(404, -1000, `venue-sim (binance usdm) does not serve ${route}`);
    const denied = binanceAuthenticate(req, this.o.credentials, this.now());
    if (denied !== null) return denied;
    return handler(req.params, route);
  }

  private now(): number {
    return this.o.engine.now();
  }

  private ok(body: unknown): SimResponse {
    return { status: 200, body };
  }

  // ── public ─────────────────────────────────────────────────────────────────────────────────

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC', serverTime: this.now(), futuresType: 'U_MARGINED', rateLimits: [], exchangeFilters: [],
      assets: [{ asset: SETTLE_ASSET, marginAvailable: true, autoAssetExchange: '-10000' }],
      symbols: this.o.engine.marketList().map((m) => {
        const r = m.rules;
        return {
          symbol: m.id, pair: m.id, contractType: 'PERPETUAL', deliveryDate: 4133404800000, onboardDate: 1569398400000, status: 'TRADING',
          maintMarginPercent: '2.5000', requiredMarginPercent: '5.0000', baseAsset: r.base, quoteAsset: r.quote, marginAsset: SETTLE_ASSET,
          pricePrecision: r.tickSize.decimalPlaces(), quantityPrecision: r.lotStep.decimalPlaces(), baseAssetPrecision: 8, quotePrecision: 8,
          underlyingType: 'COIN', underlyingSubType: ['PoW'], triggerProtect: '0.0500', liquidationFee: '0.012500', marketTakeBound: '0.05', maxMoveOrderLimit: 10000,
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: r.tickSize.toFixed(), maxPrice: '4529764', tickSize: r.tickSize.toFixed() },
            { filterType: 'LOT_SIZE', stepSize: r.lotStep.toFixed(), maxQty: '1000', minQty: r.minAmount.toFixed() },
            { filterType: 'MARKET_LOT_SIZE', stepSize: r.lotStep.toFixed(), maxQty: '120', minQty: r.minAmount.toFixed() },
            { filterType: 'MAX_NUM_ORDERS', limit: 200 },
            { filterType: 'MIN_NOTIONAL', notional: r.minNotional.toFixed() },
            { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
          ],
          orderTypes: ['LIMIT'], timeInForce: ['GTC', 'GTX'],
        };
      }),
    };
  }

  private depth(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const d = binanceDepth(m, p, { fallback: 500, max: 1000, legalRange: '5, 10, 20, 50, 100, 500, 1000' });
    return 'status' in d ? d : this.ok({ lastUpdateId: d.lastUpdateId, E: this.now(), T: this.now(), bids: d.bids, asks: d.asks });
  }

  private premiumIndex(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    const f = this.o.account.funding;
    const one = (m: SimMarket): Record<string, unknown> => {
      const mark = this.o.account.mark(m)?.toFixed() ?? '0';
      return {
        symbol: m.id, markPrice: mark, indexPrice: mark, estimatedSettlePrice: mark, lastFundingRate: f.rate.toFixed(), interestRate: '0.00010000',
        nextFundingTime: f.next(this.now()), time: this.now(),
      };
    };
    if (symbol === null || symbol === '') return this.ok(this.o.engine.marketList().map(one));
    const m = this.o.engine.market(symbol);
    return m === undefined ? invalidSymbol() : this.ok(one(m));
  }

  // ── account ────────────────────────────────────────────────────────────────────────────────

  private account(version: 2 | 3): SimResponse {
    const a = this.o.account;
    const s = a.summary(this.o.engine.openOrders());
    const initial = s.positionInitialMargin.plus(s.openOrderInitialMargin);
    const maxWithdraw = Decimal.max(0, Decimal.min(s.available, s.wallet)).toFixed();
    const asset = {
      asset: SETTLE_ASSET, walletBalance: s.wallet.toFixed(), unrealizedProfit: s.unrealized.toFixed(), marginBalance: s.marginBalance.toFixed(), maintMargin: s.maintMargin.toFixed(),
      initialMargin: initial.toFixed(), positionInitialMargin: s.positionInitialMargin.toFixed(), openOrderInitialMargin: s.openOrderInitialMargin.toFixed(),
      crossWalletBalance: s.wallet.toFixed(), crossUnPnl: s.unrealized.toFixed(), availableBalance: s.available.toFixed(), maxWithdrawAmount: maxWithdraw,
      ...(version === 2 ? { marginAvailable: true } : {}), updateTime: a.walletUpdateTime,
    };
    const positions = s.positions.filter((r) => version === 2 || !r.qty.isZero()).map((r) => this.accountPosition(r, version));
    return this.ok({
      ...(version === 2 ? { feeTier: 0, feeBurn: false, canTrade: true, canDeposit: true, canWithdraw: true, updateTime: 0, multiAssetsMargin: false, tradeGroupId: -1 } : {}),
      totalInitialMargin: initial.toFixed(), totalMaintMargin: s.maintMargin.toFixed(), totalWalletBalance: s.wallet.toFixed(), totalUnrealizedProfit: s.unrealized.toFixed(),
      totalMarginBalance: s.marginBalance.toFixed(), totalPositionInitialMargin: s.positionInitialMargin.toFixed(), totalOpenOrderInitialMargin: s.openOrderInitialMargin.toFixed(),
      totalCrossWalletBalance: s.wallet.toFixed(), totalCrossUnPnl: s.unrealized.toFixed(), availableBalance: s.available.toFixed(), maxWithdrawAmount: maxWithdraw,
      assets: [asset], positions,
    });
  }

  private accountPosition(r: PositionRisk, version: 2 | 3): Record<string, unknown> {
    const base = {
      symbol: r.market.id, positionSide: 'BOTH', positionAmt: r.qty.toFixed(), unrealizedProfit: r.unrealized.toFixed(), isolatedMargin: '0', notional: r.notional.toFixed(),
      isolatedWallet: '0', initialMargin: r.initialMargin.plus(r.openOrderInitialMargin).toFixed(), maintMargin: r.maintMargin.toFixed(), updateTime: r.updateTime,
    };
    if (version === 3) return base;
    return {
      ...base, positionInitialMargin: r.initialMargin.toFixed(), openOrderInitialMargin: r.openOrderInitialMargin.toFixed(), leverage: String(r.leverage),
      isolated: false, entryPrice: r.entry.toFixed(), breakEvenPrice: r.entry.toFixed(), maxNotional: MAX_NOTIONAL, bidNotional: '0', askNotional: '0',
    };
  }

  private balance(): SimResponse {
    const s = this.o.account.summary(this.o.engine.openOrders());
    return this.ok([
      {
        accountAlias: 'SgsR', asset: SETTLE_ASSET, balance: s.wallet.toFixed(), crossWalletBalance: s.wallet.toFixed(), crossUnPnl: s.unrealized.toFixed(),
        availableBalance: s.available.toFixed(), maxWithdrawAmount: Decimal.max(0, Decimal.min(s.available, s.wallet)).toFixed(), marginAvailable: true, updateTime: this.o.account.walletUpdateTime,
      },
    ]);
  }

  private positionRisk(p: URLSearchParams, version: 2 | 3): SimResponse {
    const symbol = p.get('symbol');
    if (symbol !== null && symbol !== '' && this.o.engine.market(symbol) === undefined) return invalidSymbol();
    const open = this.o.engine.openOrders();
    const rows = this.o.engine
      .marketList()
      .filter((m) => symbol === null || symbol === '' || m.id === symbol)
      .map((m) => this.o.account.risk(m, open))
      // v3 lists only symbols with a position or open orders; v2 every symbol.
      .filter((r) => version === 2 || !r.qty.isZero() || r.openOrderInitialMargin.gt(0));
    return this.ok(
      rows.map((r) => {
        const common = {
          symbol: r.market.id, positionSide: 'BOTH', positionAmt: r.qty.toFixed(), entryPrice: r.entry.toFixed(), breakEvenPrice: r.entry.toFixed(), markPrice: r.mark?.toFixed() ?? '0',
          unRealizedProfit: r.unrealized.toFixed(), liquidationPrice: '0', isolatedMargin: '0', notional: r.notional.toFixed(), isolatedWallet: '0', updateTime: r.updateTime,
        };
        return version === 2
          ? { ...common, leverage: String(r.leverage), maxNotionalValue: MAX_NOTIONAL, marginType: 'cross', isAutoAddMargin: 'false' }
          : {
              ...common, marginAsset: SETTLE_ASSET, initialMargin: r.initialMargin.plus(r.openOrderInitialMargin).toFixed(), maintMargin: r.maintMargin.toFixed(),
              positionInitialMargin: r.initialMargin.toFixed(), openOrderInitialMargin: r.openOrderInitialMargin.toFixed(), adl: 0, bidNotional: '0', askNotional: '0',
            };
      }),
    );
  }

  private leverageBracket(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    const one = (m: SimMarket): Record<string, unknown> => {
      const params = this.o.account.paramsOf(m.id);
      return {
        symbol: m.id, notionalCoef: 1.0,
        brackets: [{ bracket: 1, initialLeverage: params?.maxLeverage ?? 1, notionalCap: Number(MAX_NOTIONAL), notionalFloor: 0, maintMarginRatio: params?.mmr.toNumber() ?? 0, cum: 0.0 }],
      };
    };
    if (symbol === null || symbol === '') return this.ok(this.o.engine.marketList().map(one));
    const m = this.o.engine.market(symbol);
    return m === undefined ? invalidSymbol() : this.ok(one(m));
  }

  private setLeverage(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const text = p.get('leverage');
    if (text === null || text === '') return mandatory('leverage');
    const leverage = Number(text);
    if (this.o.account.setLeverage(m.id, leverage) !== null) return err(400, -4028, `Leverage ${text} is not valid`);
    return this.ok({ leverage, maxNotionalValue: MAX_NOTIONAL, symbol: m.id });
  }

  private symbolConfig(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    const markets = this.o.engine.marketList().filter((m) => symbol === null || symbol === '' || m.id === symbol);
    if (markets.length === 0) return invalidSymbol();
    return this.ok(markets.map((m) => ({ symbol: m.id, marginType: 'CROSSED', isAutoAddMargin: 'false', leverage: this.o.account.leverage(m.id), maxNotionalValue: MAX_NOTIONAL })));
  }

  private commissionRate(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    return this.ok({ symbol: m.id, makerCommissionRate: this.o.fees.maker.toFixed(), takerCommissionRate: this.o.fees.taker.toFixed() });
  }

  private income(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    if (symbol !== null && symbol !== '' && this.o.engine.market(symbol) === undefined) return invalidSymbol();
    const type = p.get('incomeType');
    if (type !== null && type !== '' && !INCOME_TYPES.includes(type as IncomeType)) return err(400, -1100, `Illegal characters found in parameter 'incomeType'; legal range is '${INCOME_TYPES.join(', ')}'.`);
    const num = (k: string): number | undefined => (p.has(k) && p.get(k) !== '' ? Number(p.get(k)) : undefined);
    const limit = num('limit') ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return err(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '1-1000'.");
    const startTime = num('startTime');
    const endTime = num('endTime');
    const xs = this.o.account.income({
      ...(symbol !== null && symbol !== '' ? { marketId: symbol } : {}), ...(type !== null && type !== '' ? { type: type as IncomeType } : {}),
      ...(startTime !== undefined ? { startTime } : {}), ...(endTime !== undefined ? { endTime } : {}),
    });
    const page = startTime !== undefined ? xs.slice(0, limit) : xs.slice(-limit);
    return this.ok(page.map((e) => ({ symbol: e.marketId, incomeType: e.type, income: e.amount.toFixed(), asset: e.asset, info: e.type, time: e.time, tranId: e.id, tradeId: '' })));
  }

  // ── orders ─────────────────────────────────────────────────────────────────────────────────

  private placeOrder(p: URLSearchParams): Promise<SimResponse> {
    return binancePlaceOrder(this.o.engine, p, {
      orderType: (q) => {
        const type = q.get('type');
        if (type === null) return mandatory('type');
        if (type !== 'LIMIT') return err(400, -1116, 'Invalid orderType.');
        const tif = q.get('timeInForce');
        if (tif === null) return mandatory('timeInForce');
        if (tif !== 'GTC' && tif !== 'GTX') return err(400, -1115, 'Invalid timeInForce.');
        const positionSide = q.get('positionSide') ?? 'BOTH';
        if (positionSide !== 'BOTH') return err(400, -4061, "Order's position side does not match user's setting.");
        if (q.get('reduceOnly') === 'true') return err(400, -1106, "Parameter 'reduceOnly' sent when not required. (venue-sim does not serve reduce-only orders)");
        return tif === 'GTX';
      },
      badClientOrderId: () => err(400, -4015, 'Client order id is not valid.'),
      reject: (reason, m) => REJECTS[reason](m),
      json: (o) => this.orderJson(o),
    });
  }

  private getOrder(p: URLSearchParams): SimResponse {
    return binanceGetOrder(this.o.engine, p, (o) => this.orderJson(o));
  }

  private cancelOrder(p: URLSearchParams, route: string): Promise<SimResponse> {
    return binanceCancelOrder(this.ctx, p, route, (o) => this.orderJson(o));
  }

  private openOrders(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    if (symbol !== null && symbol !== '' && this.o.engine.market(symbol) === undefined) return invalidSymbol();
    return this.ok(this.o.engine.openOrders(symbol === null || symbol === '' ? undefined : symbol).map((o) => this.orderJson(o)));
  }

  private async cancelAll(p: URLSearchParams): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    await this.o.engine.cancelAll(m.id);
    // As Binance: the same answer whether or not anything was open.
    return this.ok({ code: 200, msg: 'The operation of cancel all open order is done.' });
  }

  private userTrades(p: URLSearchParams, route: string): SimResponse {
    return binanceAccountTrades(this.ctx, p, route, { json: (t) => this.tradeJson(t), phantomLots: 1, phantomFeeAsset: () => SETTLE_ASSET });
  }

  // ── wire shapes ────────────────────────────────────────────────────────────────────────────

  private aggTrades(p: URLSearchParams, route: string): SimResponse {
    const tape = this.o.publicTrades;
    if (tape === undefined) return err(404, -1000, `venue-sim (binance usdm) does not serve ${route}`);
    const m = this.marketOf(p);
    return 'status' in m ? m : binanceAggTrades(tape, m.id, p);
  }

  private marketOf(p: URLSearchParams): SimMarket | SimResponse {
    return binanceMarket(this.o.engine, p);
  }

  private orderJson(o: SimOrder): Record<string, unknown> {
    return {
      orderId: o.orderId, symbol: o.marketId, status: o.status, clientOrderId: o.clientOrderId, price: o.price.toFixed(),
      avgPrice: o.filled.gt(0) ? o.quoteFilled.div(o.filled).toFixed() : '0', origQty: o.amount.toFixed(), executedQty: o.filled.toFixed(), cumQty: o.filled.toFixed(),
      cumQuote: o.quoteFilled.toFixed(), timeInForce: o.postOnly ? 'GTX' : 'GTC', type: 'LIMIT', reduceOnly: false, closePosition: false, side: sideOut(o.side),
      positionSide: 'BOTH', stopPrice: '0', workingType: 'CONTRACT_PRICE', priceProtect: false, origType: 'LIMIT', priceMatch: 'NONE', selfTradePreventionMode: 'EXPIRE_MAKER',
      goodTillDate: 0, time: o.time, updateTime: o.updateTime,
    };
  }

  private tradeJson(t: SimTrade): Record<string, unknown> {
    return {
      buyer: t.side === 'buy', commission: t.fee.toFixed(), commissionAsset: t.feeAsset, id: t.id, maker: t.maker, orderId: t.orderId, price: t.price.toFixed(), qty: t.amount.toFixed(),
      quoteQty: t.price.times(t.amount).toFixed(), realizedPnl: (t.realizedPnl ?? new Decimal(0)).toFixed(), side: sideOut(t.side), positionSide: 'BOTH', symbol: t.marketId, time: t.time,
    };
  }
}
