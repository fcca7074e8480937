/**
 * The order machine: one working order's life, mirroring the status table in
 * `domain/order/status.ts` state for state (the tests check it against the table). Context
 * tracks the filled amount against the order amount; a fill that completes the amount is
 * Filled whatever the venue called it. The machine names its effects (`effect.submit`,
 * `effect.cancel`, emitted for the order actor to perform) and performs no I/O.
 */
import { assign, emit, setup } from 'xstate';
import type { ClientOrderId } from '../domain/ids.ts';
import { ZERO, type Decimal } from '../domain/money/decimal.ts';
import { applyFill } from '../domain/order/fill.ts';

export interface OrderInput {
  readonly clientOrderId: ClientOrderId;
  /** Order amount (base units), positive. */
  readonly amount: Decimal;
}

export interface OrderCtx {
  readonly clientOrderId: ClientOrderId;
  readonly amount: Decimal;
  /** Cumulative filled amount; never exceeds `amount`. */
  readonly filled: Decimal;
  /** Fill amount reported beyond `amount` (clamped away from `filled`, kept for reconciliation). */
  readonly overfill: Decimal;
}

/** Venue and operator events; `amount` on a fill is that fill's size, not the cumulative one. */
export type OrderEvent =
  | { readonly type: 'order.acked' }
  | { readonly type: 'order.rejected'; readonly reason?: string }
  | { readonly type: 'order.failed'; readonly reason?: string }
  | { readonly type: 'order.partially_filled'; readonly amount: Decimal }
  | { readonly type: 'order.filled'; readonly amount: Decimal }
  | { readonly type: 'order.cancel_requested' }
  | { readonly type: 'order.cancelled' }
  | { readonly type: 'order.cancel_rejected' }
  | { readonly type: 'order.ack_timeout' };

/** Effects the machine names; the order actor performs them. */
export type OrderEffect =
  | { readonly type: 'effect.submit'; readonly clientOrderId: ClientOrderId; readonly amount: Decimal }
  | { readonly type: 'effect.cancel'; readonly clientOrderId: ClientOrderId };

// Non-fill events carry no amount; the fill guards and actions are only wired to fill events.
const fillOf = (event: OrderEvent): Decimal => ('amount' in event ? event.amount : ZERO);

export const orderMachine = setup({
  types: {
    context: {} as OrderCtx,
    input: {} as OrderInput,
    events: {} as OrderEvent,
    emitted: {} as OrderEffect,
  },
  actions: {
    requestSubmit: emit(({ context }) => ({ type: 'effect.submit' as const, clientOrderId: context.clientOrderId, amount: context.amount })),
    requestCancel: emit(({ context }) => ({ type: 'effect.cancel' as const, clientOrderId: context.clientOrderId })),
    recordFill: assign(({ context, event }) => {
      const out = applyFill(context.amount, context.filled, fillOf(event));
      return { filled: out.filled, overfill: context.overfill.plus(out.overfill) };
    }),
    // The venue says the order is done: trust it and count the whole amount as filled.
    recordFinalFill: assign(({ context, event }) => {
      const out = applyFill(context.amount, context.filled, fillOf(event));
      return { filled: context.amount, overfill: context.overfill.plus(out.overfill) };
    }),
  },
  guards: {
    completesOrder: ({ context, event }) => applyFill(context.amount, context.filled, fillOf(event)).complete,
    hasFills: ({ context }) => context.filled.gt(ZERO),
  },
}).createMachine({
  id: 'order',
  context: ({ input }) => ({ clientOrderId: input.clientOrderId, amount: input.amount, filled: ZERO, overfill: ZERO }),
  initial: 'PendingNew',
  states: {
    PendingNew: {
      entry: 'requestSubmit',
      on: {
        'order.acked': 'Open',
        'order.rejected': 'Rejected',
        'order.failed': 'Failed',
        'order.ack_timeout': 'Expired',
        'order.partially_filled': [
          { guard: 'completesOrder', target: 'Filled', actions: 'recordFill' },
          { target: 'PartiallyFilled', actions: 'recordFill' },
        ],
        'order.filled': { target: 'Filled', actions: 'recordFinalFill' },
      },
    },
    Open: {
      on: {
        'order.partially_filled': [
          { guard: 'completesOrder', target: 'Filled', actions: 'recordFill' },
          { target: 'PartiallyFilled', actions: 'recordFill' },
        ],
        'order.filled': { target: 'Filled', actions: 'recordFinalFill' },
        'order.cancel_requested': 'PendingCancel',
        'order.cancelled': 'Cancelled',
      },
    },
    PartiallyFilled: {
      on: {
        'order.partially_filled': [
          { guard: 'completesOrder', target: 'Filled', actions: 'recordFill' },
          { actions: 'recordFill' },
        ],
        'order.filled': { target: 'Filled', actions: 'recordFinalFill' },
        'order.cancel_requested': 'PendingCancel',
        'order.cancelled': 'Cancelled',
      },
    },
    PendingCancel: {
      entry: 'requestCancel',
      on: {
        'order.cancelled': 'Cancelled',
        // Targetless: the cancel is still in flight and must not be requested again.
        'order.partially_filled': [
          { guard: 'completesOrder', target: 'Filled', actions: 'recordFill' },
          { actions: 'recordFill' },
        ],
        'order.filled': { target: 'Filled', actions: 'recordFinalFill' },
        // Back to the live status before the request, counting fills that arrived meanwhile.
        'order.cancel_rejected': [{ guard: 'hasFills', target: 'PartiallyFilled' }, { target: 'Open' }],
      },
    },
    // Not `final`: a fill that raced the cancel still turns it into Filled (venue-real).
    Cancelled: {
      on: {
        'order.partially_filled': { guard: 'completesOrder', target: 'Filled', actions: 'recordFill' },
        'order.filled': { target: 'Filled', actions: 'recordFinalFill' },
      },
    },
    Filled: { type: 'final' },
    Rejected: { type: 'final' },
    Failed: { type: 'final' },
    Expired: { type: 'final' },
  },
});
