/**
 * The `ExecutionAdapter` over a real venue through ccxt (one instrument per adapter, like the
 * paper adapter). Orders are post-only/limit with the desk's client order id, so the venue can
 * always be asked "does this order exist?": a place whose answer is lost (timeout, network error,
 * 5xx) is looked up by client id before anything is retried, and is never sent twice once the
 * venue has it. Cancels are retried until the venue confirms the order is no longer open.
 *
 * The venue pushes nothing here: a poll loop (`pollIntervalMs`) reads open orders and the
 * account's trades, turning new trades (deduplicated by trade id) into `order.fill` updates and
 * orders that left the book into `order.cancelled`. Every call goes through the account's shared
 * token bucket; a rate-limit error drains it (backoff). Errors are classified once
 * (ccxt-errors.ts): retryable ones are retried with backoff, non-retryable ones are outcomes
 * (reject reasons), fatal ones (authentication, permission, suspended account) are thrown and
 * reported through `onFatal` so the bot HARD_STOPs.
 */
import { Subject } from 'rxjs';
import type { Exchange, Order as CcxtOrder, Trade as CcxtTrade } from 'ccxt';
import type { ClientOrderId } from '../../domain/ids.ts';
import type { InstrumentRules, Side } from '../../domain/instrument/rules.ts';
import { Decimal, ZERO } from '../../domain/money/decimal.ts';
import type { Clock } from '../../domain/ports/clock.ts';
import { classifyVenueError, type VenueErrorClass } from './ccxt-errors.ts';
import type { TokenBucket } from './rate-limiter.ts';
import type {
  Balance,
  CancelOutcome,
  ExecutionAdapter,
  ExecutionUpdate,
  OpenOrder,
  OrderCancelled,
  OrderIntent,
  PlaceOutcome,
  PlaceRejectReason,
} from './types.ts';

export interface CcxtExecutionOptions {
  readonly exchange: Exchange;
  /** The desk's instrument rules of the bot's market (`symbol` is the venue id, e.g. BTCUSDT). */
  readonly rules: InstrumentRules;
  readonly clock: Clock;
  readonly limiter: TokenBucket;
  /** Poll cadence for fills and cancellations (default 500 ms). */
  readonly pollIntervalMs?: number;
  /** Attempts for a retryable failure before giving up (default 5); cancels retry until confirmed. */
  readonly maxAttempts?: number;
  /** First retry delay, doubling (default 200 ms, at most 5 s). */
  readonly retryDelayMs?: number;
  /** A fatal venue error (bad credentials, permission, suspension): the bot must HARD_STOP. */
  readonly onFatal?: (e: VenueErrorClass) => void;
  readonly onFault?: (message: string, error: unknown) => void;
  /**
   * Whether a client order id is this bot's (its prefix). When given, `cancelAll` leaves every
   * other order alone: on a shared account they belong to someone else.
   */
  readonly owns?: (clientOrderId: string) => boolean;
}

/** A fatal venue error, thrown from any call. */
export class VenueFatalError extends Error {
  override readonly name = 'VenueFatalError';
  constructor(readonly venueError: VenueErrorClass) {
    super(`venue: ${venueError.reason}: ${venueError.message}`);
  }
}

interface Tracked {
  readonly clientOrderId: ClientOrderId;
  id: string | null;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  filled: Decimal;
  readonly postOnly: boolean;
  done: boolean;
  /** Taken over from the venue at startup (an orphan of an earlier run), not placed by this process. */
  readonly adopted?: boolean;
}

const num = (x: number | string | undefined | null): Decimal => new Decimal(x === undefined || x === null ? 0 : String(x));

const REJECT_REASON: Readonly<Record<string, PlaceRejectReason>> = {
  post_only_would_take: 'post_only_would_cross',
  duplicate_order: 'duplicate_client_order_id',
  insufficient_funds: 'insufficient_funds',
  bad_symbol: 'unknown_symbol',
};

export class CcxtExecutionAdapter implements ExecutionAdapter {
  private readonly updates = new Subject<ExecutionUpdate>();
  readonly updates$ = this.updates.asObservable();
  private readonly orders = new Map<string, Tracked>();
  private readonly seenTrades = new Set<string>();
  private readonly unified: string;
  private pollTimer: (() => void) | null = null;
  private polling: Promise<void> | null = null;
  private closed = false;
  private sinceMs: number;

  constructor(private readonly o: CcxtExecutionOptions) {
    const market = Object.values(o.exchange.markets ?? {}).find((m) => m?.id === o.rules.symbol);
    if (market === undefined) throw new RangeError(`ccxt adapter: market ${o.rules.symbol} not loaded (call loadMarkets first)`);
    this.unified = market.symbol;
    this.sinceMs = o.clock.now();
  }

  /** Starts the poll loop (fills, cancellations). */
  start(): void {
    if (this.pollTimer !== null || this.closed) return;
    const tick = (): void => {
      this.pollTimer = this.o.clock.setTimer(this.o.clock.now() + (this.o.pollIntervalMs ?? 500), () => {
        void this.poll().finally(() => {
          if (!this.closed) tick();
        });
      });
    };
    tick();
  }

  async place(intent: OrderIntent): Promise<PlaceOutcome> {
    const t: Tracked = { clientOrderId: intent.clientOrderId, id: null, side: intent.side, price: intent.price, amount: intent.amount, filled: ZERO, postOnly: intent.postOnly, done: false };
    if (this.orders.has(intent.clientOrderId)) return this.reject(intent, 'duplicate_client_order_id');
    this.orders.set(intent.clientOrderId, t);
    const params: Record<string, unknown> = { clientOrderId: intent.clientOrderId, ...(intent.postOnly ? { postOnly: true } : {}) };
    const attempts = this.o.maxAttempts ?? 5;
    let last: VenueErrorClass | null = null;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) {
        // The previous answer was lost: the venue may have the order. Look before sending again.
        const found = await this.lookup(intent.clientOrderId).catch(() => undefined);
        if (found !== undefined && found !== null) return this.acked(intent, t, found);
        await this.sleep(attempt);
      }
      try {
        const order = await this.call(() => this.o.exchange.createOrder(this.unified, 'limit', intent.side, Number(intent.amount.toFixed()), Number(intent.price.toFixed()), params));
        return this.acked(intent, t, order);
      } catch (e) {
        const c = this.classify(e);
        if (c.kind === 'non_retryable') {
          this.orders.delete(intent.clientOrderId);
          return this.reject(intent, REJECT_REASON[c.reason] ?? 'venue_rejected');
        }
        last = c;
      }
    }
    // Out of attempts: one last look, then a reject the bot can act on (no order is left unknown).
    const found = await this.lookup(intent.clientOrderId).catch(() => undefined);
    if (found !== undefined && found !== null) return this.acked(intent, t, found);
    this.orders.delete(intent.clientOrderId);
    this.o.onFault?.(`ccxt adapter: place ${intent.clientOrderId} failed after ${attempts} attempts`, last);
    return this.reject(intent, 'venue_rejected');
  }

  async cancel(clientOrderId: ClientOrderId): Promise<CancelOutcome> {
    const t = this.orders.get(clientOrderId);
    const ts = this.o.clock.now();
    const symbol = this.o.rules.symbol;
    if (t === undefined || t.done) return { type: 'order.cancel_reject', ts, symbol, clientOrderId, reason: 'unknown_order' };
    for (let attempt = 1; ; attempt++) {
      try {
        if (t.id === null) {
          const found = await this.lookup(clientOrderId);
          if (found === null) return { type: 'order.cancel_reject', ts: this.o.clock.now(), symbol, clientOrderId, reason: 'unknown_order' };
          t.id = found.id ?? null;
        }
        const id = t.id;
        if (id === null) return { type: 'order.cancel_reject', ts: this.o.clock.now(), symbol, clientOrderId, reason: 'unknown_order' };
        await this.call(() => this.o.exchange.cancelOrder(id, this.unified));
        return this.cancelled(t);
      } catch (e) {
        const c = this.classify(e);
        if (c.reason === 'order_not_found') {
          // Gone already: filled or cancelled meanwhile. The venue's final word decides.
          const final = await this.lookup(clientOrderId).catch(() => null);
          if (final !== null && final.status === 'canceled') return this.cancelled(t, final);
          if (final !== null && final.status === 'open') {
            await this.sleep(Math.min(attempt, 6));
            continue;
          }
          return { type: 'order.cancel_reject', ts: this.o.clock.now(), symbol, clientOrderId, reason: 'unknown_order' };
        }
        if (c.kind === 'non_retryable') throw new Error(`cancel ${clientOrderId}: ${c.message}`, { cause: e });
        await this.sleep(Math.min(attempt, 6));
      }
    }
  }

  async cancelAll(symbol?: string): Promise<readonly OrderCancelled[]> {
    if (symbol !== undefined && symbol !== this.o.rules.symbol) return [];
    const done: OrderCancelled[] = [];
    // Everything open at the venue for the symbol, known locally or not (an orphan after a crash).
    const open = await this.openOrders();
    for (const o of open) {
      if (this.o.owns !== undefined && !this.o.owns(o.clientOrderId)) continue;
      const t = this.orders.get(o.clientOrderId) ?? this.adopt(o);
      const r = await this.cancel(t.clientOrderId);
      if (r.type === 'order.cancelled') done.push(r);
    }
    return done;
  }

  async openOrders(): Promise<readonly OpenOrder[]> {
    const xs = await this.retrying(() => this.o.exchange.fetchOpenOrders(this.unified));
    return xs.map((x): OpenOrder => {
      const clientOrderId = (x.clientOrderId ?? `venue-${x.id}`) as ClientOrderId;
      return {
        clientOrderId,
        symbol: this.o.rules.symbol,
        side: x.side === 'sell' ? 'sell' : 'buy',
        price: num(x.price),
        amount: num(x.amount),
        filled: num(x.filled),
        // Bitget spot's order lists carry no time in force (ccxt leaves postOnly undefined): an
        // order this process placed is then what it placed; one it did not is taken as not post-only.
        postOnly: x.postOnly ?? this.orders.get(clientOrderId)?.postOnly ?? false,
        status: 'open',
        ...(x.id !== undefined ? { orderId: String(x.id) } : {}),
      };
    });
  }

  async balances(): Promise<readonly Balance[]> {
    const b = await this.retrying(() => this.o.exchange.fetchBalance());
    const total = (b.total ?? {}) as unknown as Record<string, number | undefined>;
    return Object.entries(total)
      .filter(([, v]) => v !== undefined)
      .map(([asset, v]) => ({ asset, total: num(v) }))
      .sort((a, b2) => a.asset.localeCompare(b2.asset));
  }

  async tradingRules(symbol: string): Promise<InstrumentRules> {
    if (symbol !== this.o.rules.symbol) throw new RangeError(`ccxt adapter for ${this.o.rules.symbol}: no rules for ${symbol}`);
    const m = this.o.exchange.markets?.[this.unified];
    if (m === undefined) throw new RangeError(`ccxt adapter: market ${this.unified} not loaded`);
    return {
      symbol,
      base: m.base,
      quote: m.quote,
      tickSize: num(m.precision.price),
      lotStep: num(m.precision.amount),
      minAmount: num(m.limits.amount?.min),
      minNotional: num(m.limits.cost?.min),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pollTimer?.();
    this.pollTimer = null;
    this.updates.complete();
  }

  /**
   * Takes over an open venue order this process did not place (a startup orphan of the bot's
   * own): its fills and cancellation flow through `updates$` and `cancelAll` cancels it.
   */
  adoptOrphan(o: OpenOrder): void {
    if (this.orders.has(o.clientOrderId)) return;
    this.adopt(o, true);
  }

  /** Client ids of adopted orders still open. */
  adoptedOpen(): readonly string[] {
    return [...this.orders.values()].filter((t) => t.adopted === true && !t.done).map((t) => t.clientOrderId);
  }

  /** Waits for a poll in flight, then polls once more: every trade the venue had now is heard. */
  async catchUp(): Promise<void> {
    if (this.polling !== null) await this.polling;
    await this.poll();
  }

  /** One poll: new trades become fills; orders that left the book become cancellations. */
  poll(): Promise<void> {
    if (this.polling !== null || this.closed) return this.polling ?? Promise.resolve();
    this.polling = this.pollOnce().finally(() => (this.polling = null));
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      const trades = await this.call(() => this.o.exchange.fetchMyTrades(this.unified, this.sinceMs - 60_000));
      for (const tr of trades) this.onTrade(tr);
      const live = [...this.orders.values()].filter((t) => !t.done && t.id !== null);
      if (live.length === 0) return;
      const open = new Set((await this.call(() => this.o.exchange.fetchOpenOrders(this.unified))).map((x) => x.id));
      for (const t of live) {
        if (open.has(t.id as string)) continue;
        const final = await this.lookup(t.clientOrderId).catch(() => null);
        if (final === null) continue;
        if (final.status === 'canceled' || final.status === 'expired' || final.status === 'rejected') this.cancelled(t, final);
        else if (final.status === 'closed') t.done = true; // fully filled: the trades carried it
      }
    } catch (e) {
      this.classify(e); // fatal → onFatal; others: next poll tries again
      this.o.onFault?.('ccxt adapter: poll failed', e);
    }
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  private onTrade(tr: CcxtTrade): void {
    const key = String(tr.id);
    if (this.seenTrades.has(key)) return;
    const t = [...this.orders.values()].find((x) => x.id !== null && x.id === tr.order);
    if (t === undefined) return; // not one of ours (or from before this process): reconciliation's business
    this.seenTrades.add(key);
    // Later polls ask from a minute before the newest trade seen (late trades still arrive; ids dedupe).
    if (tr.timestamp !== undefined) this.sinceMs = Math.max(this.sinceMs, tr.timestamp);
    const amount = num(tr.amount);
    t.filled = t.filled.plus(amount);
    if (t.filled.gte(t.amount)) t.done = true;
    this.updates.next({
      type: 'order.fill', ts: tr.timestamp ?? this.o.clock.now(), symbol: this.o.rules.symbol, clientOrderId: t.clientOrderId, side: t.side,
      price: num(tr.price), amount, fee: num(tr.fee?.cost), feeAsset: tr.fee?.currency ?? this.o.rules.quote,
      liquidity: tr.takerOrMaker === 'taker' ? 'taker' : 'maker', remaining: Decimal.max(ZERO, t.amount.minus(t.filled)), tradeId: key,
    });
  }

  private adopt(o: OpenOrder, adopted = false): Tracked {
    const t: Tracked = { clientOrderId: o.clientOrderId, id: o.orderId ?? null, side: o.side, price: o.price, amount: o.amount, filled: o.filled, postOnly: o.postOnly, done: false, ...(adopted ? { adopted } : {}) };
    this.orders.set(o.clientOrderId, t);
    return t;
  }

  /** The venue's order with this client id, or null when the venue has none. */
  private async lookup(clientOrderId: string): Promise<CcxtOrder | null> {
    try {
      return await this.call(() => this.o.exchange.fetchOrder('', this.unified, { clientOrderId, origClientOrderId: clientOrderId }));
    } catch (e) {
      if (this.classify(e).reason === 'order_not_found') return null;
      throw e;
    }
  }

  private acked(intent: OrderIntent, t: Tracked, order: CcxtOrder): PlaceOutcome {
    t.id = order.id ?? null;
    const ack = { type: 'order.ack' as const, ts: this.o.clock.now(), symbol: this.o.rules.symbol, clientOrderId: intent.clientOrderId, side: intent.side, price: intent.price, amount: intent.amount, postOnly: intent.postOnly };
    this.updates.next(ack);
    // A taking order may have filled already: the poll picks its trades up.
    return ack;
  }

  private reject(intent: OrderIntent, reason: PlaceRejectReason): PlaceOutcome {
    const r = { type: 'order.reject' as const, ts: this.o.clock.now(), symbol: this.o.rules.symbol, clientOrderId: intent.clientOrderId, reason };
    this.updates.next(r);
    return r;
  }

  private cancelled(t: Tracked, final?: CcxtOrder): OrderCancelled {
    if (final !== undefined && final.filled !== undefined) t.filled = Decimal.max(t.filled, num(final.filled));
    t.done = true;
    const c: OrderCancelled = { type: 'order.cancelled', ts: this.o.clock.now(), symbol: this.o.rules.symbol, clientOrderId: t.clientOrderId, remaining: Decimal.max(ZERO, t.amount.minus(t.filled)) };
    this.updates.next(c);
    return c;
  }

  /** Classifies; a fatal error is reported (the bot HARD_STOPs) and thrown as VenueFatalError. */
  private classify(e: unknown): VenueErrorClass {
    if (e instanceof VenueFatalError) throw e;
    const c = classifyVenueError(e);
    if (c.kind === 'fatal') {
      this.o.onFatal?.(c);
      throw new VenueFatalError(c);
    }
    if (c.reason === 'rate_limited') this.o.limiter.penalize(c.retryAfterMs);
    return c;
  }

  /** One venue call through the account's token bucket. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    await this.o.limiter.acquire(1);
    return fn();
  }

  /** A read retried on retryable errors (up to maxAttempts). */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    const attempts = this.o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call(fn);
      } catch (e) {
        const c = this.classify(e);
        if (c.kind !== 'retryable' || attempt >= attempts) throw e;
        await this.sleep(attempt);
      }
    }
  }

  private sleep(attempt: number): Promise<void> {
    const ms = Math.min(5000, (this.o.retryDelayMs ?? 200) * 2 ** (attempt - 1));
    return new Promise((resolve) => this.o.clock.setTimer(this.o.clock.now() + ms, resolve));
  }
}
