/**
 * The shadow decorator: every place, cancel and cancel-all goes to the venue and is mirrored
 * into the shadow; the venue's answer comes back unchanged (the same promise); a shadow that
 * fails — or a fault reporter that fails — never touches the live path.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RULES, cid, intent } from '../adapters/execution/paper.fixtures.ts';
import type { CancelOutcome, ExecutionAdapter, ExecutionUpdate, OrderCancelled, PlaceOutcome } from '../adapters/execution/types.ts';
import type { ClientOrderId } from '../domain/ids.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { type ShadowMirror, ShadowedExecutionAdapter } from './shadow-execution.ts';

/** A venue stub: records calls and answers with promises the test holds. */
function stubVenue() {
  const calls: string[] = [];
  const updates = new Subject<ExecutionUpdate>();
  const ack: PlaceOutcome = { type: 'order.ack', ts: 1, symbol: 'BTCUSDT', clientOrderId: cid('b-1'), side: 'buy', price: new Decimal('100'), amount: new Decimal('0.1'), postOnly: true };
  const cancelled: OrderCancelled = { type: 'order.cancelled', ts: 2, symbol: 'BTCUSDT', clientOrderId: cid('b-1'), remaining: new Decimal('0.1') };
  const answers = { place: Promise.resolve<PlaceOutcome>(ack), cancel: Promise.resolve<CancelOutcome>(cancelled), cancelAll: Promise.resolve<readonly OrderCancelled[]>([cancelled]) };
  let closed = false;
  const venue: ExecutionAdapter = {
    place: (i) => (calls.push(`place ${i.clientOrderId}`), answers.place),
    cancel: (id) => (calls.push(`cancel ${id}`), answers.cancel),
    cancelAll: (s) => (calls.push(`cancelAll ${s ?? '*'}`), answers.cancelAll),
    openOrders: async () => (calls.push('openOrders'), []),
    balances: async () => (calls.push('balances'), [{ asset: 'USDT', total: new Decimal('5') }]),
    tradingRules: async () => (calls.push('tradingRules'), RULES),
    updates$: updates.asObservable(),
    close: async () => void (closed = true),
  };
  return { venue, calls, answers, updates, isClosed: () => closed };
}

function recordingMirror(): ShadowMirror & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    place: (i) => void calls.push(`place ${i.clientOrderId} ${i.side} ${i.price.toFixed()} ${i.amount.toFixed()} ${i.postOnly}`),
    cancel: (id: ClientOrderId) => void calls.push(`cancel ${id}`),
    cancelAll: (s) => void calls.push(`cancelAll ${s ?? '*'}`),
  };
}

const throwingMirror: ShadowMirror = {
  place: () => {
    throw new Error('shadow broke');
  },
  cancel: () => {
    throw new Error('shadow broke');
  },
  cancelAll: () => {
    throw new Error('shadow broke');
  },
};

describe('ShadowedExecutionAdapter', () => {
  it('mirrors each place, cancel and cancel-all after sending it to the venue, with the same order', async () => {
    const v = stubVenue();
    const shadow = recordingMirror();
    const a = new ShadowedExecutionAdapter(v.venue, shadow);
    const order = intent('b-1', 'buy', '100', '0.1');
    const placed = a.place(order);
    const cancelled = a.cancel(cid('b-1'));
    const swept = a.cancelAll('BTCUSDT');
    expect(v.calls).toEqual(['place b-1', 'cancel b-1', 'cancelAll BTCUSDT']);
    expect(shadow.calls).toEqual(['place b-1 buy 100 0.1 true', 'cancel b-1', 'cancelAll BTCUSDT']);
    // The venue's answers, unchanged: the very promises it returned.
    expect(placed).toBe(v.answers.place);
    expect(cancelled).toBe(v.answers.cancel);
    expect(swept).toBe(v.answers.cancelAll);
    expect(await placed).toBe(await v.answers.place);
  });

  it('forwards reads and the venue updates; close closes the venue only', async () => {
    const v = stubVenue();
    const shadow = recordingMirror();
    const a = new ShadowedExecutionAdapter(v.venue, shadow);
    const seen: ExecutionUpdate[] = [];
    a.updates$.subscribe((u) => seen.push(u));
    const fill: ExecutionUpdate = { type: 'order.cancelled', ts: 3, symbol: 'BTCUSDT', clientOrderId: cid('x'), remaining: new Decimal(0) };
    v.updates.next(fill);
    expect(seen).toEqual([fill]);
    expect(await a.balances()).toEqual([{ asset: 'USDT', total: new Decimal('5') }]);
    expect(await a.openOrders()).toEqual([]);
    expect(await a.tradingRules('BTCUSDT')).toBe(RULES);
    await a.close();
    expect(v.isClosed()).toBe(true);
    expect(shadow.calls).toEqual([]);
  });

  it('a shadow that throws is reported and never reaches the live path', async () => {
    const v = stubVenue();
    const faults: string[] = [];
    const a = new ShadowedExecutionAdapter(v.venue, throwingMirror, (m, e) => faults.push(`${m}: ${(e as Error).message}`));
    await expect(a.place(intent('b-1', 'buy', '100', '0.1'))).resolves.toMatchObject({ type: 'order.ack', clientOrderId: 'b-1' });
    await expect(a.cancel(cid('b-1'))).resolves.toMatchObject({ type: 'order.cancelled' });
    await expect(a.cancelAll()).resolves.toHaveLength(1);
    expect(v.calls).toEqual(['place b-1', 'cancel b-1', 'cancelAll *']);
    expect(faults).toEqual(['shadow: place b-1 not mirrored: shadow broke', 'shadow: cancel b-1 not mirrored: shadow broke', 'shadow: cancel-all not mirrored: shadow broke']);
  });

  it('a fault reporter that throws too is swallowed', () => {
    const v = stubVenue();
    const a = new ShadowedExecutionAdapter(v.venue, throwingMirror, () => {
      throw new Error('logger broke');
    });
    expect(a.place(intent('b-2', 'sell', '101', '0.2'))).toBe(v.answers.place);
    expect(a.cancel(cid('b-2'))).toBe(v.answers.cancel);
  });

  it('a venue that refuses is still mirrored: the shadow judges the order itself', async () => {
    const v = stubVenue();
    const reject: PlaceOutcome = { type: 'order.reject', ts: 1, symbol: 'BTCUSDT', clientOrderId: cid('b-3'), reason: 'post_only_would_cross' };
    v.answers.place = Promise.resolve(reject);
    const shadow = recordingMirror();
    const a = new ShadowedExecutionAdapter(v.venue, shadow);
    expect(await a.place(intent('b-3', 'buy', '100', '0.1'))).toBe(reject);
    expect(shadow.calls).toEqual(['place b-3 buy 100 0.1 true']);
  });
});
