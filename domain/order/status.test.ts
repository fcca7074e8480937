import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { applyFill, remaining } from './fill.ts';
import { isTerminal, LIVE_STATUSES, nextStatus, ORDER_EVENT_TYPES, ORDER_STATUSES, type OrderEventType, type OrderStatus } from './status.ts';

/** The expected table, written out independently of ORDER_STATUS_TABLE ('prev' = previous live status). */
const EXPECTED: Record<OrderStatus, Partial<Record<OrderEventType, OrderStatus | 'prev'>>> = {
  PendingNew: {
    'order.acked': 'Open',
    'order.rejected': 'Rejected',
    'order.failed': 'Failed',
    'order.ack_timeout': 'Expired',
    'order.partially_filled': 'PartiallyFilled',
    'order.filled': 'Filled',
  },
  Open: { 'order.partially_filled': 'PartiallyFilled', 'order.filled': 'Filled', 'order.cancel_requested': 'PendingCancel', 'order.cancelled': 'Cancelled' },
  PartiallyFilled: { 'order.partially_filled': 'PartiallyFilled', 'order.filled': 'Filled', 'order.cancel_requested': 'PendingCancel', 'order.cancelled': 'Cancelled' },
  PendingCancel: { 'order.cancelled': 'Cancelled', 'order.partially_filled': 'PendingCancel', 'order.filled': 'Filled', 'order.cancel_rejected': 'prev' },
  Cancelled: { 'order.filled': 'Filled' },
  Filled: {},
  Rejected: {},
  Failed: {},
  Expired: {},
};

const PAIRS = ORDER_STATUSES.flatMap((s) => ORDER_EVENT_TYPES.map((e) => [s, e] as const));

describe('nextStatus', () => {
  it.each(PAIRS)('%s + %s', (status, event) => {
    const want = EXPECTED[status][event];
    for (const prev of LIVE_STATUSES) {
      expect(nextStatus(status, event, prev)).toBe(want === undefined ? null : want === 'prev' ? prev : want);
    }
  });

  it('cancel_rejected returns to Open by default', () => {
    expect(nextStatus('PendingCancel', 'order.cancel_rejected')).toBe('Open');
  });

  it('terminal statuses stay terminal, except Cancelled → Filled', () => {
    for (const [status, event] of PAIRS) {
      if (!isTerminal(status)) continue;
      const next = nextStatus(status, event);
      if (status === 'Cancelled' && event === 'order.filled') expect(next).toBe('Filled');
      else expect(next).toBeNull();
    }
  });

  it('knows which statuses are terminal', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['Filled', 'Cancelled', 'Rejected', 'Failed', 'Expired']);
  });
});

describe('applyFill', () => {
  const d = (v: string) => new Decimal(v);
  it('accumulates below the amount', () => {
    const out = applyFill(d('1'), d('0.25'), d('0.5'));
    expect([out.filled.toString(), out.complete, out.overfill.toString()]).toEqual(['0.75', false, '0']);
  });
  it('completes exactly and clamps an overfill', () => {
    expect(applyFill(d('1'), d('0.5'), d('0.5')).complete).toBe(true);
    const out = applyFill(d('1'), d('0.75'), d('0.5'));
    expect([out.filled.toString(), out.complete, out.overfill.toString()]).toEqual(['1', true, '0.25']);
    expect(remaining(d('1'), out.filled).toString()).toBe('0');
  });
  it('rejects a non-positive fill', () => {
    expect(() => applyFill(d('1'), d('0'), d('0'))).toThrow(RangeError);
    expect(() => applyFill(d('1'), d('0'), d('-1'))).toThrow(/positive/);
  });
});
