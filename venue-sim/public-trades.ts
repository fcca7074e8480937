/**
 * The venue's public trade tape: every market trade the replay plays into a market's matching
 * model is also kept here (the latest `keep` per market), numbered per market and stamped with
 * the venue's clock when it was played — as a real venue stamps a trade when it happens (the
 * capture's own times are days old). The public-trades endpoints of every dialect serve it in
 * their wire format: Binance's `aggTrades` (spot `/api/v3`, USDⓈ-M `/fapi/v1`) and Bitget's
 * `market/fills-history` (spot and mix), the endpoints ccxt 4.5's `fetchTrades` calls.
 *
 * The tape is filled by `TapedPaperAdapter`, the market's paper model with a recording
 * `onMarket`, so the replay itself is not involved.
 */
import { PaperExecutionAdapter, type PaperExecutionOptions, type PaperMarketEvent } from '../adapters/execution/paper.ts';
import type { Side } from '../domain/instrument/rules.ts';
import type { Decimal } from '../domain/money/decimal.ts';
import { binanceErr } from './binance-auth.ts';
import { bitgetOk, invalidParam } from './bitget-auth.ts';
import type { SimResponse } from './server.ts';

export interface PublicTrade {
  readonly id: number;
  readonly price: Decimal;
  readonly amount: Decimal;
  /** The aggressor's side. */
  readonly takerSide: Side;
  /** Venue time it was played. */
  readonly time: number;
}

export interface TapeQuery {
  readonly startTime?: number;
  readonly endTime?: number;
  readonly limit: number;
}

/** The latest public trades of each market, oldest first. */
export class PublicTradeTape {
  private readonly byMarket = new Map<string, { next: number; trades: PublicTrade[] }>();

  constructor(
    private readonly now: () => number,
    private readonly keep = 5000,
  ) {}

  record(marketId: string, t: { readonly price: Decimal; readonly amount: Decimal; readonly takerSide: Side }): PublicTrade {
    let m = this.byMarket.get(marketId);
    if (m === undefined) {
      m = { next: 1, trades: [] };
      this.byMarket.set(marketId, m);
    }
    const trade: PublicTrade = { id: m.next++, price: t.price, amount: t.amount, takerSide: t.takerSide, time: this.now() };
    m.trades.push(trade);
    if (m.trades.length > this.keep) m.trades.splice(0, m.trades.length - this.keep);
    return trade;
  }

  /**
   * Trades in `[startTime, endTime]`: the earliest `limit` of them when a start is given (as
   * Binance pages forward from a start), else the latest `limit`.
   */
  list(marketId: string, q: TapeQuery): PublicTrade[] {
    const xs = (this.byMarket.get(marketId)?.trades ?? []).filter((t) => (q.startTime === undefined || t.time >= q.startTime) && (q.endTime === undefined || t.time <= q.endTime));
    return q.startTime !== undefined ? xs.slice(0, q.limit) : xs.slice(Math.max(0, xs.length - q.limit));
  }
}

/** A market's paper model that also records each market trade it is fed on the tape. */
export class TapedPaperAdapter extends PaperExecutionAdapter {
  constructor(
    options: PaperExecutionOptions,
    private readonly tape: PublicTradeTape,
    private readonly marketId: string,
  ) {
    super(options);
  }

  override onMarket(event: PaperMarketEvent): void {
    super.onMarket(event);
    if (event.type === 'market.trade') this.tape.record(this.marketId, event.trade);
  }
}

type Query = { readonly ok: true; readonly q: TapeQuery } | { readonly ok: false; readonly field: string; readonly message: string };

function queryOf(p: URLSearchParams, maxLimit: number, defaultLimit: number): Query {
  const num = (k: string): number | undefined => (p.has(k) && p.get(k) !== '' ? Number(p.get(k)) : undefined);
  const limit = num('limit') ?? defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) return { ok: false, field: 'limit', message: `legal range is '1-${maxLimit}'` };
  const startTime = num('startTime');
  const endTime = num('endTime');
  for (const [field, v] of [['startTime', startTime], ['endTime', endTime]] as const) {
    if (v !== undefined && !Number.isSafeInteger(v)) return { ok: false, field, message: 'expected epoch milliseconds' };
  }
  return { ok: true, q: { limit, ...(startTime !== undefined ? { startTime } : {}), ...(endTime !== undefined ? { endTime } : {}) } };
}

/** Binance `GET /api/v3/aggTrades` and `GET /fapi/v1/aggTrades` (one trade per aggregate; `m`: the buyer was the maker). */
export function binanceAggTrades(tape: PublicTradeTape, marketId: string, p: URLSearchParams): SimResponse {
  const r = queryOf(p, 1000, 500);
  if (!r.ok) return binanceErr(400, -1100, `Illegal characters found in parameter '${r.field}'; ${r.message}.`);
  const body = tape.list(marketId, r.q).map((t) => ({ a: t.id, p: t.price.toFixed(), q: t.amount.toFixed(), f: t.id, l: t.id, T: t.time, m: t.takerSide === 'sell', M: true }));
  return { status: 200, body };
}

/** Bitget `GET /api/v2/spot/market/fills-history` and `GET /api/v2/mix/market/fills-history` (newest first, as Bitget answers). */
export function bitgetFillsHistory(tape: PublicTradeTape, marketId: string, p: URLSearchParams, now: number): SimResponse {
  const r = queryOf(p, 1000, 500);
  if (!r.ok) return invalidParam(r.field, r.message);
  const data = tape
    .list(marketId, r.q)
    .reverse()
    .map((t) => ({ symbol: marketId, tradeId: String(t.id), side: t.takerSide, price: t.price.toFixed(), size: t.amount.toFixed(), ts: String(t.time) }));
  return bitgetOk(now, data);
}
