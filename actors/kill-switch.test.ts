import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import { PaperExecutionAdapter } from '../adapters/execution/paper.ts';
import { PINNED, RULES, book, intent } from '../adapters/execution/paper.fixtures.ts';
import type { ExecutionAdapter, OrderCancelled } from '../adapters/execution/types.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import { createEventLog } from './event-log.ts';
import { ALL_BOTS, KillSwitch, MemoryLatchStore, type KillSwitchBot, type KillSwitchOptions, type LatchStore } from './kill-switch.ts';

const ETH_RULES = { ...RULES, symbol: 'ETHUSDT', base: 'ETH' };

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Resolves `p`, moving virtual time 250 ms whenever it is stuck (retry delays run on it). */
async function settle<T>(clock: VirtualClock, p: Promise<T>, maxSteps = 100): Promise<T> {
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  for (let i = 0; i < maxSteps && !done; i++) {
    await flush();
    if (!done) clock.advanceBy(250);
  }
  return p;
}

/** A paper venue for `rules`, with a book far from the orders placed, and `n` resting post-only orders acked. */
async function venue(clock: VirtualClock, rules: typeof RULES, prefix: string, n: number): Promise<PaperExecutionAdapter> {
  const adapter = new PaperExecutionAdapter({ clock, rules, config: PINNED, balances: { [rules.base]: '10', USDT: '10000' } });
  adapter.onMarket(book(clock.now(), 100, 5, 101, 5));
  const placed = [];
  for (let i = 0; i < n; i++) {
    const side = i % 2 === 0 ? 'buy' : 'sell';
    placed.push(adapter.place(intent(`${prefix}${i}`, side, side === 'buy' ? 80 - i : 120 + i, '0.1', true, rules.symbol)));
  }
  clock.advanceBy(1_000);
  for (const p of placed) expect(await p).toMatchObject({ type: 'order.ack' });
  return adapter;
}

/** Its first cancelAll leaves one order resting (a venue that drops part of a batch cancel). */
function leakyOnce(inner: ExecutionAdapter): ExecutionAdapter & { cancelAllCalls: number } {
  const wrapped = {
    cancelAllCalls: 0,
    place: inner.place.bind(inner),
    cancel: inner.cancel.bind(inner),
    openOrders: inner.openOrders.bind(inner),
    balances: inner.balances.bind(inner),
    tradingRules: inner.tradingRules.bind(inner),
    close: inner.close.bind(inner),
    updates$: inner.updates$,
    async cancelAll(symbol?: string): Promise<readonly OrderCancelled[]> {
      wrapped.cancelAllCalls += 1;
      if (wrapped.cancelAllCalls > 1) return inner.cancelAll(symbol);
      const open = (await inner.openOrders()).filter((o) => symbol === undefined || o.symbol === symbol);
      const done: OrderCancelled[] = [];
      for (const o of open.slice(1)) {
        const r = await inner.cancel(o.clientOrderId);
        if (r.type === 'order.cancelled') done.push(r);
      }
      return done;
    },
  };
  return wrapped;
}

async function desk(opts: { leaky?: boolean; store?: LatchStore; extra?: Partial<KillSwitchOptions> } = {}) {
  const clock = new VirtualClock(10_000);
  const a = await venue(clock, RULES, 'a', 3);
  const b = await venue(clock, ETH_RULES, 'b', 2);
  const aPort = opts.leaky ? leakyOnce(a) : a;
  const events: EventEnvelope[] = [];
  const log = createEventLog({ append: (e) => events.push(e) });
  const latches = opts.store ?? new MemoryLatchStore();
  const bots: Record<string, KillSwitchBot> = { botA: { adapter: aPort, symbol: RULES.symbol }, botB: { adapter: b, symbol: ETH_RULES.symbol } };
  const ks = new KillSwitch({ bots, clock, log, latches, ...opts.extra });
  await ks.start();
  const ofType = (type: string) => events.filter((e) => e.type === type);
  return { clock, a, b, aPort, events, ofType, latches, bots, ks };
}

const RISK = { reason: 'daily_loss', trigger: 'risk' } as const;

describe('KillSwitch', () => {
  it('kills one bot: its orders cancelled and verified gone, the other bot untouched', async () => {
    const d = await desk();
    const [result] = await settle(d.clock, d.ks.trigger('botA', RISK));
    expect(result).toEqual({ botId: 'botA', outcome: 'latched', state: 'Latched', attempts: 1, openOrdersAtVerify: 0, verified: true, ignored: false, wouldCancel: [] });
    expect(await d.a.openOrders()).toEqual([]);
    expect((await d.b.openOrders()).map((o) => o.clientOrderId)).toEqual(['b0', 'b1']);
    expect(d.ks.isLatched('botA')).toBe(true);
    expect(d.ks.state('botB')).toBe('Armed');
    expect(d.events.map((e) => e.type)).toEqual(['kill.triggered', 'kill.cancel_attempt', 'kill.verified', 'kill.latched']);
    expect(d.ofType('kill.cancel_attempt')[0]?.payload).toEqual({ attempt: 1, cancelled: ['a0', 'a1', 'a2'], error: null });
    // One chain: every event correlates to kill.triggered and is caused by the one before.
    const first = d.events[0];
    expect(d.events.every((e) => e.correlationId === first?.eventId && e.botId === 'botA')).toBe(true);
    expect(d.events.slice(1).map((e) => e.causationId)).toEqual(d.events.slice(0, -1).map((e) => e.eventId));
    expect(await d.latches.get('botA')).toMatchObject({ botId: 'botA', reason: 'daily_loss', trigger: 'risk', verified: true, correlationId: first?.eventId });
  });

  it("'all' kills every registered bot", async () => {
    const d = await desk();
    const results = await settle(d.clock, d.ks.trigger(ALL_BOTS, { reason: 'global_daily_loss', trigger: 'risk' }));
    expect(results.map((r) => [r.botId, r.state, r.openOrdersAtVerify])).toEqual([['botA', 'Latched', 0], ['botB', 'Latched', 0]]);
    expect(await d.a.openOrders()).toEqual([]);
    expect(await d.b.openOrders()).toEqual([]);
    expect(d.ofType('kill.latched')).toHaveLength(2);
    expect((d.latches as MemoryLatchStore).keys()).toEqual(['botA', 'botB']);
  });

  it('retries when the first cancel-all leaves an order, until the venue reports none', async () => {
    const d = await desk({ leaky: true });
    const [result] = await settle(d.clock, d.ks.trigger('botA', RISK));
    expect(result).toMatchObject({ state: 'Latched', attempts: 2, openOrdersAtVerify: 0, verified: true });
    expect((d.aPort as ReturnType<typeof leakyOnce>).cancelAllCalls).toBe(2);
    expect(await d.a.openOrders()).toEqual([]);
    expect(d.events.map((e) => e.type)).toEqual([
      'kill.triggered', 'kill.cancel_attempt', 'kill.verified', 'kill.retrying', 'kill.cancel_attempt', 'kill.verified', 'kill.latched',
    ]);
    expect(d.ofType('kill.verified').map((e) => e.payload['openOrders'])).toEqual([1, 0]);
    expect(d.ofType('kill.retrying')[0]?.payload).toMatchObject({ attempt: 1, delayMs: 250, openOrders: 1 });
    // The retry ran on the virtual clock, 250 ms after the first verification.
    const [v1, v2] = d.ofType('kill.verified');
    expect((v2?.ts ?? 0) - (v1?.ts ?? 0)).toBe(250);
  });

  it('retries a cancel-all that throws', async () => {
    const d = await desk();
    let calls = 0;
    const flaky: ExecutionAdapter = Object.assign(Object.create(d.a) as ExecutionAdapter, {
      cancelAll: (symbol?: string) => (++calls === 1 ? Promise.reject(new Error('venue 503')) : d.a.cancelAll(symbol)),
    });
    const ks = new KillSwitch({ bots: { botA: { adapter: flaky, symbol: RULES.symbol } }, clock: d.clock, log: createEventLog({ append: () => undefined }), latches: new MemoryLatchStore() });
    const [result] = await settle(d.clock, ks.trigger('botA', RISK));
    expect(result).toMatchObject({ state: 'Latched', attempts: 2, verified: true });
    expect(await d.a.openOrders()).toEqual([]);
  });

  it('dry-run leaves the orders open and reports what it would cancel', async () => {
    const d = await desk();
    const [result] = await settle(d.clock, d.ks.trigger('botA', { ...RISK, dryRun: true }));
    expect(result).toEqual({ botId: 'botA', outcome: 'dry_run', state: 'Armed', attempts: 0, openOrdersAtVerify: 3, verified: false, ignored: false, wouldCancel: ['a0', 'a1', 'a2'] });
    expect(await d.a.openOrders()).toHaveLength(3);
    expect(d.events.map((e) => e.type)).toEqual(['kill.triggered', 'kill.dry_run']);
    expect(d.ofType('kill.dry_run')[0]?.payload).toEqual({ wouldCancel: 3, clientOrderIds: ['a0', 'a1', 'a2'], error: null });
    expect(await d.latches.get('botA')).toBeNull();
    expect(d.ks.isLatched('botA')).toBe(false);
  });

  it('a desk-wide dry-run default applies to every trigger that does not override it', async () => {
    const d = await desk({ extra: { dryRun: true } });
    const results = await settle(d.clock, d.ks.trigger(ALL_BOTS, RISK));
    expect(results.map((r) => [r.botId, r.outcome, r.openOrdersAtVerify])).toEqual([['botA', 'dry_run', 3], ['botB', 'dry_run', 2]]);
    expect(await d.a.openOrders()).toHaveLength(3);
  });

  it('a latch survives a restart: a new KillSwitch over the same store starts latched', async () => {
    const store = new MemoryLatchStore();
    const d = await desk({ store });
    await settle(d.clock, d.ks.trigger('botA', { reason: 'max_drawdown', trigger: 'bot_hard_stop' }));
    d.ks.stop();
    const events: EventEnvelope[] = [];
    const again = new KillSwitch({ bots: d.bots, clock: d.clock, log: createEventLog({ append: (e) => events.push(e) }), latches: store });
    await again.start();
    expect(again.state('botA')).toBe('Latched');
    expect(again.state('botB')).toBe('Armed');
    expect(events.map((e) => [e.type, e.payload['restored']])).toEqual([['kill.latched', true]]);
    // The restored latch keeps the original chain.
    expect(events[0]?.correlationId).toBe((await store.get('botA'))?.correlationId);
    const [r] = await again.trigger('botA', RISK);
    expect(r).toMatchObject({ outcome: 'latched', ignored: true });
    expect(events.at(-1)).toMatchObject({ type: 'kill.ignored', payload: { state: 'Latched', reason: 'already_latched' } });
  });

  it('rearm: refused unless latched; unlatches and deletes the persisted latch', async () => {
    const d = await desk();
    expect(await d.ks.rearm('botA', { by: 'alice', reason: 'too early' })).toMatchObject({ ok: false, error: 'not_latched', state: 'Armed' });
    expect(await d.ks.rearm('nope', { by: 'alice', reason: 'x' })).toMatchObject({ ok: false, error: 'unknown_bot', state: null });
    await settle(d.clock, d.ks.trigger('botA', RISK));
    expect(await d.ks.rearm('botA', { by: 'alice', reason: 'post-mortem done' })).toEqual({ ok: true, botId: 'botA', state: 'Armed' });
    expect(d.ks.state('botA')).toBe('Armed');
    expect(await d.latches.get('botA')).toBeNull();
    const rearmed = d.ofType('kill.rearmed')[0];
    expect(rearmed?.payload).toEqual({ by: 'alice', reason: 'post-mortem done' });
    expect(rearmed?.correlationId).toBe(d.ofType('kill.triggered')[0]?.eventId);
    // Armed again: the next trigger runs the whole path.
    const [r] = await settle(d.clock, d.ks.trigger('botA', RISK));
    expect(r).toMatchObject({ outcome: 'latched', ignored: false, attempts: 1 });
  });

  it('a rearm whose latch delete fails is refused and the bot stays latched', async () => {
    const store = new MemoryLatchStore();
    const failing: LatchStore = { get: (id) => store.get(id), put: (id, l) => store.put(id, l), delete: () => Promise.reject(new Error('kv down')) };
    const d = await desk({ store: failing });
    await settle(d.clock, d.ks.trigger('botA', RISK));
    expect(await d.ks.rearm('botA', { by: 'alice', reason: 'x' })).toMatchObject({ ok: false, error: 'store_failed', state: 'Latched' });
    expect(d.ks.isLatched('botA')).toBe(true);
    expect(await store.get('botA')).not.toBeNull();
  });

  it('a second trigger during a running kill is ignored, audited, and resolves with the same latch', async () => {
    const d = await desk({ leaky: true });
    const first = d.ks.trigger('botA', RISK);
    await flush();
    const second = d.ks.trigger('botA', { reason: 'manual', trigger: 'operator' });
    const [[r1], [r2]] = await settle(d.clock, Promise.all([first, second]));
    expect(r1).toMatchObject({ state: 'Latched', ignored: false, attempts: 2 });
    expect(r2).toMatchObject({ state: 'Latched', ignored: true, attempts: 2 });
    expect(d.ofType('kill.triggered')).toHaveLength(1);
    expect(d.ofType('kill.ignored')[0]?.payload).toMatchObject({ event: 'kill.trigger', reason: 'in_progress' });
  });

  it('flattens through the callback only when asked, between cancel and verify', async () => {
    const flattened: string[] = [];
    const d = await desk({ extra: { flatten: async ({ botId, symbol }) => void flattened.push(`${botId}:${symbol}`) } });
    await settle(d.clock, d.ks.trigger('botB', RISK));
    expect(flattened).toEqual([]);
    await d.ks.rearm('botB', { by: 'alice', reason: 'x' });
    await settle(d.clock, d.ks.trigger('botB', { ...RISK, flatten: true }));
    expect(flattened).toEqual(['botB:ETHUSDT']);
    const types = d.events.map((e) => e.type);
    expect(types.slice(types.lastIndexOf('kill.triggered'))).toEqual(['kill.triggered', 'kill.cancel_attempt', 'kill.flattened', 'kill.verified', 'kill.latched']);
  });

  it('unknown bots are reported as values', async () => {
    const d = await desk();
    expect(await d.ks.trigger('ghost', RISK)).toEqual([
      { botId: 'ghost', outcome: 'unknown_bot', state: null, attempts: 0, openOrdersAtVerify: null, verified: false, ignored: true, wouldCancel: [] },
    ]);
    expect(d.ks.state('ghost')).toBeNull();
  });
});
