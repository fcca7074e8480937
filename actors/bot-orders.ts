/**
 * A bot's working orders: one order machine per order, the venue calls their effects name
 * (`effect.submit` → `place`, `effect.cancel` → `cancel`), and the venue's updates routed back
 * to them. Keeps what the controller must see of each order (`forController`) and the order
 * counters of the summary. Every step is recorded through `emit`; an order's events share its
 * `order.created` event id as correlation id and chain by causation id.
 *
 * Synchronous on purpose: the paper venue acts inside `place`/`cancel` and reports through
 * `updates$`, so the order of events depends only on the inputs (replays are deterministic).
 */
import { type Actor, type InspectionEvent, createActor } from 'xstate';
import type { ExecutionAdapter, ExecutionUpdate, OrderFill } from '../adapters/execution/types.ts';
import type { ClientOrderId } from '../domain/ids.ts';
import { type BookTop, midOf } from '../domain/market/types.ts';
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { ReconOrder } from '../domain/recon/types.ts';
import type { PlaceDecision } from '../domain/strategy/epp/decisions.ts';
import type { OpenOrder } from '../domain/strategy/epp/types.ts';
import { orderMachine } from '../machines/order.machine.ts';
import type { DeskMetrics } from '../otel/metrics.ts';

export interface BotOrdersDeps {
  readonly botId: string;
  readonly symbol: string;
  readonly clock: Clock;
  readonly adapter: ExecutionAdapter;
  readonly metrics?: DeskMetrics;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly onFault?: (message: string, error: unknown) => void;
  /** Records one event of the bot; returns its id. */
  readonly emit: (type: string, payload: Record<string, unknown>, chain?: { correlationId: string; causationId: string }) => { eventId: string };
  /** A fill of one of the bot's orders (`orderPrice`: the order's limit price). */
  readonly onFill: (fill: OrderFill, orderPrice: Decimal) => void;
  /** The mid of the bot's latest book, recorded on fills (the analyses measure capture and drift against it). */
  readonly mid?: () => Decimal | null;
}

export interface TrackedOrder {
  readonly actor: Actor<typeof orderMachine>;
  readonly levelId: string;
  readonly side: 'buy' | 'sell';
  readonly price: Decimal;
  readonly amount: Decimal;
  remaining: Decimal;
  readonly placedAt: number;
  acked: boolean;
  cancelling: boolean;
  /** The `order.created` event id: the correlation id of the order's whole chain. */
  readonly correlationId: string;
  /** The order's last event id (the cause of its next one). */
  lastEventId: string;
}

const str = (d: Decimal): string => d.toFixed();

export class BotOrders {
  private readonly orders = new Map<ClientOrderId, TrackedOrder>();
  /** Venue-wide cancels in flight; `settled` waits for them. */
  private readonly sweeps = new Set<Promise<void>>();
  /** Per-order venue calls (place, cancel) not settled yet: a stopping bot waits for them. */
  private readonly inflight = new Set<Promise<unknown>>();
  /** Set by `stopAll`: the bot's event log may be closed, so late outcomes are no longer recorded. */
  private closed = false;
  readonly counts = { placed: 0, acked: 0, rejected: 0, cancelled: 0, failed: 0, insideBook: 0 };

  constructor(private readonly d: BotOrdersDeps) {}

  /** Orders the bot still tracks (sent and not finished). */
  get size(): number {
    return this.orders.size;
  }

  /** The tracked orders, in placement order. */
  list(): readonly TrackedOrder[] {
    return [...this.orders.values()];
  }

  /** The bot's own order book as the controller must see it (strategy-epp driver contract). */
  forController(): OpenOrder[] {
    const out: OpenOrder[] = [];
    for (const [clientOrderId, t] of this.orders) {
      out.push({ clientOrderId, levelId: t.levelId, side: t.side, price: t.price, remaining: t.remaining, placedAt: t.placedAt, acked: t.acked, cancelling: t.cancelling });
    }
    return out;
  }

  /** The tracked orders as reconciliation compares them with the venue's open orders. */
  forRecon(): ReconOrder[] {
    return [...this.orders].map(([clientOrderId, t]) => ({ clientOrderId, side: t.side, price: t.price, amount: t.amount, filled: t.amount.minus(t.remaining) }));
  }

  /**
   * Resolves once every venue call started so far — venue-wide cancels, and each order's place
   * and cancel — has settled, including calls started while waiting (a settled place can lead
   * to a cancel). A stopping bot waits here so no outcome arrives after its log is closed.
   */
  async settled(): Promise<void> {
    while (this.sweeps.size + this.inflight.size > 0) await Promise.allSettled([...this.sweeps, ...this.inflight]);
  }

  /** Stops every order machine still running (the bot is stopping); later outcomes are dropped. */
  stopAll(): void {
    this.closed = true;
    for (const t of this.orders.values()) t.actor.stop();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = (): void => void this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /** Performs a place decision: an order machine whose PendingNew entry names the submit. */
  place(d: PlaceDecision, book: BookTop | null): void {
    const { clock, adapter } = this.d;
    // Post-only orders at or through the opposite best would take liquidity: count them (must stay 0).
    const inside = book !== null && (d.side === 'buy' ? d.price.gte(book.ask) : d.price.lte(book.bid));
    if (inside) this.counts.insideBook += 1;
    const created = this.d.emit('order.created', {
      clientOrderId: d.clientOrderId, levelId: d.levelId, side: d.side, price: str(d.price), amount: str(d.amount), postOnly: d.postOnly, insideBook: inside,
      ...(book === null ? {} : { mid: str(midOf(book)) }),
    });
    const actor = createActor(orderMachine, { input: { clientOrderId: d.clientOrderId, amount: d.amount }, ...(this.d.inspect ? { inspect: this.d.inspect } : {}) });
    const tracked: TrackedOrder = {
      actor, levelId: d.levelId, side: d.side, price: d.price, amount: d.amount, remaining: d.amount, placedAt: clock.now(), acked: false, cancelling: false,
      correlationId: created.eventId, lastEventId: created.eventId,
    };
    this.orders.set(d.clientOrderId, tracked);
    this.counts.placed += 1;
    this.d.metrics?.countOrder(this.d.botId, 'placed');
    // The machine names the submit on entry to PendingNew; this is where it is performed.
    actor.on('effect.submit', () => {
      this.track(adapter.place({ clientOrderId: d.clientOrderId, symbol: this.d.symbol, side: d.side, price: d.price, amount: d.amount, postOnly: d.postOnly })).catch((error: unknown) => {
        this.d.onFault?.(`bot ${this.d.botId}: place ${d.clientOrderId} failed`, error);
        const t = this.orders.get(d.clientOrderId);
        if (t === undefined || this.closed) return;
        t.actor.send({ type: 'order.failed', reason: error instanceof Error ? error.message : String(error) });
        this.orderEvent(d.clientOrderId, t, 'order.failed', { error: error instanceof Error ? error.message : String(error) });
        this.finish(d.clientOrderId, t);
        this.counts.failed += 1;
      });
    });
    actor.on('effect.cancel', () => this.sendCancel(d.clientOrderId));
    actor.start();
  }

  /** Performs a cancel decision. */
  cancel(id: ClientOrderId, reason: string): void {
    const t = this.orders.get(id);
    if (t === undefined || t.cancelling) return;
    t.cancelling = true;
    this.orderEvent(id, t, 'order.cancel_requested', { reason });
    const status = t.actor.getSnapshot().value;
    if (status === 'Open' || status === 'PartiallyFilled') {
      t.actor.send({ type: 'order.cancel_requested' }); // PendingCancel's entry names the cancel
      return;
    }
    // Not acknowledged yet: the order table has no cancel from PendingNew; an ack timeout expires it.
    if (reason === 'ack_timeout') t.actor.send({ type: 'order.ack_timeout' });
    this.sendCancel(id);
  }

  private sendCancel(id: ClientOrderId): void {
    this.track(this.d.adapter.cancel(id)).then(
      (outcome) => {
        if (outcome.type !== 'order.cancel_reject' || this.closed) return; // the cancellation itself came through updates$
        const t = this.orders.get(id);
        if (t === undefined) return;
        t.cancelling = false;
        t.actor.send({ type: 'order.cancel_rejected' });
        this.orderEvent(id, t, 'order.cancel_rejected', { reason: outcome.reason });
      },
      (error: unknown) => this.d.onFault?.(`bot ${this.d.botId}: cancel ${id} failed`, error),
    );
  }

  /** Cancels every order of the bot on the venue (kill switch, stop, escalation, ops-guard). */
  cancelAll(reason: string): Promise<void> {
    if (this.orders.size > 0) {
      this.d.emit('order.cancel_all', { reason, openOrders: this.orders.size });
      // Order by order first: each cancel is performed now, so its outcome is recorded in order.
      for (const [id, t] of [...this.orders]) {
        if (t.cancelling) continue;
        t.cancelling = true;
        const status = t.actor.getSnapshot().value;
        if (status === 'Open' || status === 'PartiallyFilled') t.actor.send({ type: 'order.cancel_requested' });
        else this.sendCancel(id);
      }
    }
    // Then the venue-wide cancel of the symbol, for anything the bot does not know about.
    const sweep = this.d.adapter.cancelAll(this.d.symbol).then(
      () => undefined,
      (error: unknown) => this.d.onFault?.(`bot ${this.d.botId}: cancel-all failed`, error),
    );
    this.sweeps.add(sweep);
    void sweep.then(() => this.sweeps.delete(sweep));
    return sweep;
  }


  /** One venue update (ack, reject, fill, cancelled) for the bot's symbol. */
  onUpdate(u: ExecutionUpdate): void {
    if (u.symbol !== this.d.symbol) return;
    const t = this.orders.get(u.clientOrderId);
    if (t === undefined) return;
    switch (u.type) {
      case 'order.ack':
        t.acked = true;
        t.actor.send({ type: 'order.acked' });
        this.counts.acked += 1;
        this.orderEvent(u.clientOrderId, t, 'order.acked', { price: str(u.price), amount: str(u.amount) });
        return;
      case 'order.reject':
        t.actor.send({ type: 'order.rejected', reason: u.reason });
        this.counts.rejected += 1;
        this.d.metrics?.countOrder(this.d.botId, 'rejected');
        this.orderEvent(u.clientOrderId, t, 'order.rejected', { reason: u.reason });
        this.finish(u.clientOrderId, t);
        return;
      case 'order.fill':
        return this.onFill(u, t);
      case 'order.cancelled': {
        // A cancel before the ack is the venue refusing the (never rested) order.
        if (t.actor.getSnapshot().value === 'PendingNew') t.actor.send({ type: 'order.rejected', reason: 'cancelled_before_ack' });
        else t.actor.send({ type: 'order.cancelled' });
        this.counts.cancelled += 1;
        this.d.metrics?.countOrder(this.d.botId, 'cancelled');
        this.orderEvent(u.clientOrderId, t, 'order.cancelled', { remaining: str(u.remaining), acked: t.acked });
        this.finish(u.clientOrderId, t);
        return;
      }
    }
  }

  private onFill(f: OrderFill, t: TrackedOrder): void {
    this.d.onFill(f, t.price);
    t.remaining = f.remaining;
    const done = f.remaining.lte(ZERO);
    const mid = this.d.mid?.() ?? null;
    t.actor.send(done ? { type: 'order.filled', amount: f.amount } : { type: 'order.partially_filled', amount: f.amount });
    this.d.metrics?.countOrder(this.d.botId, 'filled');
    this.orderEvent(f.clientOrderId, t, 'order.filled', {
      side: f.side, price: str(f.price), amount: str(f.amount), fee: str(f.fee), feeAsset: f.feeAsset, liquidity: f.liquidity, remaining: str(f.remaining),
      ...(mid === null ? {} : { mid: str(mid) }),
      // A venue's trade id (ccxt), so the audit trail names the trade; the paper model has none.
      ...(f.tradeId !== undefined ? { tradeId: f.tradeId } : {}),
    });
    if (done) this.finish(f.clientOrderId, t);
  }

  private finish(id: ClientOrderId, t: TrackedOrder): void {
    this.orders.delete(id);
    // Not now: this may run inside the order machine's own transition (a cancel the venue confirms
    // synchronously from PendingCancel's entry), with the confirming event still in its mailbox.
    // Stopping it here would drop that event; once the current call stack unwinds it has been processed.
    queueMicrotask(() => t.actor.stop());
  }

  private orderEvent(id: ClientOrderId, t: TrackedOrder, type: string, payload: Record<string, unknown>): void {
    if (this.closed) return; // after stop: the log is closed; the next start reconciles with the venue
    const e = this.d.emit(type, { clientOrderId: id, ...payload }, { correlationId: t.correlationId, causationId: t.lastEventId });
    t.lastEventId = e.eventId;
  }
}
