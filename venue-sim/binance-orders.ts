/**
 * What Binance spot (`/api/v3`) and USDⓈ-M futures (`/fapi/v1`) read the same way off a request,
 * shared by both dialects: the symbol, the order reference of get-order and cancel-order
 * (`orderId`, else `origClientOrderId`), the book's `limit`, the order fields both place alike
 * (side, quantity, price, `newClientOrderId`) and the account-trades query. Each dialect passes
 * in what Binance answers differently on the two APIs (wire shapes, error codes, order types).
 * As on Binance, an order reference or trades-query parameter sent empty counts as not sent.
 */
import type { Side } from '../domain/instrument/rules.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { binanceErr as err, mandatory } from './binance-auth.ts';
import type { SimMarket, SimOrder, SimRejectReason, SimTrade, VenueEngine } from './engine.ts';
import { type FaultInjector, cancelUnderFaults } from './faults.ts';
import type { SimResponse } from './server.ts';

/** The engine and fault injector a dialect runs over, and its maker fee rate (fills on cancel). */
export interface BinanceOrderContext {
  readonly engine: VenueEngine;
  readonly faults?: FaultInjector | undefined;
  readonly makerFeeRate: Decimal;
}

/** An order by venue id or by client id, as the engine looks it up. */
export type BinanceOrderRef = { readonly orderId?: number; readonly clientOrderId?: string };

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const DECIMAL = /^\d+(\.\d+)?$/;
/** Phantom trades (and their made-up orders) are numbered from here, far past any real id. */
const PHANTOM_ID_BASE = 900_000_000;
/** How many trades are scanned when `orderId` filters the account's trades: all of them. */
const ALL_TRADES = 1_000_000_000;

/** A parameter's value; null when it was not sent or was sent empty. */
const given = (p: URLSearchParams, name: string): string | null => {
  const v = p.get(name);
  return v === null || v === '' ? null : v;
};

/** The market `symbol` names; -1102 when it is missing or empty, -1121 when it is unknown. */
export function binanceMarket(engine: VenueEngine, p: URLSearchParams): SimMarket | SimResponse {
  const symbol = given(p, 'symbol');
  if (symbol === null) return mandatory('symbol');
  return engine.market(symbol) ?? err(400, -1121, 'Invalid symbol.');
}

/** `orderId` if sent, else `origClientOrderId`; -1102 when both are missing or empty. */
export function binanceOrderRef(p: URLSearchParams): BinanceOrderRef | SimResponse {
  const id = given(p, 'orderId');
  const cid = given(p, 'origClientOrderId');
  if (id !== null) {
    const n = Number(id);
    if (!Number.isSafeInteger(n)) return err(400, -1100, "Illegal characters found in parameter 'orderId'; legal range is '^[0-9]{1,20}$'.");
    return { orderId: n };
  }
  if (cid !== null) return { clientOrderId: cid };
  return err(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}

/** `GET order`: the referenced order of the symbol as `json` shapes it; -2013 when there is none. */
export function binanceGetOrder(engine: VenueEngine, p: URLSearchParams, json: (o: SimOrder) => unknown): SimResponse {
  const m = binanceMarket(engine, p);
  if ('status' in m) return m;
  const ref = binanceOrderRef(p);
  if ('status' in ref) return ref;
  const o = engine.find(m.id, ref);
  return o === null ? err(400, -2013, 'Order does not exist.') : { status: 200, body: json(o) };
}

/** `DELETE order` (fault injection may fill it first): the cancelled order as `json` shapes it; -2011 when there is none. */
export async function binanceCancelOrder(c: BinanceOrderContext, p: URLSearchParams, route: string, json: (o: SimOrder) => unknown): Promise<SimResponse> {
  const m = binanceMarket(c.engine, p);
  if ('status' in m) return m;
  const ref = binanceOrderRef(p);
  if ('status' in ref) return ref;
  const o = await cancelUnderFaults(c.engine, c.faults, { marketId: m.id, ref, route, makerFeeRate: c.makerFeeRate });
  return o === null ? err(400, -2011, 'Unknown order sent.') : { status: 200, body: json(o) };
}

/** How a dialect places orders where spot and futures differ. */
export interface BinancePlaceRules {
  /** Checks `type`, `timeInForce` and the like: whether the order is post-only, or the refusal. */
  readonly orderType: (p: URLSearchParams) => boolean | SimResponse;
  /** The answer to a `newClientOrderId` Binance does not accept. */
  readonly badClientOrderId: () => SimResponse;
  /** The answer to an order the engine refused. */
  readonly reject: (reason: SimRejectReason, m: SimMarket) => SimResponse;
  /** The answer's body for the placed order. */
  readonly json: (o: SimOrder) => unknown;
}

/** `POST order`: symbol, side, the dialect's checks, quantity, price and client id, in Binance's order of checks. */
export async function binancePlaceOrder(engine: VenueEngine, p: URLSearchParams, rules: BinancePlaceRules): Promise<SimResponse> {
  const m = binanceMarket(engine, p);
  if ('status' in m) return m;
  const side = p.get('side');
  if (side !== 'BUY' && side !== 'SELL') return side === null ? mandatory('side') : err(400, -1100, "Illegal characters found in parameter 'side'; legal range is 'BUY, SELL'.");
  const postOnly = rules.orderType(p);
  if (typeof postOnly !== 'boolean') return postOnly;
  const qty = p.get('quantity');
  const price = p.get('price');
  if (qty === null || !DECIMAL.test(qty)) return mandatory('quantity');
  if (price === null || !DECIMAL.test(price)) return mandatory('price');
  const clientOrderId = p.get('newClientOrderId') ?? undefined;
  if (clientOrderId !== undefined && !CLIENT_ID.test(clientOrderId)) return rules.badClientOrderId();
  const r = await engine.place({ marketId: m.id, side: side === 'BUY' ? 'buy' : 'sell', price: new Decimal(price), amount: new Decimal(qty), postOnly, ...(clientOrderId !== undefined ? { clientOrderId } : {}) });
  return r.ok ? { status: 200, body: rules.json(r.order) } : rules.reject(r.reason, m);
}

/** The book of `m` to the requested `limit`, or the refusal of a limit out of range. */
export function binanceDepth(m: SimMarket, p: URLSearchParams, limits: { readonly fallback: number; readonly max: number; readonly legalRange: string }): { lastUpdateId: number; bids: string[][]; asks: string[][] } | SimResponse {
  const limit = p.has('limit') ? Number(p.get('limit')) : limits.fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.max) return err(400, -1100, `Illegal characters found in parameter 'limit'; legal range is '${limits.legalRange}'.`);
  const top = m.top;
  const lv = (xs: readonly { price: Decimal; size: Decimal }[]): string[][] => xs.slice(0, limit).map((l) => [l.price.toFixed(), l.size.toFixed()]);
  return { lastUpdateId: top?.ts ?? 0, bids: top ? lv(top.bids) : [], asks: top ? lv(top.asks) : [] };
}

/** How a dialect shapes account trades, and the made-up trades fault injection adds. */
export interface BinanceTradeShape {
  readonly json: (t: SimTrade) => unknown;
  /** A phantom trade's amount, in minimum order amounts of its market. */
  readonly phantomLots: number;
  /** The asset a phantom trade's fee is charged in. */
  readonly phantomFeeAsset: (m: SimMarket) => string;
}

/**
 * The account's trades of `symbol` (`myTrades` / `userTrades`): `limit` (default 500, at most
 * 1000), `orderId`, `fromId`, `startTime`, `endTime`; fault injection may leave trades out and
 * add phantom ones.
 */
export function binanceAccountTrades(c: BinanceOrderContext, p: URLSearchParams, route: string, shape: BinanceTradeShape): SimResponse {
  const m = binanceMarket(c.engine, p);
  if ('status' in m) return m;
  const num = (k: string): number | undefined => {
    const v = given(p, k);
    return v === null ? undefined : Number(v);
  };
  const limit = num('limit') ?? 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return err(400, -1100, "Illegal characters found in parameter 'limit'; legal range is '1-1000'.");
  const orderId = num('orderId');
  const fromId = num('fromId');
  const startTime = num('startTime');
  const endTime = num('endTime');
  let xs = c.engine.trades(m.id, {
    ...(fromId !== undefined ? { fromId } : {}), ...(startTime !== undefined ? { startTime } : {}), ...(endTime !== undefined ? { endTime } : {}), limit: orderId !== undefined ? ALL_TRADES : limit,
  });
  if (orderId !== undefined) xs = xs.filter((t) => t.orderId === orderId).slice(0, limit);
  const alter = c.faults?.trades(route) ?? null;
  if (alter === null) return { status: 200, body: xs.map((t) => shape.json(t)) };
  // Fault injection: real trades left out, trades the account never made added.
  const body = xs.filter((t) => !alter.omit(t.id)).map((t) => shape.json(t));
  for (let k = 0; k < alter.phantoms; k++) body.push(shape.json(phantomTrade(c, m, shape)));
  return { status: 200, body };
}

/** A maker buy of an order that never existed, with an id far past the real ones (phantomTrades). */
function phantomTrade(c: BinanceOrderContext, m: SimMarket, shape: BinanceTradeShape): SimTrade {
  const id = PHANTOM_ID_BASE + (c.faults?.phantomId() ?? 0);
  const price = m.top?.bids[0]?.price ?? m.rules.tickSize;
  const amount = m.rules.minAmount.times(shape.phantomLots);
  return { id, orderId: id, marketId: m.id, side: 'buy', price, amount, fee: price.times(amount).times(c.makerFeeRate), feeAsset: shape.phantomFeeAsset(m), maker: true, time: c.engine.now() };
}

/** Binance's side name. */
export const binanceSide = (s: Side): 'BUY' | 'SELL' => (s === 'buy' ? 'BUY' : 'SELL');
