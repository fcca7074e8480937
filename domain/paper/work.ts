/**
 * The scratch copy of a paper state that one step works on. `beginWork` copies the arrays of
 * the (immutable) input state, the step's handlers update the copy in place, and `endWork`
 * freezes it into the next state. The input state is never modified, so a step is a pure
 * function of (state, input).
 */
import type { ClientOrderId } from '../ids.ts';
import type { BookTop, PriceLevel } from '../market/types.ts';
import type { Decimal } from '../money/decimal.ts';
import { type Prng, nextDecimal } from './prng.ts';
import type { DriftProbe, PaperCounters, PaperEvent, PaperOrder, PaperParams, PaperRejectReason, PaperState, PaperStep } from './types.ts';

export interface Work {
  readonly params: PaperParams;
  now: number | null;
  rng: Prng;
  nextSeq: number;
  book: BookTop | null;
  taken: PriceLevel[];
  orders: PaperOrder[];
  probes: DriftProbe[];
  counters: PaperCounters;
  readonly events: PaperEvent[];
}

export function beginWork(state: PaperState): Work {
  return {
    params: state.params,
    now: state.now,
    rng: state.rng,
    nextSeq: state.nextSeq,
    book: state.book,
    taken: [...state.taken],
    orders: [...state.orders],
    probes: [...state.probes],
    counters: state.counters,
    events: [],
  };
}

export function endWork(w: Work): PaperStep {
  const state: PaperState = {
    params: w.params,
    now: w.now,
    rng: w.rng,
    nextSeq: w.nextSeq,
    book: w.book,
    taken: w.taken,
    orders: w.orders,
    probes: w.probes,
    counters: w.counters,
  };
  return { state, events: w.events };
}

export function findOrder(w: Work, id: ClientOrderId): PaperOrder | undefined {
  return w.orders.find((o) => o.clientOrderId === id);
}

/** Replaces the open order with the same id (keeps placement order). */
export function putOrder(w: Work, order: PaperOrder): void {
  w.orders = w.orders.map((o) => (o.clientOrderId === order.clientOrderId ? order : o));
}

export function removeOrder(w: Work, id: ClientOrderId): void {
  w.orders = w.orders.filter((o) => o.clientOrderId !== id);
}

/** Draws a Decimal uniform in [lo, hi] from the model's generator. */
export function draw(w: Work, lo: Decimal, hi: Decimal): Decimal {
  const d = nextDecimal(w.rng, lo, hi);
  w.rng = d.rng;
  return d.value;
}

export function reject(w: Work, ts: number, clientOrderId: ClientOrderId, reason: PaperRejectReason): void {
  w.events.push({ type: 'order.reject', ts, clientOrderId, reason });
  w.counters = { ...w.counters, rejectCount: w.counters.rejectCount + 1 };
}

/** Whether the order's last fill is at least `latencyMs` before `ts` (partial-fill spacing). */
export function canFill(w: Work, order: PaperOrder, ts: number): boolean {
  return order.lastFillTs === null || ts - order.lastFillTs >= w.params.config.latencyMs;
}
