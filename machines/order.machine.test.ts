import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { clientOrderId } from '../domain/ids.ts';
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import { applyFill } from '../domain/order/fill.ts';
import { isTerminal, nextStatus, ORDER_EVENT_TYPES, ORDER_STATUSES, type LiveStatus, type OrderEventType, type OrderStatus } from '../domain/order/status.ts';
import { orderMachine, type OrderEffect, type OrderEvent } from './order.machine.ts';

const AMOUNT = new Decimal(100);
const SMALL = new Decimal(1);

function eventOf(type: OrderEventType, fill: Decimal = SMALL): OrderEvent {
  return type === 'order.partially_filled' || type === 'order.filled' ? { type, amount: fill } : { type };
}

function start(amount: Decimal = AMOUNT) {
  return createActor(orderMachine, { input: { clientOrderId: clientOrderId('c-1'), amount } }).start();
}

/** Sends unless the actor is done: a final state accepts nothing (and XState warns on every send). */
function send(actor: ReturnType<typeof start>, event: OrderEvent): void {
  if (actor.getSnapshot().status !== 'done') actor.send(event);
}

/** The reference: `nextStatus` folded over events, with the fill accounting the machine must share. */
interface Ref {
  readonly status: OrderStatus;
  readonly previous: LiveStatus;
  readonly filled: Decimal;
}
function step(amount: Decimal, ref: Ref, event: OrderEvent): Ref {
  let type = event.type;
  const out = 'amount' in event ? applyFill(amount, ref.filled, event.amount) : null;
  // A partial fill that completes the order is a final fill, whatever the venue called it.
  if (type === 'order.partially_filled' && out?.complete) type = 'order.filled';
  const status = nextStatus(ref.status, type, ref.previous);
  if (status === null) return ref; // illegal: ignored
  let previous = ref.previous;
  if (type === 'order.cancel_requested') previous = ref.status as LiveStatus;
  if (type === 'order.partially_filled') previous = 'PartiallyFilled';
  const filled = type === 'order.filled' ? amount : (out?.filled ?? ref.filled);
  return { status, previous, filled };
}
const INITIAL: Ref = { status: 'PendingNew', previous: 'Open', filled: ZERO };

/** Shortest event path from PendingNew to each status, by breadth-first search over the table. */
function shortestPaths(): Map<OrderStatus, OrderEventType[]> {
  const paths = new Map<OrderStatus, OrderEventType[]>([['PendingNew', []]]);
  const queue: OrderStatus[] = ['PendingNew'];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    for (const e of ORDER_EVENT_TYPES) {
      const t = nextStatus(s, e);
      if (t !== null && !paths.has(t)) {
        paths.set(t, [...(paths.get(s) ?? []), e]);
        queue.push(t);
      }
    }
  }
  return paths;
}
const PATHS = shortestPaths();

describe('orderMachine against the status table', () => {
  it('reaches every status', () => {
    expect([...PATHS.keys()].sort()).toEqual([...ORDER_STATUSES].sort());
  });

  const pairs = ORDER_STATUSES.flatMap((s) => ORDER_EVENT_TYPES.map((e) => [s, e] as const));
  it.each(pairs)('%s + %s lands where the table says', (status, type) => {
    const path = PATHS.get(status) ?? [];
    const actor = start();
    let ref = INITIAL;
    for (const e of path) {
      actor.send(eventOf(e));
      ref = step(AMOUNT, ref, eventOf(e));
    }
    expect(actor.getSnapshot().value).toBe(status);
    send(actor, eventOf(type));
    const want = nextStatus(status, type, ref.previous) ?? status;
    expect(actor.getSnapshot().value).toBe(want);
    actor.stop();
  });

  it('returns to PartiallyFilled when a cancel is rejected after fills', () => {
    const actor = start();
    for (const e of ['order.acked', 'order.cancel_requested', 'order.partially_filled', 'order.cancel_rejected'] as const) actor.send(eventOf(e));
    expect(actor.getSnapshot().value).toBe('PartiallyFilled');
    expect(actor.getSnapshot().context.filled.toString()).toBe('1');
  });

  it('turns a partial fill that completes the amount into Filled, clamping an overfill', () => {
    const actor = start(new Decimal('1.5'));
    actor.send({ type: 'order.acked' });
    actor.send({ type: 'order.partially_filled', amount: new Decimal('1') });
    actor.send({ type: 'order.partially_filled', amount: new Decimal('0.75') });
    const snap = actor.getSnapshot();
    expect(snap.value).toBe('Filled');
    expect(snap.status).toBe('done');
    expect([snap.context.filled.toString(), snap.context.overfill.toString()]).toEqual(['1.5', '0.25']);
  });

  it('names its effects: submit on start, cancel once per request', () => {
    const effects: OrderEffect['type'][] = [];
    const actor = createActor(orderMachine, { input: { clientOrderId: clientOrderId('c-2'), amount: AMOUNT } });
    actor.on('*', (e) => effects.push(e.type));
    actor.start();
    for (const e of ['order.acked', 'order.cancel_requested', 'order.partially_filled', 'order.cancelled'] as const) actor.send(eventOf(e));
    expect(effects).toEqual(['effect.submit', 'effect.cancel']);
  });
});

describe('orderMachine property', () => {
  const fillArb = fc.integer({ min: 1, max: 40 }).map((n) => new Decimal(n).div(4));
  const eventArb: fc.Arbitrary<OrderEvent> = fc
    .tuple(fc.constantFrom(...ORDER_EVENT_TYPES), fillArb)
    .map(([type, fill]) => eventOf(type, fill));

  it('equals nextStatus folded over any event sequence, and never overfills', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(eventArb, { maxLength: 40 }), (units, events) => {
        const amount = new Decimal(units).div(2);
        const actor = start(amount);
        let ref = INITIAL;
        for (const event of events) {
          send(actor, event);
          ref = step(amount, ref, event);
          const snap = actor.getSnapshot();
          expect(snap.value).toBe(ref.status);
          expect(snap.context.filled.eq(ref.filled)).toBe(true);
          expect(snap.context.filled.lte(amount)).toBe(true);
          expect(snap.status === 'done').toBe(isTerminal(ref.status) && ref.status !== 'Cancelled');
        }
        actor.stop();
      }),
      { numRuns: 300 },
    );
  });
});
