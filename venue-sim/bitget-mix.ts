/**
 * Bitget USDT-M futures' REST dialect (API v2 `mix`, productType USDT-FUTURES) over the
 * simulator's engine and its perpetual account (perp-account.ts): the endpoints ccxt's `bitget`
 * class (4.5.84, `options.uta: false`, `defaultType: 'swap'`) calls for contracts, the book,
 * orders, fills, the account, positions, leverage, fees and funding, in Bitget's wire format
 * (bitget-mix-wire.ts) and with Bitget's error codes. One-way position mode (`posMode`
 * one_way_mode), crossed margin, limit orders with `force` gtc or post_only. Signing, the
 * envelope and the shared parameter checks are bitget-auth.ts's.
 *
 * Other product types (COIN-FUTURES, USDC-FUTURES, the demo ones) list no contracts (ccxt's
 * loadMarkets asks for all six); any other endpoint asked about them refuses with 40017.
 */
import { Decimal } from '../domain/money/decimal.ts';
import {
  BIG, type BitgetCredentials, bitgetAuthenticate, bitgetBookSides, bitgetCancelOrder, bitgetCoins, bitgetErr as err, bitgetOk, bitgetPlaceLimit, bitgetRejects, bitgetTradeRate,
  emptyParam as empty, invalidParam as invalid, type OrderRef, parseFillQuery, parseOrderRef, selectFills,
} from './bitget-auth.ts';
import { accountJson, billJson, contractJson, fillJson, orderJson, positionJson } from './bitget-mix-wire.ts';
import type { SimMarket, SimOrder, VenueEngine } from './engine.ts';
import { type FaultDefaultEndpoints, type FaultInjector, cancelUnderFaults } from './faults.ts';
import { type IncomeEntry, type PerpAccount, SETTLE_ASSET } from './perp-account.ts';
import { type PublicTradeTape, bitgetFillsHistory } from './public-trades.ts';
import type { SimRequest, SimResponse, VenueDialect } from './server.ts';

export interface BitgetMixOptions {
  readonly engine: VenueEngine;
  readonly account: PerpAccount;
  readonly credentials: BitgetCredentials;
  /** Maker and taker fee rates the contracts and the fee endpoint report (the matching model's own fees). */
  readonly fees: { readonly maker: Decimal; readonly taker: Decimal };
  readonly faults?: FaultInjector;
  /** The public trade tape `GET /api/v2/mix/market/fills-history` serves (public-trades.ts); without one the route is not served. */
  readonly publicTrades?: PublicTradeTape;
}

export const PRODUCT_TYPE = 'USDT-FUTURES';

export const BITGET_MIX_ROUTES = {
  placeOrder: 'POST /api/v2/mix/order/place-order',
  cancelOrder: 'POST /api/v2/mix/order/cancel-order',
  batchCancel: 'POST /api/v2/mix/order/batch-cancel-orders',
  cancelAll: 'POST /api/v2/mix/order/cancel-all-orders',
  fills: 'GET /api/v2/mix/order/fills',
  fillHistory: 'GET /api/v2/mix/order/fill-history',
} as const;

/** Bitget USDT-M's routes for the faults whose default routes are venue-specific. */
export const BITGET_MIX_FAULT_ENDPOINTS: FaultDefaultEndpoints = {
  lostAck: [BITGET_MIX_ROUTES.placeOrder, BITGET_MIX_ROUTES.cancelOrder],
  fillOnCancelled: [BITGET_MIX_ROUTES.cancelOrder],
  phantomTrades: [BITGET_MIX_ROUTES.fills, BITGET_MIX_ROUTES.fillHistory],
  missingTrades: [BITGET_MIX_ROUTES.fills, BITGET_MIX_ROUTES.fillHistory],
};

const badSymbol = (): SimResponse => err('40102', 'Contract configuration does not exist, please check the parameters');
const orderNotFound = (): SimResponse => err('40768', 'Order does not exist');

const REJECTS = bitgetRejects({
  insufficient: () => err('40762', 'The order amount exceeds the balance'),
  noBook: () => err('40308', 'The contract is being temporarily maintained'),
  unknownSymbol: badSymbol,
});

/** Bill `businessType`s of the account's income entries (trade PnL and fees are on the fills, not billed here). */
const BILL_TYPE = (e: IncomeEntry): string | null => (e.type === 'FUNDING_FEE' ? 'contract_settle_fee' : e.type === 'TRANSFER' ? (e.amount.isPositive() ? 'trans_from_exchange' : 'trans_to_exchange') : null);

type Handler = (p: URLSearchParams, route: string, req: SimRequest) => Promise<SimResponse> | SimResponse;

export class BitgetMixDialect implements VenueDialect {
  private readonly publicRoutes: Readonly<Record<string, Handler>> = {
    'GET /api/v2/public/time': () => this.ok({ serverTime: String(this.now()) }),
    'GET /api/v2/spot/public/coins': (p) => this.ok(bitgetCoins(this.o.engine, p)),
    'GET /api/v2/mix/market/contracts': (p) => this.contracts(p),
    'GET /api/v2/mix/market/merge-depth': (p) => this.mergeDepth(p),
    'GET /api/v2/mix/market/current-fund-rate': (p) => this.perMarket(p, (m) => this.fundRate(m)),
    'GET /api/v2/mix/market/funding-time': (p) => this.perMarket(p, (m) => ({ symbol: m.id, nextFundingTime: String(this.account.funding.next(this.now())), ratePeriod: this.intervalHours() })),
    'GET /api/v2/mix/market/symbol-price': (p) => this.perMarket(p, (m) => this.symbolPrice(m)),
    'GET /api/v2/mix/market/fills-history': (p, route) => this.publicFills(p, route),
  };

  private readonly signedRoutes: Readonly<Record<string, Handler>> = {
    'GET /api/v2/mix/account/accounts': (p) => this.accounts(p),
    'GET /api/v2/mix/account/account': (p) => this.singleAccount(p),
    'POST /api/v2/mix/account/set-leverage': (p) => this.setLeverage(p),
    'GET /api/v2/mix/account/bill': (p) => this.bill(p),
    'GET /api/v2/mix/position/all-position': (p) => this.positions(p, false),
    'GET /api/v2/mix/position/single-position': (p) => this.positions(p, true),
    [BITGET_MIX_ROUTES.placeOrder]: (p) => this.placeOrder(p),
    [BITGET_MIX_ROUTES.cancelOrder]: (p, route) => this.cancelOrder(p, route),
    [BITGET_MIX_ROUTES.batchCancel]: (p, route, req) => this.batchCancel(p, route, req),
    [BITGET_MIX_ROUTES.cancelAll]: (p) => this.cancelAll(p),
    'GET /api/v2/mix/order/detail': (p) => this.detail(p),
    'GET /api/v2/mix/order/orders-pending': (p) => this.pending(p),
    [BITGET_MIX_ROUTES.fills]: (p, route) => this.fills(p, route),
    [BITGET_MIX_ROUTES.fillHistory]: (p, route) => this.fills(p, route),
    'GET /api/v2/common/trade-rate': (p) => this.tradeRate(p),
  };

  constructor(private readonly o: BitgetMixOptions) {}

  async handle(req: SimRequest): Promise<SimResponse> {
    const route = `${req.method} ${req.path}`;
    const pub = this.publicRoutes[route];
    if (pub !== undefined) return pub(req.params, route, req);
    const handler = this.signedRoutes[route];
    if (handler === undefined) return err('40404', `Request URL NOT FOUND: venue-sim (bitget usdt-futures) does not serve ${route}`, 404);
    const denied = bitgetAuthenticate(req, this.o.credentials, this.now());
    if (denied !== null) return denied;
    return handler(req.params, route, req);
  }

  private get account(): PerpAccount {
    return this.o.account;
  }

  private now(): number {
    return this.o.engine.now();
  }

  private ok(data: unknown): SimResponse {
    return bitgetOk(this.now(), data);
  }

  private intervalHours(): string {
    return new Decimal(this.account.funding.intervalMs).div(3_600_000).toFixed();
  }

  // ── parameters ─────────────────────────────────────────────────────────────────────────────

  /** null when `productType` is USDT-FUTURES (any case) and `marginCoin`, if given, is USDT; else the error. */
  private productType(p: URLSearchParams): SimResponse | null {
    const t = p.get('productType');
    if (t === null || t === '') return empty('productType');
    if (t.toUpperCase() !== PRODUCT_TYPE) return invalid('productType', `${t} is not served by venue-sim (${PRODUCT_TYPE} only)`);
    const coin = p.get('marginCoin');
    if (coin !== null && coin !== '' && coin.toUpperCase() !== SETTLE_ASSET) return invalid('marginCoin', `${coin} is not served by venue-sim (${SETTLE_ASSET} only)`);
    return null;
  }

  /** The market `symbol` names, the product type checked. */
  private publicFills(p: URLSearchParams, route: string): SimResponse {
    const tape = this.o.publicTrades;
    if (tape === undefined) return err('40404', `Request URL NOT FOUND: venue-sim (bitget usdt-futures) does not serve ${route}`, 404);
    const m = this.marketOf(p);
    return 'status' in m ? m : bitgetFillsHistory(tape, m.id, p, this.now());
  }

  private marketOf(p: URLSearchParams): SimMarket | SimResponse {
    const bad = this.productType(p);
    if (bad !== null) return bad;
    const symbol = p.get('symbol');
    if (symbol === null || symbol === '') return empty('symbol');
    return this.o.engine.market(symbol.toUpperCase()) ?? badSymbol();
  }

  /** The markets an optional `symbol` selects (all when absent), the product type checked. */
  private marketsOf(p: URLSearchParams): SimMarket[] | SimResponse {
    const bad = this.productType(p);
    if (bad !== null) return bad;
    const symbol = p.get('symbol');
    if (symbol === null || symbol === '') return this.o.engine.marketList();
    const m = this.o.engine.market(symbol.toUpperCase());
    return m === undefined ? badSymbol() : [m];
  }

  private perMarket(p: URLSearchParams, f: (m: SimMarket) => Record<string, unknown>): SimResponse {
    const ms = this.marketsOf(p);
    return 'status' in ms ? ms : this.ok(ms.map(f));
  }

  // ── public ─────────────────────────────────────────────────────────────────────────────────

  private contracts(p: URLSearchParams): SimResponse {
    const t = p.get('productType');
    if (t === null || t === '') return empty('productType');
    // ccxt's loadMarkets asks every product type; only USDT-FUTURES has contracts here.
    if (t.toUpperCase() !== PRODUCT_TYPE) return this.ok([]);
    const ms = this.marketsOf(p);
    if ('status' in ms) return ms;
    return this.ok(ms.map((m) => contractJson(m, this.account.paramsOf(m.id)?.maxLeverage ?? 1, this.o.fees, this.intervalHours())));
  }

  private mergeDepth(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const text = p.get('limit') ?? '100';
    const limit = text === 'max' ? 150 : Number(text);
    if (!Number.isInteger(limit) || limit < 1 || limit > 150) return invalid('limit', 'must be 1-150 or max');
    const scale = m.rules.tickSize.toFixed();
    return this.ok({ ...bitgetBookSides(m, limit), precision: 'scale0', scale, isMaxPrecision: 'NO', ts: String(m.top?.ts ?? this.now()) });
  }

  private fundRate(m: SimMarket): Record<string, unknown> {
    const f = this.account.funding;
    return { symbol: m.id, fundingRate: f.rate.toFixed(), fundingRateInterval: this.intervalHours(), nextUpdate: String(f.next(this.now())), minFundingRate: '-0.003', maxFundingRate: '0.003' };
  }

  private symbolPrice(m: SimMarket): Record<string, unknown> {
    const mark = this.account.mark(m)?.toFixed() ?? '0';
    return { symbol: m.id, price: mark, indexPrice: mark, markPrice: mark, ts: String(this.now()) };
  }

  // ── account, positions, leverage, bills ────────────────────────────────────────────────────

  private accounts(p: URLSearchParams): SimResponse {
    const bad = this.productType(p);
    if (bad !== null) return bad;
    return this.ok([accountJson(this.account.summary(this.o.engine.openOrders()), null)]);
  }

  /** One symbol's account (ccxt's fetchLeverage reads `crossedMarginLeverage` from it). */
  private singleAccount(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    return this.ok(accountJson(this.account.summary(this.o.engine.openOrders()), { symbol: m.id, leverage: this.account.leverage(m.id) }));
  }

  private setLeverage(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const text = p.get('leverage');
    if (text === null || text === '') return empty('leverage');
    const refused = this.account.setLeverage(m.id, /^\d+$/.test(text) ? Number(text) : Number.NaN);
    // Bitget's code for a leverage above the contract's maximum could not be checked from here:
    // its generic parameter-verification code (ccxt: BadRequest) is used.
    if (refused !== null) return invalid('leverage', `${text}: the leverage must be a whole number from 1 to ${this.account.paramsOf(m.id)?.maxLeverage ?? 1} on ${m.id}`);
    const lev = String(this.account.leverage(m.id));
    return this.ok({ symbol: m.id, marginCoin: SETTLE_ASSET, longLeverage: lev, shortLeverage: lev, crossMarginLeverage: lev, marginMode: 'crossed' });
  }

  private positions(p: URLSearchParams, single: boolean): SimResponse {
    const ms = single ? this.marketOf(p) : this.marketsOf(p);
    if ('status' in ms) return ms;
    const s = this.account.summary(this.o.engine.openOrders());
    const ids = new Set((Array.isArray(ms) ? ms : [ms]).map((m) => m.id));
    // As Bitget: only positions that hold something are listed.
    return this.ok(s.positions.filter((r) => ids.has(r.market.id) && !r.qty.isZero()).map((r) => positionJson(r, s)));
  }

  private bill(p: URLSearchParams): SimResponse {
    const ms = this.marketsOf(p);
    if ('status' in ms) return ms;
    const q = parseFillQuery(p);
    if ('status' in q) return q;
    const businessType = p.get('businessType');
    const symbol = p.get('symbol');
    const entries = this.account
      .income({ ...(q.startTime !== undefined ? { startTime: q.startTime } : {}), ...(q.endTime !== undefined ? { endTime: q.endTime } : {}) })
      .filter((e) => {
        const type = BILL_TYPE(e);
        return type !== null && (businessType === null || businessType === '' || type === businessType) && (symbol === null || symbol === '' || e.marketId === symbol.toUpperCase()) && (q.idLessThan === undefined || e.id < q.idLessThan);
      })
      .reverse()
      .slice(0, q.limit);
    const bills = entries.map((e) => billJson(e, BILL_TYPE(e) as string));
    return this.ok({ bills, endId: entries.length > 0 ? String(entries[entries.length - 1]?.id) : null });
  }

  // ── orders ─────────────────────────────────────────────────────────────────────────────────

  private async placeOrder(p: URLSearchParams): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const marginMode = p.get('marginMode');
    if (marginMode === null || marginMode === '') return empty('marginMode');
    if (marginMode !== 'crossed') return invalid('marginMode', `${marginMode} is not served by venue-sim (crossed only)`);
    if ((p.get('tradeSide') ?? '') !== '') return err('40774', 'The order type for unilateral position must also be the unilateral position type.');
    const reduceOnly = (p.get('reduceOnly') ?? 'NO').toUpperCase();
    if (reduceOnly !== 'NO') return invalid('reduceOnly', `${reduceOnly} is not served by venue-sim (NO only)`);
    return bitgetPlaceLimit(this.o.engine, m, p, REJECTS);
  }

  private async cancelOrder(p: URLSearchParams, route: string): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    return bitgetCancelOrder(this.o, m, p, route, orderNotFound);
  }

  /** `orderIdList` given: those orders; absent: every open order of the symbol. */
  private async batchCancel(p: URLSearchParams, route: string, req: SimRequest): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    let refs: OrderRef[];
    // The list is a JSON array of objects: read from the body as sent (the flattened params lose it).
    let list: unknown;
    try {
      list = (JSON.parse(req.rawBody === '' ? '{}' : req.rawBody) as { orderIdList?: unknown }).orderIdList;
    } catch {
      return invalid('orderIdList', 'the body must be JSON');
    }
    if (list === undefined || list === null) {
      refs = this.o.engine.openOrders(m.id).map((o) => ({ orderId: o.orderId }));
    } else {
      if (!Array.isArray(list) || list.length > 50) return invalid('orderIdList', 'must be a list of at most 50 {orderId} or {clientOid}');
      refs = [];
      for (const x of list as unknown[]) {
        const item = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
        const ref = parseOrderRef({ get: (k) => (item[k] === undefined || item[k] === null ? null : String(item[k])) });
        if ('status' in ref) return ref;
        refs.push(ref);
      }
    }
    return this.ok(await this.cancelEach(m, refs, route));
  }

  /** Every open order of the product type. */
  private async cancelAll(p: URLSearchParams): Promise<SimResponse> {
    const bad = this.productType(p);
    if (bad !== null) return bad;
    const successList: Record<string, string>[] = [];
    for (const m of this.o.engine.marketList()) for (const o of await this.o.engine.cancelAll(m.id)) successList.push({ orderId: String(o.orderId), clientOid: o.clientOrderId });
    return this.ok({ successList, failureList: [] });
  }

  private async cancelEach(m: SimMarket, refs: readonly OrderRef[], route: string): Promise<{ successList: unknown[]; failureList: unknown[] }> {
    const successList: unknown[] = [];
    const failureList: unknown[] = [];
    for (const ref of refs) {
      const o = await cancelUnderFaults(this.o.engine, this.o.faults, { marketId: m.id, ref, route, makerFeeRate: this.o.fees.maker });
      if (o !== null) successList.push({ orderId: String(o.orderId), clientOid: o.clientOrderId });
      else failureList.push({ orderId: ref.orderId !== undefined ? String(ref.orderId) : '', clientOid: ref.clientOrderId ?? '', errorMsg: 'Order does not exist', errorCode: '40768' });
    }
    return { successList, failureList };
  }

  private detail(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const ref = parseOrderRef(p);
    if ('status' in ref) return ref;
    const o = this.o.engine.find(m.id, ref);
    if (o === null) return err('40109', 'The data of the order cannot be found, please confirm the order number');
    return this.ok(this.orderJson(o, 'state'));
  }

  private pending(p: URLSearchParams): SimResponse {
    const ms = this.marketsOf(p);
    if ('status' in ms) return ms;
    const limit = p.has('limit') && p.get('limit') !== '' ? Number(p.get('limit')) : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('limit', 'must be 1-100');
    const cid = p.get('clientOid');
    const ids = new Set(ms.map((m) => m.id));
    // Newest first, as Bitget lists them.
    const open = this.o.engine
      .openOrders()
      .filter((o) => ids.has(o.marketId) && (cid === null || cid === '' || o.clientOrderId === cid))
      .sort((a, b) => b.orderId - a.orderId)
      .slice(0, limit);
    // As Bitget: no open orders is a null list.
    return this.ok({ entrustedList: open.length === 0 ? null : open.map((o) => this.orderJson(o, 'status')), endId: open.length === 0 ? null : String(open[open.length - 1]?.orderId) });
  }

  private fills(p: URLSearchParams, route: string): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const q = parseFillQuery(p);
    if ('status' in q) return q;
    const xs = selectFills(this.o.engine, this.o.faults, m, q, route, this.o.fees.maker);
    return this.ok({ fillList: xs.map(fillJson), endId: xs.length === 0 ? null : String(xs[xs.length - 1]?.id) });
  }

  private tradeRate(p: URLSearchParams): SimResponse {
    const symbol = p.get('symbol');
    if (symbol === null || symbol === '') return empty('symbol');
    if (this.o.engine.market(symbol.toUpperCase()) === undefined) return badSymbol();
    const rate = bitgetTradeRate(p, 'mix', this.o.fees);
    return 'status' in rate ? rate : this.ok(rate);
  }

  private orderJson(o: SimOrder, statusKey: 'state' | 'status'): Record<string, unknown> {
    const trades = this.o.engine.trades(o.marketId, { limit: BIG }).filter((t) => t.orderId === o.orderId);
    return orderJson(o, trades, this.account.leverage(o.marketId), statusKey);
  }
}
