/**
 * A stopping bot waits for its per-order venue calls: a cancel still in flight when the bot
 * stops settles before `settled()` resolves, and an outcome arriving after `stopAll()` is not
 * written to the (by then closed) event log.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import type { CancelOutcome, ExecutionAdapter, ExecutionUpdate, PlaceOutcome } from '../adapters/execution/types.ts';
import { clientOrderId, type ClientOrderId } from '../domain/ids.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { BotOrders } from './bot-orders.ts';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(v: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A venue whose place acks at once and whose cancels answer only when the test says so. */
function slowCancelVenue() {
  const updates$ = new Subject<ExecutionUpdate>();
  const cancels: Deferred<CancelOutcome>[] = [];
  const adapter: ExecutionAdapter = {
    place: async (o): Promise<PlaceOutcome> => {
      const ack: PlaceOutcome = { type: 'order.ack', ts: 0, symbol: o.symbol, clientOrderId: o.clientOrderId, side: o.side, price: o.price, amount: o.amount, postOnly: o.postOnly };
      updates$.next(ack);
      return ack;
    },
    cancel: () => {
      const d = deferred<CancelOutcome>();
      cancels.push(d);
      return d.promise;
    },
    cancelAll: async () => [],
    openOrders: async () => [],
    balances: async () => [],
    tradingRules: () => Promise.reject(new Error('not used')),
    updates$,
    close: async () => undefined,
  };
  return { adapter, updates$, cancels };
}

function harness() {
  const venue = slowCancelVenue();
  const written: string[] = [];
  let seq = 0;
  const orders = new BotOrders({
    botId: 'b1',
    symbol: 'BTC/USDT',
    clock: new VirtualClock(0),
    adapter: venue.adapter,
    emit: (type) => {
      written.push(type);
      return { eventId: `e${++seq}` };
    },
    onFill: () => undefined,
  });
  const sub = venue.updates$.subscribe((u) => orders.onUpdate(u));
  const id: ClientOrderId = clientOrderId('b1-o1');
  return { venue, orders, written, id, close: () => sub.unsubscribe() };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('BotOrders on stop', () => {
  it('settled() waits for a per-order cancel still in flight', async () => {
    const h = harness();
    h.orders.place({ type: 'place', clientOrderId: h.id, levelId: 'buy-1', side: 'buy', price: new Decimal(100), amount: new Decimal(1), postOnly: true }, null);
    await flush();
    expect(h.written).toEqual(['order.created', 'order.acked']);
    h.orders.cancel(h.id, 'requote');
    await flush();
    expect(h.venue.cancels).toHaveLength(1);

    let settled = false;
    const waiting = h.orders.settled().then(() => (settled = true));
    await flush();
    expect(settled).toBe(false);
    h.venue.cancels[0]?.resolve({ type: 'order.cancel_reject', ts: 0, symbol: 'BTC/USDT', clientOrderId: h.id, reason: 'unknown_order' });
    await waiting;
    expect(settled).toBe(true);
    expect(h.written).toEqual(['order.created', 'order.acked', 'order.cancel_requested', 'order.cancel_rejected']);
    h.close();
  });

  it('an outcome arriving after stopAll is not written (the log is closed by then)', async () => {
    const h = harness();
    h.orders.place({ type: 'place', clientOrderId: h.id, levelId: 'buy-1', side: 'buy', price: new Decimal(100), amount: new Decimal(1), postOnly: true }, null);
    await flush();
    h.orders.cancel(h.id, 'requote');
    await flush();
    h.orders.stopAll();
    h.venue.cancels[0]?.resolve({ type: 'order.cancel_reject', ts: 0, symbol: 'BTC/USDT', clientOrderId: h.id, reason: 'unknown_order' });
    await h.orders.settled();
    expect(h.written).toEqual(['order.created', 'order.acked', 'order.cancel_requested']);
    h.close();
  });
});
