/**
 * What Bitget's spot (bitget-spot.ts) and USDT-M futures (bitget-mix.ts) dialects share: request
 * signing as Bitget checks it (the `ACCESS-KEY`, `ACCESS-PASSPHRASE`, the base64 HMAC-SHA256
 * `ACCESS-SIGN` of timestamp + method + path (+ `?query`) + body, and `ACCESS-TIMESTAMP` within
 * ±30 s of the venue's clock), the `{code, msg, requestTime, data}` envelope and its error
 * answers, the parameters both APIs read the same way (a limit order, an order reference, a
 * fill query), placing and cancelling an order on the engine, the fill list under fault
 * injection, the coin list and the fee rate.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Decimal } from '../domain/money/decimal.ts';
import type { SimMarket, SimRejectReason, SimTrade, VenueEngine } from './engine.ts';
import { type FaultInjector, cancelUnderFaults } from './faults.ts';
import type { SimRequest, SimResponse } from './server.ts';

export interface BitgetCredentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string;
}

/** Bitget's window for `ACCESS-TIMESTAMP` around its clock. */
export const BITGET_TIMESTAMP_WINDOW_MS = 30_000;
/** The one account's user id, as Bitget reports it on orders and fills. */
export const BITGET_USER_ID = '7100000001';
const CLIENT_OID = /^[A-Za-z0-9_.:/-]{1,50}$/;
const DECIMAL = /^\d+(\.\d+)?$/;
/** Phantom trades (and their made-up orders) are numbered from here, far past any real id. */
const PHANTOM_ID_BASE = 900_000_000;
export const BIG = 1_000_000_000;

/** Bitget's error body (`data: null`); HTTP 400 unless said otherwise. */
export const bitgetErr = (code: string, msg: string, status = 400): SimResponse => ({ status, body: { code, msg, requestTime: Date.now(), data: null } });
/** 40019: a required parameter is missing (ccxt: BadRequest). */
export const emptyParam = (name: string): SimResponse => bitgetErr('40019', `Parameter ${name} cannot be empty`);
/** 40017: a parameter is malformed or not served (ccxt: BadRequest). */
export const invalidParam = (name: string, why: string): SimResponse => bitgetErr('40017', `Parameter verification failed: ${name} ${why}`);
/** Bitget's success envelope. */
export const bitgetOk = (now: number, data: unknown): SimResponse => ({ status: 200, body: { code: '00000', msg: 'success', requestTime: now, data } });

/** null when the request is signed by `c` in time; otherwise Bitget's error answer. */
export function bitgetAuthenticate(req: SimRequest, c: BitgetCredentials, now: number): SimResponse | null {
  const header = (name: string): string => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : '';
  };
  const key = header('access-key');
  const sign = header('access-sign');
  const ts = header('access-timestamp');
  const passphrase = header('access-passphrase');
  if (key === '') return bitgetErr('40001', 'ACCESS_KEY cannot be empty');
  if (sign === '') return bitgetErr('40003', 'Signature cannot be empty');
  if (ts === '' || !/^\d{1,16}$/.test(ts)) return bitgetErr('40005', 'Invalid ACCESS_TIMESTAMP');
  if (passphrase === '') return bitgetErr('40011', 'ACCESS_PASSPHRASE cannot be empty');
  if (key !== c.apiKey) return bitgetErr('40037', 'Apikey does not exist');
  if (passphrase !== c.passphrase) return bitgetErr('40012', 'apikey/password is incorrect');
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
  if (!matches(req.rawQuery) && (decoded === req.rawQuery || !matches(decoded))) return bitgetErr('40009', 'sign signature error');
  if (Math.abs(now - Number(ts)) > BITGET_TIMESTAMP_WINDOW_MS) return bitgetErr('40008', 'Request timestamp expired');
  return null;
}

/** A dialect's answers to the engine's refusals, by reason. */
export type BitgetRejects = Readonly<Record<SimRejectReason, (m: SimMarket, amount: string, price: string) => SimResponse>>;

/** The engine's refusals in Bitget's words; the three codes that differ between spot and futures are given. */
export function bitgetRejects(own: {
  readonly insufficient: () => SimResponse;
  readonly noBook: () => SimResponse;
  readonly unknownSymbol: () => SimResponse;
}): BitgetRejects {
  return {
    // desk's adapters/execution/ccxt-errors.ts recognises 40706 with a message naming post_only.
    post_only_would_cross: () => bitgetErr('40706', 'Wrong order price: the post_only order would match immediately and take liquidity'),
    insufficient_funds: own.insufficient,
    duplicate_client_order_id: () => bitgetErr('40500', 'Duplicate clientOid'),
    invalid_amount: (m, amount) => bitgetErr('40808', `Parameter verification exception size checkBDScale error value=${amount} checkScale=${m.rules.lotStep.decimalPlaces()}`),
    invalid_price: (m, _a, price) => bitgetErr('41103', `param price scale error error value=${price} checkScale=${m.rules.tickSize.decimalPlaces()}`),
    min_notional: (m) => bitgetErr('45110', `less than the minimum amount ${m.rules.minNotional.toFixed()} ${m.rules.quote}`),
    no_book: own.noBook,
    unknown_symbol: own.unknownSymbol,
    unknown_market: own.unknownSymbol,
    cancelled: () => bitgetErr('40015', 'System is abnormal, please try again later'),
    venue_rejected: () => bitgetErr('40015', 'System is abnormal, please try again later'),
  };
}

export interface BitgetLimitOrder {
  readonly side: 'buy' | 'sell';
  readonly postOnly: boolean;
  readonly size: string;
  readonly price: string;
  readonly clientOid?: string;
}

/** The limit order both APIs' place-order read (`side`, `orderType`, `force`, `size`, `price`, `clientOid`), or the error. */
export function parseLimitOrder(p: URLSearchParams): BitgetLimitOrder | SimResponse {
  const side = p.get('side');
  if (side === null || side === '') return emptyParam('side');
  if (side !== 'buy' && side !== 'sell') return invalidParam('side', 'must be buy or sell');
  const orderType = p.get('orderType');
  if (orderType === null || orderType === '') return emptyParam('orderType');
  if (orderType !== 'limit') return invalidParam('orderType', `${orderType} is not served by venue-sim (limit only)`);
  const force = (p.get('force') ?? '').toLowerCase();
  if (force === '') return emptyParam('force');
  if (force !== 'gtc' && force !== 'post_only') return invalidParam('force', `${force} is not served by venue-sim (gtc, post_only)`);
  const size = p.get('size');
  const price = p.get('price');
  if (size === null || size === '') return emptyParam('size');
  if (!DECIMAL.test(size)) return invalidParam('size', 'must be a positive decimal');
  if (price === null || price === '') return emptyParam('price');
  if (!DECIMAL.test(price)) return invalidParam('price', 'must be a positive decimal');
  const clientOid = p.get('clientOid') ?? undefined;
  if (clientOid !== undefined && !CLIENT_OID.test(clientOid)) return bitgetErr('40305', 'Client_oid length is not greater than 50, and cannot be Martian characters');
  return { side, postOnly: force === 'post_only', size, price, ...(clientOid !== undefined ? { clientOid } : {}) };
}

/**
 * Places the limit order `p` carries (parseLimitOrder) on `m`: Bitget's `{orderId, clientOid}`
 * answer, the parameter error, or the engine's refusal in the dialect's words (`rejects`).
 */
export async function bitgetPlaceLimit(engine: VenueEngine, m: SimMarket, p: URLSearchParams, rejects: BitgetRejects): Promise<SimResponse> {
  const o = parseLimitOrder(p);
  if ('status' in o) return o;
  const { side, size, price, clientOid } = o;
  const r = await engine.place({ marketId: m.id, side, price: new Decimal(price), amount: new Decimal(size), postOnly: o.postOnly, ...(clientOid !== undefined ? { clientOrderId: clientOid } : {}) });
  if (!r.ok) return rejects[r.reason](m, size, price);
  return bitgetOk(engine.now(), { orderId: String(r.order.orderId), clientOid: r.order.clientOrderId });
}

export type OrderRef = { readonly orderId?: number; readonly clientOrderId?: string };

/** The order named by `orderId` or `clientOid` (orderId wins), or the error to answer. */
export function parseOrderRef(p: { get(k: string): string | null }): OrderRef | SimResponse {
  const id = p.get('orderId');
  const cid = p.get('clientOid');
  if (id !== null && id !== '') {
    const n = Number(id);
    if (!/^\d{1,20}$/.test(id) || !Number.isSafeInteger(n)) return bitgetErr('40020', 'Parameter orderId error');
    return { orderId: n };
  }
  if (cid !== null && cid !== '') return { clientOrderId: cid };
  return bitgetErr('40019', 'Parameter orderId or clientOid cannot be empty');
}

/**
 * Cancels the order `p` names (parseOrderRef) on `m`, under a `fillOnCancelled` fault for `route`
 * (cancelUnderFaults): Bitget's `{orderId, clientOid}` answer, the parameter error, or the
 * dialect's `notFound` answer.
 */
export async function bitgetCancelOrder(
  o: { readonly engine: VenueEngine; readonly faults?: FaultInjector; readonly fees: { readonly maker: Decimal } },
  m: SimMarket,
  p: URLSearchParams,
  route: string,
  notFound: () => SimResponse,
): Promise<SimResponse> {
  const ref = parseOrderRef(p);
  if ('status' in ref) return ref;
  const c = await cancelUnderFaults(o.engine, o.faults, { marketId: m.id, ref, route, makerFeeRate: o.fees.maker });
  if (c === null) return notFound();
  return bitgetOk(o.engine.now(), { orderId: String(c.orderId), clientOid: c.clientOrderId });
}

export interface FillQuery {
  readonly limit: number;
  readonly orderId?: number;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly idLessThan?: number;
}

/** The fill list's query (`limit` 1-100, default 100; `orderId`, `startTime`, `endTime`, `idLessThan`), or the error. */
export function parseFillQuery(p: URLSearchParams): FillQuery | SimResponse {
  const num = (k: string): number | undefined => (p.has(k) && p.get(k) !== '' ? Number(p.get(k)) : undefined);
  const limit = num('limit') ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalidParam('limit', 'must be 1-100');
  const q: Record<string, number> = { limit };
  for (const k of ['orderId', 'startTime', 'endTime', 'idLessThan'] as const) {
    const v = num(k);
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v)) return invalidParam(k, 'must be an integer');
    q[k] = v;
  }
  return q as unknown as FillQuery;
}

/**
 * The account's fills of `m` for `q`, newest first (at most `limit`; `idLessThan` pages back),
 * altered as the fault injector says for `route`: real trades left out, trades the account never
 * made (with ids far past the real ones) added on top.
 */
export function selectFills(engine: VenueEngine, faults: FaultInjector | undefined, m: SimMarket, q: FillQuery, route: string, makerFee: Decimal): SimTrade[] {
  const xs = engine
    .trades(m.id, { ...(q.startTime !== undefined ? { startTime: q.startTime } : {}), ...(q.endTime !== undefined ? { endTime: q.endTime } : {}), limit: BIG })
    .filter((t) => (q.orderId === undefined || t.orderId === q.orderId) && (q.idLessThan === undefined || t.id < q.idLessThan))
    .reverse()
    .slice(0, q.limit);
  const alter = faults?.trades(route) ?? null;
  if (alter === null) return xs;
  const out = xs.filter((t) => !alter.omit(t.id));
  for (let k = 0; k < alter.phantoms; k++) {
    const id = PHANTOM_ID_BASE + (faults?.phantomId() ?? 0);
    const price = m.top?.bids[0]?.price ?? m.rules.tickSize;
    const amount = m.rules.minAmount.times(10);
    out.unshift({ id, orderId: id, marketId: m.id, side: 'buy', price, amount, fee: price.times(amount).times(makerFee), feeAsset: m.rules.quote, maker: true, time: engine.now() });
  }
  return out;
}

/** The book's best `limit` levels each side as Bitget lists them (string price, size), best first. */
export function bitgetBookSides(m: SimMarket, limit: number): { asks: string[][]; bids: string[][] } {
  const lv = (xs: readonly { price: Decimal; size: Decimal }[]): string[][] => xs.slice(0, limit).map((l) => [l.price.toFixed(), l.size.toFixed()]);
  return { asks: m.top ? lv(m.top.asks) : [], bids: m.top ? lv(m.top.bids) : [] };
}

/** `GET /api/v2/spot/public/coins`: ccxt's loadMarkets asks it (fetchCurrencies) whatever the market type. */
export function bitgetCoins(engine: VenueEngine, p: URLSearchParams): unknown[] {
  const coin = p.get('coin');
  const assets = [...new Set(engine.marketList().flatMap((m) => [m.rules.base, m.rules.quote]))].sort();
  return assets.filter((a) => coin === null || coin === '' || a === coin).map((a, i) => ({ coinId: String(i + 1), coin: a, transfer: 'false', areaCoin: 'no', chains: [] }));
}

/** `GET /api/v2/common/trade-rate` for `businessType` (spot: `spot`, futures: `mix`): the matching model's fee rates. */
export function bitgetTradeRate(p: URLSearchParams, businessType: 'spot' | 'mix', fees: { readonly maker: Decimal; readonly taker: Decimal }): { makerFeeRate: string; takerFeeRate: string } | SimResponse {
  const given = p.get('businessType');
  if (given === null || given === '') return emptyParam('businessType');
  if (given !== businessType) return invalidParam('businessType', `${given} is not served by this venue-sim (${businessType} only)`);
  return { makerFeeRate: fees.maker.toFixed(), takerFeeRate: fees.taker.toFixed() };
}

