/**
 * A shadow's event trail, in the shapes the paper desk writes (actors/bot-orders.ts,
 * actors/bot-runtime.ts) so the validators read it unchanged: `order.created`, `order.acked`,
 * `order.rejected`, `order.filled` (with the book mid), `order.cancelled`,
 * `order.cancel_requested`, `order.cancel_rejected`, `order.cancel_all`, `state.snapshot` (the
 * shadow's own ledger: the same `BotAccount` the bot books its fills in), `bot.started` and
 * `bot.stopped` — under the live bot's id, from producer `shadow.<bot id>`. An order's events
 * share its `order.created` id as correlation id and chain by causation id.
 *
 * Time is the shadow's (virtual) time: each event is stamped when the shadow's model got to it.
 */
import type { ExecutionUpdate, OrderIntent } from '../adapters/execution/types.ts';
import { type BookTop, midOf } from '../domain/market/types.ts';
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import type { BotAccount } from './bot-account.ts';
import type { EventLog } from './event-log.ts';

export interface ShadowRecorderOptions {
  readonly botId: string;
  /** The venue symbol (e.g. BTCUSDT). */
  readonly symbol: string;
  readonly log: EventLog;
  /** The shadow's time. */
  readonly now: () => number;
  /** The shadow's ledger (opened at the first book). */
  readonly account: BotAccount;
}

interface Chain {
  readonly correlationId: string;
  lastEventId: string;
  acked: boolean;
  remaining: Decimal;
}

type Payload = Record<string, string | number | boolean | null | Record<string, string | null>>;

const str = (d: Decimal): string => d.toFixed();

export class ShadowRecorder {
  private readonly chains = new Map<string, Chain>();
  private readonly producer: string;
  private book: BookTop | null = null;

  constructor(private readonly o: ShadowRecorderOptions) {
    this.producer = `shadow.${o.botId}`;
  }

  /** Orders the shadow still has open (created and not finished). */
  get openOrders(): number {
    return this.chains.size;
  }

  /** Client ids of the shadow's open orders, in placement order. */
  openIds(): string[] {
    return [...this.chains.keys()];
  }

  started(): void {
    this.emit('bot.started', { symbol: this.o.symbol, shadow: true });
  }

  /** A book the shadow's model got: the ledger is marked at its mid. */
  onBook(top: BookTop): void {
    this.book = top;
    this.o.account.markAt(midOf(top));
  }

  /** A mirrored place, recorded before the model answers it. */
  created(intent: OrderIntent): void {
    const b = this.book;
    const inside = b !== null && (intent.side === 'buy' ? intent.price.gte(b.ask) : intent.price.lte(b.bid));
    const e = this.emit('order.created', {
      clientOrderId: intent.clientOrderId, levelId: '', side: intent.side, price: str(intent.price), amount: str(intent.amount), postOnly: intent.postOnly, insideBook: inside,
      ...(b === null ? {} : { mid: str(midOf(b)) }),
    });
    this.chains.set(intent.clientOrderId, { correlationId: e, lastEventId: e, acked: false, remaining: intent.amount });
  }

  cancelRequested(clientOrderId: string): void {
    this.orderEvent(clientOrderId, 'order.cancel_requested', { reason: 'live' });
  }

  cancelRejected(clientOrderId: string, reason: string): void {
    this.orderEvent(clientOrderId, 'order.cancel_rejected', { reason });
  }

  cancelAll(): void {
    if (this.chains.size > 0) this.emit('order.cancel_all', { reason: 'live', openOrders: this.chains.size });
  }

  /** One update of the shadow's model. */
  onUpdate(u: ExecutionUpdate): void {
    const id = u.clientOrderId;
    const c = this.chains.get(id);
    if (c === undefined) return;
    switch (u.type) {
      case 'order.ack':
        c.acked = true;
        this.orderEvent(id, 'order.acked', { price: str(u.price), amount: str(u.amount) });
        return;
      case 'order.reject':
        this.orderEvent(id, 'order.rejected', { reason: u.reason });
        this.chains.delete(id);
        return;
      case 'order.fill': {
        this.o.account.onFill(u);
        c.remaining = u.remaining;
        const b = this.book;
        this.orderEvent(id, 'order.filled', {
          side: u.side, price: str(u.price), amount: str(u.amount), fee: str(u.fee), feeAsset: u.feeAsset, liquidity: u.liquidity, remaining: str(u.remaining),
          ...(b === null ? {} : { mid: str(midOf(b)) }),
        });
        if (u.remaining.lte(ZERO)) this.chains.delete(id);
        return;
      }
      case 'order.cancelled':
        this.orderEvent(id, 'order.cancelled', { remaining: str(u.remaining), acked: c.acked });
        this.chains.delete(id);
        return;
    }
  }

  /** The shadow's ledger, as the bot's `state.snapshot` carries its own. */
  snapshot(): void {
    const f = this.o.account.figures();
    this.emit('state.snapshot', {
      state: 'Shadow', base: str(f.base), quote: str(f.quote), equity: str(f.equity), realizedPnl: str(f.realized), unrealizedPnl: str(f.unrealized), fees: str(f.fees),
      ...(f.marginRatio === null ? {} : { funding: str(f.funding), marginBalance: str(f.marginBalance ?? ZERO), marginRatio: f.marginRatio.toFixed(6) }),
      openOrders: this.chains.size, fills: this.o.account.volume.fills, day: { equityOpen: str(f.equityOpen) },
    });
  }

  stopped(reason: string): void {
    this.emit('bot.stopped', { reason, openOrders: this.chains.size });
  }

  private orderEvent(id: string, type: string, payload: Payload): void {
    const c = this.chains.get(id);
    if (c === undefined) return;
    c.lastEventId = this.emit(type, { clientOrderId: id, ...payload }, { correlationId: c.correlationId, causationId: c.lastEventId });
  }

  private emit(type: string, payload: Payload, chain?: { correlationId: string; causationId: string }): string {
    return this.o.log.append(this.producer, { type, ts: this.o.now(), botId: this.o.botId, payload: payload as never, ...(chain ?? {}) }).eventId;
  }
}
