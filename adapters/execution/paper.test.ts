import { describe, expect, it } from 'vitest';
import { Decimal } from '../../domain/money/decimal.ts';
import { PAPER_DEFAULTS } from '../../domain/paper/index.ts';
import { ExecutionClosedError, UnknownSymbolError } from './errors.ts';
import { book, cid, intent, plain, setup, trade } from './paper.fixtures.ts';
import type { Balance, ExecutionUpdate, PlaceOutcome } from './types.ts';

const totals = (bs: readonly Balance[]): Record<string, string> => Object.fromEntries(bs.map((b) => [b.asset, b.total.toString()]));

function tracked(p: Promise<PlaceOutcome>): { value: () => PlaceOutcome | undefined } {
  let value: PlaceOutcome | undefined;
  void p.then((v) => (value = v));
  return { value: () => value };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('PaperExecutionAdapter: place', () => {
  it('acks after latency and fills when the market trades through the price', async () => {
    const { clock, adapter, updates } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const placed = tracked(adapter.place(intent('b1', 'buy', 100, 1)));
    clock.advanceTo(1_149);
    await flush();
    expect(placed.value()).toBeUndefined();
    expect((await adapter.openOrders())[0]?.status).toBe('pending');
    clock.advanceTo(1_150);
    await flush();
    expect(placed.value()).toMatchObject({ type: 'order.ack', ts: 1_150, clientOrderId: 'b1', postOnly: true });
    expect((await adapter.openOrders())[0]?.status).toBe('open');

    adapter.onMarket(trade(1_200, '99.5', 2, 'sell'));
    const fills = updates.filter((u) => u.type === 'order.fill');
    expect(plain(fills)).toEqual([
      { type: 'order.fill', ts: 1_200, symbol: 'BTCUSDT', clientOrderId: 'b1', side: 'buy', price: '100', amount: '1', fee: '0.075', feeAsset: 'USDT', liquidity: 'maker', remaining: '0' },
    ]);
    expect(totals(await adapter.balances())).toEqual({ BTC: '11', USDT: '899.925' });
    expect(await adapter.openOrders()).toEqual([]);
    expect(updates.map((u) => u.type)).toEqual(['order.ack', 'order.fill']);
  });

  it('a trade that does not reach the price fills nothing', async () => {
    const { clock, adapter, updates } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const p = adapter.place(intent('b1', 'buy', 100, 1));
    clock.advanceTo(1_150);
    await p;
    adapter.onMarket(trade(1_200, '100.5', 2, 'sell'));
    expect(updates.filter((u) => u.type === 'order.fill')).toEqual([]);
  });

  it('a post-only order that would cross is rejected as a value with the reason', async () => {
    const { clock, adapter, updates } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const p = adapter.place(intent('x1', 'buy', 101, 1));
    clock.advanceTo(1_150);
    await expect(p).resolves.toMatchObject({ type: 'order.reject', ts: 1_150, clientOrderId: 'x1', reason: 'post_only_would_cross' });
    expect(updates.map((u) => u.type)).toEqual(['order.reject']);
    expect(await adapter.openOrders()).toEqual([]);
  });

  it('a crossing order that is not post-only takes liquidity, taker fee applied', async () => {
    const { clock, adapter } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const p = adapter.place(intent('t1', 'buy', 101, 2, false));
    clock.advanceTo(1_150);
    await expect(p).resolves.toMatchObject({ type: 'order.ack', postOnly: false });
    // 2 × 101 = 202 quote, fee 202 × 0.00075 = 0.1515
    expect(totals(await adapter.balances())).toEqual({ BTC: '12', USDT: '797.8485' });
  });

  it('other expected refusals are values too: no book, unknown symbol, duplicate id, bad amount', async () => {
    const { clock, adapter } = setup();
    const noBook = adapter.place(intent('n1', 'buy', 100, 1));
    clock.advanceTo(1_150);
    await expect(noBook).resolves.toMatchObject({ type: 'order.reject', reason: 'no_book' });
    adapter.onMarket(book(1_150, 100, 5, 101, 5));
    await expect(adapter.place(intent('s1', 'buy', 100, 1, true, 'ETHUSDT'))).resolves.toMatchObject({ reason: 'unknown_symbol' });
    const first = adapter.place(intent('d1', 'buy', 100, 1));
    await expect(adapter.place(intent('d1', 'sell', 102, 1))).resolves.toMatchObject({ type: 'order.reject', reason: 'duplicate_client_order_id' });
    await expect(adapter.place(intent('z1', 'buy', 100, 0))).resolves.toMatchObject({ reason: 'invalid_amount' });
    clock.advanceTo(1_300);
    await expect(first).resolves.toMatchObject({ type: 'order.ack', clientOrderId: 'd1', side: 'buy' });
  });
});

describe('PaperExecutionAdapter: cancel', () => {
  it('cancels an open order once; a second cancel is an unknown-order value', async () => {
    const { clock, adapter, updates } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const p = adapter.place(intent('b1', 'buy', 100, 1));
    clock.advanceTo(1_150);
    await p;
    clock.advanceTo(1_200);
    expect(plain([await adapter.cancel(cid('b1'))])).toEqual([{ type: 'order.cancelled', ts: 1_200, symbol: 'BTCUSDT', clientOrderId: 'b1', remaining: '1' }]);
    await expect(adapter.cancel(cid('b1'))).resolves.toMatchObject({ type: 'order.cancel_reject', reason: 'unknown_order' });
    expect(updates.map((u) => u.type)).toEqual(['order.ack', 'order.cancelled']);
  });

  it('cancelling before the ack answers the waiting place with a "cancelled" reject', async () => {
    const { clock, adapter } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const p = adapter.place(intent('b1', 'buy', 100, 1));
    clock.advanceTo(1_100);
    await expect(adapter.cancel(cid('b1'))).resolves.toMatchObject({ type: 'order.cancelled' });
    await expect(p).resolves.toMatchObject({ type: 'order.reject', reason: 'cancelled' });
    clock.advanceTo(1_500);
    expect(await adapter.openOrders()).toEqual([]);
  });

  it('cancelAll cancels every open order, pending or acked; another symbol cancels nothing', async () => {
    const { clock, adapter } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const a = adapter.place(intent('a', 'buy', 100, 1));
    clock.advanceTo(1_150);
    await a;
    void adapter.place(intent('b', 'sell', 102, '0.5'));
    expect((await adapter.openOrders()).map((o) => [o.clientOrderId, o.status])).toEqual([
      ['a', 'open'],
      ['b', 'pending'],
    ]);
    expect(await adapter.cancelAll('ETHUSDT')).toEqual([]);
    const done = await adapter.cancelAll();
    expect(done.map((c) => [c.clientOrderId, c.remaining.toString()])).toEqual([
      ['a', '1'],
      ['b', '0.5'],
    ]);
    expect(await adapter.openOrders()).toEqual([]);
    expect(await adapter.cancelAll('BTCUSDT')).toEqual([]);
  });
});

describe('PaperExecutionAdapter: balances, rules, lifecycle', () => {
  it('a partial maker fill then the rest: balances move by each fill exactly', async () => {
    const { clock, adapter } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const p = adapter.place(intent('s1', 'sell', 101, 3));
    clock.advanceTo(1_150);
    await p;
    adapter.onMarket(trade(1_200, 102, 1, 'buy')); // 1 @ 101, fee 0.07575
    adapter.onMarket(trade(1_400, 102, 5, 'buy')); // 2 @ 101, fee 0.1515
    expect(totals(await adapter.balances())).toEqual({ BTC: '7', USDT: '1302.77275' });
  });

  it('tradingRules answers for its symbol and faults on another', async () => {
    const { adapter } = setup();
    await expect(adapter.tradingRules('BTCUSDT')).resolves.toMatchObject({ base: 'BTC', quote: 'USDT' });
    const err = await adapter.tradingRules('ETHUSDT').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownSymbolError);
    expect((err as Error).name).toBe('UnknownSymbolError');
  });

  it('close completes updates$, rejects waiting places, and faults later calls', async () => {
    const { adapter } = setup();
    let completed = false;
    adapter.updates$.subscribe({ complete: () => (completed = true) });
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    const p = adapter.place(intent('b1', 'buy', 100, 1));
    await adapter.close();
    await adapter.close();
    expect(completed).toBe(true);
    await expect(p).rejects.toBeInstanceOf(ExecutionClosedError);
    await expect(adapter.place(intent('b2', 'buy', 100, 1))).rejects.toBeInstanceOf(ExecutionClosedError);
    expect(() => adapter.onMarket(book(1_100, 100, 5, 101, 5))).toThrow(ExecutionClosedError);
  });

  it('a market event older than the model time is applied at the model time', async () => {
    const { clock, adapter } = setup();
    adapter.onMarket(book(1_000, 100, 5, 101, 5));
    clock.advanceTo(1_300);
    void adapter.place(intent('b1', 'buy', 100, 1)); // model time 1 300
    expect(() => adapter.onMarket(trade(1_250, 99, 1, 'sell'))).not.toThrow();
  });
});

describe('PaperExecutionAdapter: determinism', () => {
  async function scenario(seed: number): Promise<ExecutionUpdate[]> {
    const { clock, adapter, updates } = setup({ ...PAPER_DEFAULTS, seed });
    adapter.onMarket(book(1_000, 100, 4, 101, 4));
    void adapter.place(intent('b1', 'buy', 100, 3));
    void adapter.place(intent('s1', 'sell', 101, 3));
    clock.advanceTo(1_200);
    for (let i = 0; i < 8; i += 1) {
      const t = 1_200 + i * 200;
      clock.advanceTo(t);
      adapter.onMarket(book(t, 100, 4 - i * 0.25, 101, 4 - i * 0.25));
      adapter.onMarket(trade(t + 10, i % 2 === 0 ? 100 : 101, 2, i % 2 === 0 ? 'sell' : 'buy'));
    }
    await flush();
    return updates;
  }

  it('same seed + same inputs ⇒ identical update sequences', async () => {
    const a = await scenario(7);
    const b = await scenario(7);
    expect(a.some((u) => u.type === 'order.fill')).toBe(true);
    expect(plain(a)).toEqual(plain(b));
  });

  it('another seed ⇒ other fills (queue factor and partial ratios are drawn from the seed)', async () => {
    const fills = async (seed: number): Promise<string[]> =>
      (await scenario(seed)).flatMap((u) => (u.type === 'order.fill' ? [`${u.clientOrderId}@${u.ts}:${u.amount.toString()}`] : []));
    expect(await fills(7)).not.toEqual(await fills(8));
  });

  it('exact Decimal fees survive: fee equals price × amount × fee pct', async () => {
    const { clock, adapter, updates } = setup({ ...PAPER_DEFAULTS, seed: 3 });
    adapter.onMarket(book(1_000, 100, 1, 101, 1));
    void adapter.place(intent('b1', 'buy', 100, 1));
    clock.advanceTo(1_150);
    adapter.onMarket(trade(1_200, 99, 5, 'sell'));
    for (const u of updates) {
      if (u.type === 'order.fill') expect(u.fee.eq(u.price.times(u.amount).times(new Decimal('0.00075')))).toBe(true);
    }
  });
});
