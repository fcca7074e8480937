/**
 * The venue simulator's exchange, independent of any venue's wire format: one funded account,
 * markets whose book is a recorded capture replayed on the clock (looping at the end), and
 * matching by the domain paper fill model (one `PaperExecutionAdapter` per market; the same
 * model the paper desk uses). The engine keeps what a venue keeps and the paper adapter does
 * not: numeric order ids, order status history, the account's balances with funds locked by
 * open orders (shared across markets), and the trade list.
 *
 * Time and the replay speed are injected; dialects (binance-spot.ts) turn HTTP requests into
 * these calls and these results into the venue's JSON.
 *
 * Fill reporting can lag the match (fault injection, `delayedFills`): a withheld fill is kept
 * aside with its trade id and match time, and applied — order, trade list, balances or margin
 * account — when its delay is over, so every view every dialect serves shows the pre-fill state
 * until then, and the fill afterwards with its original time.
 */
import { Subject } from 'rxjs';
import type { PaperExecutionAdapter } from '../adapters/execution/paper.ts';
import type { ExecutionUpdate, PlaceRejectReason } from '../adapters/execution/types.ts';
import type { ClientOrderId } from '../domain/ids.ts';
import type { InstrumentRules, Side } from '../domain/instrument/rules.ts';
import type { BookTop } from '../domain/market/types.ts';
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';

export type SimOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED';

export interface SimOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly marketId: string;
  readonly side: Side;
  readonly postOnly: boolean;
  readonly price: Decimal;
  readonly amount: Decimal;
  filled: Decimal;
  /** Σ fill price × amount. */
  quoteFilled: Decimal;
  status: SimOrderStatus;
  readonly time: number;
  updateTime: number;
}

export interface SimTrade {
  readonly id: number;
  readonly orderId: number;
  readonly marketId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly fee: Decimal;
  readonly feeAsset: string;
  readonly maker: boolean;
  readonly time: number;
  /** Realized profit or loss the fill booked (perpetual accounts only). */
  readonly realizedPnl?: Decimal;
}

export interface SimBalance {
  readonly asset: string;
  readonly free: Decimal;
  readonly locked: Decimal;
}

/** Why a place was refused (each dialect maps these to its venue's error). */
export type SimRejectReason = PlaceRejectReason | 'min_notional' | 'unknown_market';

export type SimPlaceResult = { readonly ok: true; readonly order: SimOrder } | { readonly ok: false; readonly reason: SimRejectReason; readonly message: string };

export interface SimMarket {
  readonly id: string;
  readonly rules: InstrumentRules;
  readonly adapter: PaperExecutionAdapter;
  /** The latest book top of the replay (null before the first). */
  top: BookTop | null;
}

/**
 * An account model other than spot's (perp-account.ts): it decides whether an order may be
 * placed and settles each fill. Without one, the engine keeps a spot account (balances per
 * asset, funds locked by open orders).
 */
export interface SimAccount {
  /** Why `req` may not be placed beside the open orders (a message), or null when it may. */
  refusal(req: { readonly market: SimMarket; readonly side: Side; readonly price: Decimal; readonly amount: Decimal }, open: readonly SimOrder[]): string | null;
  /** Books a fill; returns the realized profit or loss. */
  settle(market: SimMarket, side: Side, fill: { readonly price: Decimal; readonly amount: Decimal; readonly fee: Decimal; readonly feeAsset: string; readonly time: number }): Decimal;
}

/** A fill as the matching model made it, before the engine reports it. */
export interface SimFill {
  readonly marketId: string;
  readonly orderId: number;
  readonly tradeId: number;
  readonly liquidity: 'maker' | 'taker';
}

/**
 * How long the venue withholds a fill from its reports, in ms (0: at once). Asked once per fill,
 * at the match; fault injection (faults.ts, `delayedFills`) provides it.
 */
export type FillReportDelay = (fill: SimFill) => number;

/** A fill matched but not yet reported. */
interface Withheld {
  readonly market: SimMarket;
  readonly order: SimOrder;
  readonly update: Extract<ExecutionUpdate, { type: 'order.fill' }>;
  readonly tradeId: number;
  /** When it was matched (the trade's time) and when it is reported. */
  readonly at: number;
  readonly releaseAt: number;
  readonly cancelTimer: () => void;
}

export interface VenueEngineOptions {
  readonly clock: Clock;
  readonly markets: readonly SimMarket[];
  /** Starting balances of the account by asset (e.g. `{ USDT: '10000' }`). */
  readonly balances: Readonly<Record<string, string>>;
  /** First order id (default 1,000,001). */
  readonly firstOrderId?: number;
  /** The account model; default a spot account over `balances`. */
  readonly account?: SimAccount;
}

export class VenueEngine {
  private readonly markets = new Map<string, SimMarket>();
  private readonly totals = new Map<string, Decimal>();
  private readonly orders = new Map<number, SimOrder>();
  private readonly byClientId = new Map<string, number>(); // `${market}:${clientOrderId}` → orderId
  private readonly tradeList: SimTrade[] = [];
  private nextOrderId: number;
  private nextTradeId = 1;
  private nextClientId = 1;
  private reportDelay: FillReportDelay | null = null;
  /** Withheld fills, in release order (release time, then trade id). */
  private withheld: Withheld[] = [];
  /** Every order change and trade, for logs and tests. */
  readonly activity$ = new Subject<{ readonly type: 'order' | 'trade'; readonly order: SimOrder; readonly trade?: SimTrade }>();

  constructor(private readonly o: VenueEngineOptions) {
    this.nextOrderId = o.firstOrderId ?? 1_000_001;
    for (const [asset, amount] of Object.entries(o.balances)) this.totals.set(asset, new Decimal(amount));
    for (const m of o.markets) {
      this.markets.set(m.id, m);
      if (!this.totals.has(m.rules.base)) this.totals.set(m.rules.base, ZERO);
      if (!this.totals.has(m.rules.quote)) this.totals.set(m.rules.quote, ZERO);
      m.adapter.updates$.subscribe((u) => this.onUpdate(m, u));
    }
  }

  market(id: string): SimMarket | undefined {
    return this.markets.get(id);
  }

  marketList(): SimMarket[] {
    return [...this.markets.values()];
  }

  now(): number {
    return this.o.clock.now();
  }

  /** Sets (or, with null, removes) the fill reporting delay; fills already withheld keep their release time. */
  setFillReportDelay(delay: FillReportDelay | null): void {
    this.reportDelay = delay;
  }

  /** Sets a market's partial-fill bounds from now on (null: the model's start-time bounds); see PaperExecutionAdapter. */
  setPartialFillBounds(marketId: string, bounds: { readonly min: Decimal; readonly max: Decimal } | null): void {
    this.markets.get(marketId)?.adapter.setPartialFillBounds(bounds);
  }

  /** Fills matched but not reported yet (oldest release first). */
  withheldFills(): readonly { readonly marketId: string; readonly orderId: number; readonly tradeId: number; readonly amount: Decimal; readonly time: number; readonly releaseAt: number }[] {
    this.releaseDue();
    return this.withheld.map((w) => ({ marketId: w.market.id, orderId: w.order.orderId, tradeId: w.tradeId, amount: w.update.amount, time: w.at, releaseAt: w.releaseAt }));
  }

  /** Stops the release timers of withheld fills (they are never reported). */
  stop(): void {
    for (const w of this.withheld) w.cancelTimer();
    this.withheld = [];
  }

  /** Places a limit order; resolves once the venue has accepted it (after the model's latency) or refused it. */
  async place(req: { readonly marketId: string; readonly side: Side; readonly price: Decimal; readonly amount: Decimal; readonly postOnly: boolean; readonly clientOrderId?: string }): Promise<SimPlaceResult> {
    const m = this.markets.get(req.marketId);
    if (m === undefined) return { ok: false, reason: 'unknown_market', message: `unknown market ${req.marketId}` };
    const clientOrderId = req.clientOrderId ?? `sim-${this.nextClientId++}`;
    const key = `${m.id}:${clientOrderId}`;
    const existing = this.byClientId.get(key);
    if (existing !== undefined && this.isOpen(this.orders.get(existing))) return { ok: false, reason: 'duplicate_client_order_id', message: `client order id ${clientOrderId} is already in use by an open order` };
    const r = m.rules;
    if (req.amount.lt(r.minAmount) || !req.amount.div(r.lotStep).isInteger()) return { ok: false, reason: 'invalid_amount', message: `amount ${req.amount.toFixed()}: must be ≥ ${r.minAmount.toFixed()} and a multiple of ${r.lotStep.toFixed()}` };
    if (req.price.lte(0) || !req.price.div(r.tickSize).isInteger()) return { ok: false, reason: 'invalid_price', message: `price ${req.price.toFixed()}: must be > 0 and a multiple of ${r.tickSize.toFixed()}` };
    if (req.price.times(req.amount).lt(r.minNotional)) return { ok: false, reason: 'min_notional', message: `notional ${req.price.times(req.amount).toFixed()} below ${r.minNotional.toFixed()}` };
    if (this.o.account !== undefined) {
      const refusal = this.o.account.refusal({ market: m, side: req.side, price: req.price, amount: req.amount }, this.openOrders());
      if (refusal !== null) return { ok: false, reason: 'insufficient_funds', message: refusal };
    } else {
      const lockAsset = req.side === 'buy' ? r.quote : r.base;
      const lockAmount = req.side === 'buy' ? req.price.times(req.amount) : req.amount;
      if (this.free(lockAsset).lt(lockAmount)) return { ok: false, reason: 'insufficient_funds', message: `insufficient ${lockAsset}: free ${this.free(lockAsset).toFixed()}, needed ${lockAmount.toFixed()}` };
    }
    const now = this.o.clock.now();
    const order: SimOrder = {
      orderId: this.nextOrderId++, clientOrderId, marketId: m.id, side: req.side, postOnly: req.postOnly, price: req.price, amount: req.amount,
      filled: ZERO, quoteFilled: ZERO, status: 'NEW', time: now, updateTime: now,
    };
    // Registered before the model sees it, so funds are locked and fills find it.
    this.orders.set(order.orderId, order);
    this.byClientId.set(key, order.orderId);
    const outcome = await m.adapter.place({ clientOrderId: clientOrderId as ClientOrderId, symbol: m.id, side: req.side, price: req.price, amount: req.amount, postOnly: req.postOnly });
    if (outcome.type === 'order.reject') {
      order.status = outcome.reason === 'post_only_would_cross' ? 'EXPIRED' : 'REJECTED';
      order.updateTime = this.o.clock.now();
      this.activity$.next({ type: 'order', order });
      const message = outcome.reason === 'post_only_would_cross' ? 'Order would immediately match and take.' : `refused by the matching model: ${outcome.reason}`;
      return { ok: false, reason: outcome.reason, message };
    }
    this.activity$.next({ type: 'order', order });
    return { ok: true, order };
  }

  /**
   * Cancels an open order; null when there is no such open order. `fillFirst` (fault injection,
   * fillOnCancelled) first fills that fraction of the remaining amount at the order's price as a
   * maker fill at `feeRate`, as when the venue's match beats the cancel.
   */
  async cancel(marketId: string, ref: { readonly orderId?: number; readonly clientOrderId?: string }, opts: { readonly fillFirst?: { readonly fraction: number; readonly feeRate: Decimal } } = {}): Promise<SimOrder | null> {
    const order = this.find(marketId, ref);
    if (order === null || !this.isOpen(order)) return null;
    const m = this.markets.get(marketId) as SimMarket;
    if (opts.fillFirst !== undefined) this.fillBeforeCancel(m, order, opts.fillFirst.fraction, opts.fillFirst.feeRate);
    const outcome = await m.adapter.cancel(order.clientOrderId as ClientOrderId);
    if (outcome.type === 'order.cancel_reject') return null;
    return order;
  }

  /** Cancels every open order of a market; returns them. */
  async cancelAll(marketId: string): Promise<SimOrder[]> {
    const open = this.openOrders(marketId);
    const done: SimOrder[] = [];
    for (const o of open) {
      const c = await this.cancel(marketId, { orderId: o.orderId });
      if (c !== null) done.push(c);
    }
    return done;
  }

  /** An order by venue id or client id (any status); null when unknown. */
  find(marketId: string, ref: { readonly orderId?: number; readonly clientOrderId?: string }): SimOrder | null {
    this.releaseDue();
    const id = ref.orderId ?? (ref.clientOrderId !== undefined ? this.byClientId.get(`${marketId}:${ref.clientOrderId}`) : undefined);
    const o = id === undefined ? undefined : this.orders.get(id);
    return o !== undefined && o.marketId === marketId ? o : null;
  }

  openOrders(marketId?: string): SimOrder[] {
    this.releaseDue();
    return [...this.orders.values()].filter((o) => this.isOpen(o) && (marketId === undefined || o.marketId === marketId));
  }

  /** Trades of a market in id order, from `fromId` or within [startTime, endTime], at most `limit`. */
  trades(marketId: string, q: { readonly fromId?: number; readonly startTime?: number; readonly endTime?: number; readonly limit?: number } = {}): SimTrade[] {
    this.releaseDue();
    const limit = q.limit ?? 500;
    const xs = this.tradeList.filter(
      (t) =>
        t.marketId === marketId &&
        (q.fromId === undefined || t.id >= q.fromId) &&
        (q.startTime === undefined || t.time >= q.startTime) &&
        (q.endTime === undefined || t.time <= q.endTime),
    );
    // Binance returns the most recent `limit` unless fromId/startTime anchor the window.
    return q.fromId !== undefined || q.startTime !== undefined ? xs.slice(0, limit) : xs.slice(-limit);
  }

  balances(): SimBalance[] {
    this.releaseDue();
    return [...this.totals.keys()].sort().map((asset) => {
      const locked = this.locked(asset);
      return { asset, free: (this.totals.get(asset) ?? ZERO).minus(locked), locked };
    });
  }

  private isOpen(o: SimOrder | undefined): boolean {
    return o !== undefined && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED');
  }

  private locked(asset: string): Decimal {
    let x = ZERO;
    for (const o of this.orders.values()) {
      if (!this.isOpen(o)) continue;
      const r = (this.markets.get(o.marketId) as SimMarket).rules;
      const remaining = o.amount.minus(o.filled);
      if (o.side === 'buy' && r.quote === asset) x = x.plus(o.price.times(remaining));
      if (o.side === 'sell' && r.base === asset) x = x.plus(remaining);
    }
    return x;
  }

  private free(asset: string): Decimal {
    return (this.totals.get(asset) ?? ZERO).minus(this.locked(asset));
  }

  private add(asset: string, delta: Decimal): void {
    this.totals.set(asset, (this.totals.get(asset) ?? ZERO).plus(delta));
  }

  /** A maker fill of `fraction` of the remaining (on the lot grid, leaving at least one lot open). */
  private fillBeforeCancel(m: SimMarket, order: SimOrder, fraction: number, feeRate: Decimal): void {
    const lot = m.rules.lotStep;
    // What the model may still fill: withheld fills are matched already, only not reported.
    const remaining = order.amount.minus(order.filled).minus(this.withheldAmount(order));
    let amount = remaining.times(fraction).div(lot).floor().times(lot);
    if (amount.gte(remaining)) amount = remaining.minus(lot);
    if (amount.lte(0)) return;
    const fee = order.price.times(amount).times(feeRate);
    this.onUpdate(m, {
      type: 'order.fill', ts: this.o.clock.now(), symbol: m.id, clientOrderId: order.clientOrderId as ClientOrderId, side: order.side,
      price: order.price, amount, fee, feeAsset: m.rules.quote, liquidity: 'maker', remaining: remaining.minus(amount),
    });
  }

  private withheldAmount(order: SimOrder): Decimal {
    return this.withheld.reduce((x, w) => (w.order === order ? x.plus(w.update.amount) : x), ZERO);
  }

  private onUpdate(m: SimMarket, u: ExecutionUpdate): void {
    const id = this.byClientId.get(`${m.id}:${u.clientOrderId}`);
    const order = id === undefined ? undefined : this.orders.get(id);
    if (order === undefined) return;
    const now = this.o.clock.now();
    if (u.type === 'order.fill') {
      const tradeId = this.nextTradeId++; // the match's id, whenever the fill is reported
      const delay = this.reportDelay?.({ marketId: m.id, orderId: order.orderId, tradeId, liquidity: u.liquidity }) ?? 0;
      // An order's fills are reported in match order: a fill never overtakes a withheld one.
      const behind = this.withheld.reduce((t, w) => (w.order === order ? Math.max(t, w.releaseAt) : t), -Infinity);
      if (delay <= 0 && behind === -Infinity) return this.applyFill(m, order, u, tradeId, now);
      const releaseAt = Math.max(now + Math.max(0, delay), behind);
      const cancelTimer = this.o.clock.setTimer(releaseAt, () => this.releaseDue());
      this.withheld.push({ market: m, order, update: u, tradeId, at: now, releaseAt, cancelTimer });
      this.withheld.sort((a, b) => a.releaseAt - b.releaseAt || a.tradeId - b.tradeId);
    } else if (u.type === 'order.cancelled') {
      order.status = 'CANCELED';
      order.updateTime = now;
      this.activity$.next({ type: 'order', order });
    }
  }

  /** Reports every withheld fill whose time has come. */
  private releaseDue(): void {
    if (this.withheld.length === 0) return;
    const now = this.o.clock.now();
    while (this.withheld.length > 0 && (this.withheld[0] as Withheld).releaseAt <= now) {
      const w = this.withheld.shift() as Withheld;
      w.cancelTimer();
      this.applyFill(w.market, w.order, w.update, w.tradeId, w.at);
    }
  }

  /**
   * Books a fill matched at `at` into the order, the account and the trade list. A fill reported
   * after its order was cancelled (a withheld fill, or a cancel racing it) leaves it CANCELED.
   */
  private applyFill(m: SimMarket, order: SimOrder, u: Extract<ExecutionUpdate, { type: 'order.fill' }>, tradeId: number, at: number): void {
    const quote = u.price.times(u.amount);
    order.filled = order.filled.plus(u.amount);
    order.quoteFilled = order.quoteFilled.plus(quote);
    if (order.status !== 'CANCELED') order.status = order.filled.gte(order.amount) ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = Math.max(order.updateTime, at);
    let realizedPnl: Decimal | undefined;
    if (this.o.account !== undefined) {
      realizedPnl = this.o.account.settle(m, order.side, { price: u.price, amount: u.amount, fee: u.fee, feeAsset: u.feeAsset, time: at });
    } else if (order.side === 'buy') {
      this.add(m.rules.base, u.amount);
      this.add(m.rules.quote, quote.neg());
      this.add(u.feeAsset, u.fee.neg());
    } else {
      this.add(m.rules.base, u.amount.neg());
      this.add(m.rules.quote, quote);
      this.add(u.feeAsset, u.fee.neg());
    }
    const trade: SimTrade = {
      id: tradeId, orderId: order.orderId, marketId: m.id, side: order.side, price: u.price, amount: u.amount, fee: u.fee, feeAsset: u.feeAsset,
      maker: u.liquidity === 'maker', time: at, ...(realizedPnl !== undefined ? { realizedPnl } : {}),
    };
    // The list stays in id (match) order: a late trade goes before any later match already reported.
    let k = this.tradeList.length;
    while (k > 0 && (this.tradeList[k - 1] as SimTrade).id > tradeId) k--;
    this.tradeList.splice(k, 0, trade);
    this.activity$.next({ type: 'trade', order, trade });
  }
}
