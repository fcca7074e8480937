/**
 * The order status transition table, as data (NautilusTrader's shape): for each status, the
 * events it accepts and the status each one leads to. Anything not listed is illegal, and
 * `nextStatus` answers `null` so the caller can report it instead of guessing.
 *
 * Decisions on the ambiguous cells (docs/architecture.md, "Orders"):
 * - A fill may arrive before the ack, so PendingNew accepts fills directly.
 * - Open/PartiallyFilled accept `order.cancelled` without a request: venues cancel on their
 *   own (self-trade prevention, maintenance), and the status must follow the venue.
 * - A partial fill while cancelling keeps PendingCancel (the cancel is still in flight; the
 *   filled amount lives in the order's context); a final fill while cancelling wins: Filled.
 * - `order.cancel_rejected` returns to the live status the order had before the request,
 *   updated by fills that arrived meanwhile: the table holds the `PREVIOUS_LIVE` marker and
 *   `nextStatus` resolves it from its `previous` argument (Open when nothing has filled,
 *   PartiallyFilled otherwise).
 * - PendingNew does not accept `order.cancel_requested`: an unacked order is resolved by its
 *   ack, reject or `order.ack_timeout`, never by a cancel the venue cannot match yet.
 * - Terminal statuses accept nothing, except the venue-real `Cancelled → Filled` (a fill that
 *   raced the cancel).
 */

export const ORDER_STATUSES = [
  'PendingNew',
  'Open',
  'PartiallyFilled',
  'Filled',
  'PendingCancel',
  'Cancelled',
  'Rejected',
  'Failed',
  'Expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_EVENT_TYPES = [
  'order.acked',
  'order.rejected',
  'order.failed',
  'order.partially_filled',
  'order.filled',
  'order.cancel_requested',
  'order.cancelled',
  'order.cancel_rejected',
  'order.ack_timeout',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** The live statuses an order can return to when its cancel is rejected. */
export const LIVE_STATUSES = ['Open', 'PartiallyFilled'] as const;
export type LiveStatus = (typeof LIVE_STATUSES)[number];

/** Table marker: "the live status before the cancel request", resolved by `nextStatus`. */
export const PREVIOUS_LIVE = 'PreviousLive' as const;
export type StatusTarget = OrderStatus | typeof PREVIOUS_LIVE;

/** The transition table. A missing (status, event) cell is an illegal transition. */
export const ORDER_STATUS_TABLE = {
  PendingNew: {
    'order.acked': 'Open',
    'order.rejected': 'Rejected',
    'order.failed': 'Failed',
    'order.ack_timeout': 'Expired',
    'order.partially_filled': 'PartiallyFilled',
    'order.filled': 'Filled',
  },
  Open: {
    'order.partially_filled': 'PartiallyFilled',
    'order.filled': 'Filled',
    'order.cancel_requested': 'PendingCancel',
    'order.cancelled': 'Cancelled',
  },
  PartiallyFilled: {
    'order.partially_filled': 'PartiallyFilled',
    'order.filled': 'Filled',
    'order.cancel_requested': 'PendingCancel',
    'order.cancelled': 'Cancelled',
  },
  PendingCancel: {
    'order.cancelled': 'Cancelled',
    'order.partially_filled': 'PendingCancel',
    'order.filled': 'Filled',
    'order.cancel_rejected': PREVIOUS_LIVE,
  },
  Cancelled: {
    'order.filled': 'Filled',
  },
  Filled: {},
  Rejected: {},
  Failed: {},
  Expired: {},
} as const satisfies Record<OrderStatus, Partial<Record<OrderEventType, StatusTarget>>>;

const TERMINAL: ReadonlySet<OrderStatus> = new Set(['Filled', 'Cancelled', 'Rejected', 'Failed', 'Expired']);

/**
 * Terminal statuses: the order no longer works at the venue. `Cancelled` is terminal yet still
 * accepts `order.filled` (see the module comment).
 */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * The status `event` leads to from `status`, or `null` when the table forbids it.
 * `previous` is the live status before the pending cancel (only read for
 * `order.cancel_rejected`; Open when omitted).
 */
export function nextStatus(status: OrderStatus, event: OrderEventType, previous: LiveStatus = 'Open'): OrderStatus | null {
  const row: Partial<Record<OrderEventType, StatusTarget>> = ORDER_STATUS_TABLE[status];
  const target = row[event];
  if (target === undefined) return null;
  return target === PREVIOUS_LIVE ? previous : target;
}
