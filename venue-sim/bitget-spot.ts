/**
 * Bitget spot's REST dialect (API v2) over the simulator's engine: the endpoints ccxt's `bitget`
 * class calls for markets, balances, orders, trades, the book and fees, in Bitget's wire format
 * (the `{code:"00000", msg:"success", requestTime, data}` envelope, string decimals, `clientOid`,
 * `force`, statuses `live|partially_filled|filled|cancelled`) and with Bitget's error codes (the
 * ones ccxt's `exceptions` table maps to its exception classes; docs/venue-sim.md lists them).
 * Signed endpoints check the `ACCESS-KEY`, `ACCESS-PASSPHRASE`, the base64 HMAC-SHA256
 * `ACCESS-SIGN` of timestamp + method + path (+ `?query`) + body, and `ACCESS-TIMESTAMP` within
 * ±30 s of the simulator's clock. The wire details were taken from ccxt 4.5's requests and
 * parsers (`options.uta: false`, the classic v2 API).
 *
 * Also here: `BitgetFaultInjector`, the fault injector speaking Bitget (its answers in Bitget's
 * envelope, its default routes Bitget's), so fault specs work on Bitget routes unchanged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import type { SimMarket, SimOrder, SimOrderStatus, SimRejectReason, SimTrade, VenueEngine } from './engine.ts';
import { type Fault, FaultInjector, type PreAction, cancelUnderFaults, parseFaultSpec } from './faults.ts';
import type { SimRequest, SimResponse, VenueDialect } from './server.ts';

export interface BitgetCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
}

export interface BitgetSpotOptions {
  readonly engine: VenueEngine;
  readonly credentials: BitgetCredentials;
  /** Maker and taker fee rates the fee endpoints report (the matching model's own fees). */
  readonly fees: { readonly maker: Decimal; readonly taker: Decimal };
  /** Fault injection: the dialect asks it about cancels racing fills and altered trade lists. */
  readonly faults?: FaultInjector;
}

/** Bitget's window for `ACCESS-TIMESTAMP` around its clock. */
export const BITGET_TIMESTAMP_WINDOW_MS = 30_000;
/** The one account's user id, as Bitget reports it on orders and fills. */
const USER_ID = '7100000001';
const CLIENT_OID = /^[A-Za-z0-9_.:/-]{1,50}$/;
const DECIMAL = /^\d+(\.\d+)?$/;
/** Phantom trades (and their made-up orders) are numbered from here, far past any real id. */
const PHANTOM_ID_BASE = 900_000_000;
const BIG = 1_000_000_000;

export const BITGET_ROUTES = {
  placeOrder: 'POST /api/v2/spot/trade/place-order',
  cancelOrder: 'POST /api/v2/spot/trade/cancel-order',
  cancelSymbol: 'POST /api/v2/spot/trade/cancel-symbol-order',
  fills: 'GET /api/v2/spot/trade/fills',
} as const;

/** Bitget's error body (`data: null`); HTTP 400 unless said otherwise. */
const err = (code: string, msg: string, status = 400): SimResponse => ({ status, body: { code, msg, requestTime: Date.now(), data: null } });
const empty = (name: string): SimResponse => err('40019', `Parameter ${name} cannot be empty`);
const invalid = (name: string, why: string): SimResponse => err('40017', `Parameter verification failed: ${name} ${why}`);
const badSymbol = (): SimResponse => err('50004', 'The transaction pair is currently not supported or has been suspended');

const REJECTS: Readonly<Record<SimRejectReason, (m: SimMarket, amount: string, price: string) => SimResponse>> = {
  post_only_would_cross: () => err('40706', 'Wrong order price: the post_only order would match immediately and take liquidity'),
  insufficient_funds: () => err('43012', 'Insufficient balance'),
  duplicate_client_order_id: () => err('40500', 'Duplicate clientOid'),
  invalid_amount: (m, amount) => err('40808', `Parameter verification exception size checkBDScale error value=${amount} checkScale=${m.rules.lotStep.decimalPlaces()}`),
  invalid_price: (m, _a, price) => err('41103', `param price scale error error value=${price} checkScale=${m.rules.tickSize.decimalPlaces()}`),
  min_notional: (m) => err('45110', `less than the minimum amount ${m.rules.minNotional.toFixed()} ${m.rules.quote}`),
  no_book: () => err('41114', 'The current trading pair is under maintenance, please refer to the official announcement for the opening time'),
  unknown_symbol: () => badSymbol(),
  unknown_market: () => badSymbol(),
  cancelled: () => err('40015', 'System is abnormal, please try again later'),
  venue_rejected: () => err('40015', 'System is abnormal, please try again later'),
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
        return this.coins(p);
      case 'GET /api/v2/margin/currencies':
        // No margin trading: ccxt asks for it at loadMarkets (spot) and reads an empty list as "no margin".
        return this.ok([]);
      case 'GET /api/v2/spot/market/orderbook':
        return this.orderbook(p);
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
    const denied = this.authenticate(req);
    if (denied !== null) return denied;
    return handler(p);
  }

  // ── auth ───────────────────────────────────────────────────────────────────────────────────

  private authenticate(req: SimRequest): SimResponse | null {
    const header = (name: string): string => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : '';
    };
    const key = header('access-key');
    const sign = header('access-sign');
    const ts = header('access-timestamp');
    const passphrase = header('access-passphrase');
    const c = this.o.credentials;
    if (key === '') return err('40001', 'ACCESS_KEY cannot be empty');
    if (sign === '') return err('40003', 'Signature cannot be empty');
    if (ts === '' || !/^\d{1,16}$/.test(ts)) return err('40005', 'Invalid ACCESS_TIMESTAMP');
    if (passphrase === '') return err('40011', 'ACCESS_PASSPHRASE cannot be empty');
    if (key !== c.apiKey) return err('40037', 'Apikey does not exist');
    if (passphrase !== c.passphrase) return err('40012', 'apikey/password is incorrect');
    // timestamp + METHOD + path + ('?' + query, as sent) + body. ccxt signs the query unescaped
    // and sends it escaped, so the decoded query is accepted as well.
    const given = Buffer.from(sign, 'base64');
    const matches = (query: string): boolean => {
      const expected = createHmac('sha256', c.secret).update(`${ts}${req.method}${req.path}${query === '' ? '' : `?${query}`}${req.rawBody}`).digest();
      return given.length === expected.length && timingSafeEqual(given, expected);
    };
    let decoded = req.rawQuery;
    try {
      decoded = decodeURIComponent(req.rawQuery);
    } catch {
      // not percent-encoded text: only the raw form can match
    }
    if (!matches(req.rawQuery) && (decoded === req.rawQuery || !matches(decoded))) return err('40009', 'sign signature error');
    if (Math.abs(this.o.engine.now() - Number(ts)) > BITGET_TIMESTAMP_WINDOW_MS) return err('40008', 'Request timestamp expired');
    return null;
  }

  // ── public ─────────────────────────────────────────────────────────────────────────────────

  private ok(data: unknown): SimResponse {
    return { status: 200, body: { code: '00000', msg: 'success', requestTime: this.o.engine.now(), data } };
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

  private coins(p: URLSearchParams): SimResponse {
    const coin = p.get('coin');
    const assets = [...new Set(this.o.engine.marketList().flatMap((m) => [m.rules.base, m.rules.quote]))].sort();
    return this.ok(
      assets
        .filter((a) => coin === null || coin === '' || a === coin)
        .map((a, i) => ({ coinId: String(i + 1), coin: a, transfer: 'false', areaCoin: 'no', chains: [] })),
    );
  }

  private orderbook(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const limit = p.has('limit') ? Number(p.get('limit')) : 150;
    if (!Number.isInteger(limit) || limit < 1 || limit > 150) return invalid('limit', 'must be 1-150');
    const top = m.top;
    const lv = (xs: readonly { price: Decimal; size: Decimal }[]): string[][] => xs.slice(0, limit).map((l) => [l.price.toFixed(), l.size.toFixed()]);
    return this.ok({ asks: top ? lv(top.asks) : [], bids: top ? lv(top.bids) : [], ts: String(top?.ts ?? this.o.engine.now()) });
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
    const side = p.get('side');
    if (side === null || side === '') return empty('side');
    if (side !== 'buy' && side !== 'sell') return invalid('side', 'must be buy or sell');
    const orderType = p.get('orderType');
    if (orderType === null || orderType === '') return empty('orderType');
    if (orderType !== 'limit') return invalid('orderType', `${orderType} is not served by venue-sim (limit only)`);
    const force = (p.get('force') ?? '').toLowerCase();
    if (force === '') return empty('force');
    if (force !== 'gtc' && force !== 'post_only') return invalid('force', `${force} is not served by venue-sim (gtc, post_only)`);
    const size = p.get('size');
    const price = p.get('price');
    if (size === null || size === '') return empty('size');
    if (!DECIMAL.test(size)) return invalid('size', 'must be a positive decimal');
    if (price === null || price === '') return empty('price');
    if (!DECIMAL.test(price)) return invalid('price', 'must be a positive decimal');
    const clientOid = p.get('clientOid') ?? undefined;
    if (clientOid !== undefined && !CLIENT_OID.test(clientOid)) return err('40305', 'Client_oid length is not greater than 50, and cannot be Martian characters');
    const r = await this.o.engine.place({ marketId: m.id, side, price: new Decimal(price), amount: new Decimal(size), postOnly: force === 'post_only', ...(clientOid !== undefined ? { clientOrderId: clientOid } : {}) });
    if (!r.ok) return REJECTS[r.reason](m, size, price);
    return this.ok({ orderId: String(r.order.orderId), clientOid: r.order.clientOrderId });
  }

  /** The order named by `orderId` or `clientOid` (orderId wins), or the error to answer. */
  private ref(p: URLSearchParams): { orderId?: number; clientOrderId?: string } | SimResponse {
    const id = p.get('orderId');
    const cid = p.get('clientOid');
    if (id !== null && id !== '') {
      const n = Number(id);
      if (!/^\d{1,20}$/.test(id) || !Number.isSafeInteger(n)) return err('40020', 'Parameter orderId error');
      return { orderId: n };
    }
    if (cid !== null && cid !== '') return { clientOrderId: cid };
    return err('40019', 'Parameter orderId or clientOid cannot be empty');
  }

  private orderInfo(p: URLSearchParams): SimResponse {
    const ref = this.ref(p);
    if ('status' in ref) return ref;
    const o = this.findAnywhere(ref);
    // As Bitget: an order it does not know is an empty list (ccxt raises OrderNotFound).
    return this.ok(o === null ? [] : [this.orderJson(o)]);
  }

  private async cancelOrder(p: URLSearchParams, route: string): Promise<SimResponse> {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const ref = this.ref(p);
    if ('status' in ref) return ref;
    const o = await cancelUnderFaults(this.o.engine, this.o.faults, { marketId: m.id, ref, route, makerFeeRate: this.o.fees.maker });
    if (o === null) return err('43001', 'The order does not exist');
    return this.ok({ orderId: String(o.orderId), clientOid: o.clientOrderId });
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
    const num = (k: string): number | undefined => (p.has(k) && p.get(k) !== '' ? Number(p.get(k)) : undefined);
    const limit = num('limit') ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid('limit', 'must be 1-100');
    const orderId = num('orderId');
    const startTime = num('startTime');
    const endTime = num('endTime');
    const idLessThan = num('idLessThan');
    for (const [k, v] of [['orderId', orderId], ['startTime', startTime], ['endTime', endTime], ['idLessThan', idLessThan]] as const) {
      if (v !== undefined && !Number.isSafeInteger(v)) return invalid(k, 'must be an integer');
    }
    // Newest first, at most `limit`; idLessThan pages back.
    const xs = this.o.engine
      .trades(m.id, { ...(startTime !== undefined ? { startTime } : {}), ...(endTime !== undefined ? { endTime } : {}), limit: BIG })
      .filter((t) => (orderId === undefined || t.orderId === orderId) && (idLessThan === undefined || t.id < idLessThan))
      .reverse()
      .slice(0, limit);
    const alter = this.o.faults?.trades(route) ?? null;
    if (alter === null) return this.ok(xs.map((t) => this.fillJson(t)));
    // Fault injection: real trades left out, trades the account never made added.
    const data = xs.filter((t) => !alter.omit(t.id)).map((t) => this.fillJson(t));
    for (let k = 0; k < alter.phantoms; k++) data.unshift(this.fillJson(this.phantomTrade(m)));
    return this.ok(data);
  }

  /** A trade of an order that never existed, with an id far past the real ones (phantomTrades). */
  private phantomTrade(m: SimMarket): SimTrade {
    const id = PHANTOM_ID_BASE + (this.o.faults?.phantomId() ?? 0);
    const price = m.top?.bids[0]?.price ?? m.rules.tickSize;
    const amount = m.rules.minAmount.times(10);
    return { id, orderId: id, marketId: m.id, side: 'buy', price, amount, fee: price.times(amount).times(this.o.fees.maker), feeAsset: m.rules.quote, maker: true, time: this.o.engine.now() };
  }

  private tradeRate(p: URLSearchParams): SimResponse {
    const m = this.marketOf(p);
    if ('status' in m) return m;
    const businessType = p.get('businessType');
    if (businessType === null || businessType === '') return empty('businessType');
    if (businessType !== 'spot') return invalid('businessType', `${businessType} is not served by venue-sim (spot only)`);
    return this.ok({ makerFeeRate: this.o.fees.maker.toFixed(), takerFeeRate: this.o.fees.taker.toFixed() });
  }

  // ── wire shapes ────────────────────────────────────────────────────────────────────────────

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

// ── fault injection, in Bitget's words ───────────────────────────────────────────────────────

/** Bitget routes for the faults whose default routes are venue-specific (faults.ts has Binance's). */
const BITGET_DEFAULT_ENDPOINTS: Partial<Record<Fault['type'], readonly string[]>> = {
  lostAck: [BITGET_ROUTES.placeOrder, BITGET_ROUTES.cancelOrder],
  fillOnCancelled: [BITGET_ROUTES.cancelOrder],
  phantomTrades: [BITGET_ROUTES.fills],
  missingTrades: [BITGET_ROUTES.fills],
};

/**
 * The fault injector for a Bitget simulator: a fault without `endpoints` whose default routes are
 * Binance's gets Bitget's (place/cancel order, fills), and injected answers are Bitget's: a 429
 * is `{code:"429", msg:"Too Many Requests"}` (ccxt: DDoSProtection), the default errorRate answer
 * is `{code:"40015"}` (ExchangeError), and a code given in the spec is sent as Bitget's string code.
 */
export class BitgetFaultInjector extends FaultInjector {
  override install(input: unknown): ReturnType<FaultInjector['install']> {
    const spec = parseFaultSpec(input);
    return super.install({ ...spec, faults: spec.faults.map((f) => (f.endpoints === undefined && BITGET_DEFAULT_ENDPOINTS[f.type] !== undefined ? { ...f, endpoints: [...(BITGET_DEFAULT_ENDPOINTS[f.type] ?? [])] } : f)) });
  }

  override before(route: string): PreAction {
    const a = super.before(route);
    if (a.kind !== 'answer') return a;
    const body = (a.answer.body ?? {}) as { code?: unknown; msg?: unknown };
    let code = String(body.code ?? '40015');
    let msg = typeof body.msg === 'string' ? body.msg : '';
    if (a.answer.status === 429 && code === '-1003') {
      code = '429';
      msg = 'Too Many Requests';
    } else if (code === '-1000' && msg.startsWith('An unknown error occurred')) {
      code = '40015';
      msg = 'System is abnormal, please try again later';
    }
    return { ...a, answer: { ...a.answer, body: { code, msg, requestTime: Date.now(), data: null } } };
  }
}
