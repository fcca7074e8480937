import { describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import { PaperExecutionAdapter } from '../adapters/execution/paper.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import { validateConfig } from '../config/schema/validate.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import type { BookTop } from '../domain/market/types.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { Regime } from '../domain/strategy/epp/config.ts';
import { REGIME_STATE } from '../machines/regime.machine.ts';
import type { RestartPolicy } from '../machines/restart-policy.ts';
import { BotRuntime } from './bot-runtime.ts';
import { createEventLog } from './event-log.ts';

/** 2024-08-08T12:00:00Z: far from a UTC midnight, so no day rollover interferes. */
const T0 = Date.UTC(2024, 7, 8, 12, 0, 0);
const STEP_MS = 250;
const TICK_MS = 1000;

const POLICY: RestartPolicy = { strategy: 'one_for_one', initial_backoff_ms: 1000, max_backoff_ms: 30_000, multiplier: 2, max_restarts: 2, window_ms: 600_000 };

interface Opts {
  readonly variant?: string;
  readonly paperMakerFee?: string;
  readonly snapshotIntervalMs?: number;
  readonly policy?: RestartPolicy;
  readonly inspect?: (e: InspectionEvent) => void;
}

function botConfig(o: Opts = {}): BotConfig {
  const r = validateConfig({
    id: 'b1',
    instrument: { venue: 'binance', market: 'spot', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tick_size: '0.01', lot_step: '0.00001', min_amount: '0.00001', min_notional: '5' },
    strategy: {
      variant: o.variant ?? 'paper_only',
      total_amount_quote: '1000',
      bar_interval_s: 5,
      ema_period: 3,
      atr_period: 3,
      maker_fee_pct: '0',
      regime_hold_ticks: 2,
      price_tolerance_ticks: 3000,
      regimes: {
        neutral_low_vol: { spread_min: '0.0007', spread_max: '0.0014' },
        up: { spread_min: '0.0008', spread_max: '0.0016' },
        down: { spread_min: '0.0008', spread_max: '0.0016' },
        high_vol_shock: { spread_min: '0.0012', spread_max: '0.0024' },
      },
    },
    paper: { seed: 7, latency_ms: 100, maker_fee_pct: o.paperMakerFee ?? '0', start_base: '0.008', start_quote: '500' },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  const bot = r.config.bots[0];
  if (bot === undefined) throw new Error('no bot');
  return bot;
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

function topAt(ts: number, mid: Decimal): BookTop {
  const bid = mid.minus('0.01');
  const ask = mid.plus('0.01');
  return { ts, bid, ask, bids: [{ price: bid, size: new Decimal(1) }], asks: [{ price: ask, size: new Decimal(1) }] };
}

function harness(o: Opts = {}) {
  const bot = botConfig(o);
  const clock = new VirtualClock(T0);
  const adapter = new PaperExecutionAdapter({ clock, rules: bot.instrument, config: bot.paper, balances: { BTC: bot.account.startBase, USDT: bot.account.startQuote } });
  const events: EventEnvelope[] = [];
  const log = createEventLog({ append: (e) => events.push(e) });
  const rt = new BotRuntime({ bot, clock, adapter, log, tickIntervalMs: TICK_MS, snapshotIntervalMs: o.snapshotIntervalMs ?? 10_000, restartPolicy: o.policy ?? POLICY, ...(o.inspect ? { inspect: o.inspect } : {}) });
  let i = 0;
  let seed = 12345;
  let mid = 60_000;
  let book: BookTop = topAt(T0, new Decimal(mid));
  // A slow, deterministic random walk (LCG), one book top every 250 ms.
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const h = {
    bot, clock, adapter, rt, events,
    get book(): BookTop {
      return book;
    },
    /** `n` steps of 250 ms: advance the clock, feed the book to venue and bot; `each` after every step. */
    async feed(n: number, each?: () => void): Promise<void> {
      for (let k = 0; k < n; k++) {
        i += 1;
        const t = T0 + i * STEP_MS;
        h.clock.advanceTo(t);
        mid += (rnd() - 0.5) * 2;
        book = topAt(t, new Decimal(mid.toFixed(2)));
        adapter.onMarket({ type: 'market.book', top: book });
        rt.onBook(book);
        if (k % 8 === 0) await flush();
        each?.();
      }
      await flush();
    },
    ofType: (type: string): EventEnvelope[] => events.filter((e) => e.type === type),
    lastOfType: (type: string): EventEnvelope | undefined => events.filter((e) => e.type === type).at(-1),
  };
  rt.start();
  return h;
}

/** Feeds until the bot is Running with open orders (warm-up is ~20 s of market time here). */
async function warm(h: ReturnType<typeof harness>): Promise<void> {
  for (let n = 0; n < 40 && !(h.rt.view().state === 'Running' && h.rt.openOrderCount > 0); n++) await h.feed(20);
  expect(h.rt.view().state).toBe('Running');
  expect(h.rt.openOrderCount).toBeGreaterThan(0);
}

const str = (v: unknown): string => String(v);

describe('BotRuntime on the paper venue', () => {
  it('(a) warms up, then places post-only orders; each order chain shares one correlation id', async () => {
    const h = harness();
    await h.feed(20);
    expect(h.rt.view().state).toBe('WarmingUp');
    expect(h.ofType('order.created')).toHaveLength(0);
    await h.feed(400);
    const created = h.ofType('order.created');
    expect(created.length).toBeGreaterThan(0);
    expect(h.rt.summary().insideBookPlacements).toBe(0);
    for (const c of created) expect(c.payload['insideBook']).toBe(false);
    expect(h.events[0]?.type).toBe('bot.started');
    // The chain of every order: created → acked (→ cancel_requested → cancelled | filled …).
    const acked = h.ofType('order.acked');
    expect(acked.length).toBeGreaterThan(0);
    for (const a of acked) {
      const c = created.find((x) => x.payload['clientOrderId'] === a.payload['clientOrderId']);
      expect(c).toBeDefined();
      expect(c?.correlationId).toBe(c?.eventId);
      expect(a.correlationId).toBe(c?.eventId);
      expect(a.causationId).toBe(c?.eventId);
      expect(a.seq).toBeGreaterThan(c?.seq ?? Infinity);
    }
    const byOrder = new Map<string, EventEnvelope[]>();
    for (const e of h.events) {
      const id = e.payload['clientOrderId'];
      if (typeof id === 'string' && e.type.startsWith('order.')) byOrder.set(id, [...(byOrder.get(id) ?? []), e]);
    }
    for (const chain of byOrder.values()) {
      expect(chain[0]?.type).toBe('order.created');
      for (let k = 1; k < chain.length; k++) {
        expect(chain[k]?.correlationId).toBe(chain[0]?.eventId);
        expect(chain[k]?.causationId).toBe(chain[k - 1]?.eventId);
      }
    }
    // The venue agrees with the bot about what rests, and no resting order crosses the book.
    const open = await h.adapter.openOrders();
    expect(open.length).toBe(h.rt.openOrderCount);
    for (const o of open) {
      if (o.side === 'buy') expect(o.price.lt(h.book.ask)).toBe(true);
      else expect(o.price.gt(h.book.bid)).toBe(true);
    }
    const s = h.rt.summary();
    expect(s.ordersPlaced).toBe(created.length);
    expect(s.ordersAcked).toBe(acked.length);
    expect(s.ordersRejected).toBe(0);
  });

  it('(b) a trade through a resting buy fills it; account, summary and venue balances move by price·amount + fee', async () => {
    const h = harness({ paperMakerFee: '0.001' });
    await warm(h);
    const open = await h.adapter.openOrders();
    const best = open.filter((o) => o.side === 'buy' && o.status === 'open').sort((a, b) => b.price.comparedTo(a.price))[0];
    expect(best).toBeDefined();
    if (best === undefined) return;
    const before = h.rt.summary();
    const balBefore = Object.fromEntries((await h.adapter.balances()).map((b) => [b.asset, b.total]));
    const nEvents = h.events.length;
    // A big sell-taker print one tick through the order's price (the book itself stays put).
    h.adapter.onMarket({ type: 'market.trade', trade: { ts: h.clock.now(), price: best.price.minus('0.01'), amount: new Decimal('5'), takerSide: 'sell' } });
    await flush();
    const fills = h.events.slice(nEvents).filter((e) => e.type === 'order.filled');
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) {
      expect(f.payload['clientOrderId']).toBe(best.clientOrderId);
      expect(f.payload['side']).toBe('buy');
      expect(f.payload['liquidity']).toBe('maker');
      expect(f.payload['feeAsset']).toBe('USDT');
      expect(f.payload['price']).toBe(best.price.toFixed()); // a maker fills at its own price
    }
    const amount = fills.reduce((s, f) => s.plus(str(f.payload['amount'])), new Decimal(0));
    const notional = fills.reduce((s, f) => s.plus(new Decimal(str(f.payload['price'])).times(str(f.payload['amount']))), new Decimal(0));
    const fee = fills.reduce((s, f) => s.plus(str(f.payload['fee'])), new Decimal(0));
    expect(fee.eq(notional.times('0.001'))).toBe(true);
    expect(fills.at(-1)?.payload['remaining']).toBe(best.amount.minus(best.filled).minus(amount).toFixed());

    const after = h.rt.summary();
    expect(after.fills).toBe(before.fills + fills.length);
    expect(new Decimal(after.volumeBase).minus(before.volumeBase).eq(amount)).toBe(true);
    expect(new Decimal(after.volumeQuote).minus(before.volumeQuote).eq(notional)).toBe(true);
    expect(new Decimal(after.baseClose).minus(before.baseClose).eq(amount)).toBe(true);
    expect(new Decimal(before.quoteClose).minus(after.quoteClose).eq(notional.plus(fee))).toBe(true);
    expect(new Decimal(after.fees).minus(before.fees).eq(fee)).toBe(true);
    const balAfter = Object.fromEntries((await h.adapter.balances()).map((b) => [b.asset, b.total]));
    expect(balAfter['BTC']?.minus(balBefore['BTC'] ?? 0).eq(amount)).toBe(true);
    expect(balBefore['USDT']?.minus(balAfter['USDT'] ?? 0).eq(notional.plus(fee))).toBe(true);
    expect(h.rt.view().fills).toBe(after.fills);
  });

  it('(c) pause → SoftPaused with orders cancelled; resume → Running; kill → HardStopped with nothing open', async () => {
    const h = harness();
    await warm(h);
    h.rt.command({ type: 'pause' });
    expect(h.rt.view().state).toBe('Running'); // applied on the next tick, not at once
    await h.feed(4);
    expect(h.rt.view().state).toBe('SoftPaused');
    expect(h.rt.view().reasons).toContain('operator_pause');
    await h.feed(4);
    expect(h.rt.openOrderCount).toBe(0);
    expect(await h.adapter.openOrders()).toHaveLength(0);
    const placedWhilePaused = h.ofType('order.created').length;
    await h.feed(20);
    expect(h.ofType('order.created').length).toBe(placedWhilePaused);

    h.rt.command({ type: 'resume' });
    await h.feed(8);
    expect(h.rt.view().state).toBe('Running');
    for (let n = 0; n < 10 && h.rt.openOrderCount === 0; n++) await h.feed(8);
    expect(h.rt.openOrderCount).toBeGreaterThan(0);

    h.rt.command({ type: 'kill' });
    await h.feed(8);
    expect(h.rt.view().state).toBe('HardStopped');
    expect(h.rt.view().reasons).toEqual(['operator_kill']);
    expect(h.rt.openOrderCount).toBe(0);
    expect(await h.adapter.openOrders()).toHaveLength(0);
    const placed = h.ofType('order.created').length;
    await h.feed(40);
    expect(h.rt.view().state).toBe('HardStopped');
    expect(h.ofType('order.created').length).toBe(placed);
    expect(h.ofType('risk.decision').at(-1)?.payload).toMatchObject({ action: 'hard_stop', reason: 'operator_kill' });
  });

  it('(d) stop() cancels every order, records a final snapshot and bot.stopped', async () => {
    const h = harness();
    await warm(h);
    expect(h.rt.openOrderCount).toBeGreaterThan(1);
    await h.rt.stop('test');
    await flush();
    expect(await h.adapter.openOrders()).toHaveLength(0);
    const stopped = h.lastOfType('bot.stopped');
    expect(stopped?.payload['reason']).toBe('test');
    const snap = h.lastOfType('state.snapshot');
    expect(snap?.payload['state']).toBe('Stopped');
    expect(h.events.indexOf(snap as EventEnvelope)).toBeLessThan(h.events.indexOf(stopped as EventEnvelope));
    expect(h.rt.view().state).toBe('Stopped');
    expect(h.rt.summary().finalState).toBe('Stopped');
    // Stopped: no more events, commands refused.
    const n = h.events.length;
    await h.feed(20);
    expect(h.events.length).toBe(n);
    expect(() => h.rt.command({ type: 'pause' })).toThrow(/stopped/);
  });

  // Regression: stop() once stopped listening before the venue's cancels of all but the first order
  // arrived, so the bot still counted n − 1 orders as open although the venue had none.
  it('(d′) after stop() the bot tracks no open orders (openOrdersAtEnd 0)', async () => {
    const h = harness();
    await warm(h);
    expect(h.rt.openOrderCount).toBeGreaterThan(1);
    await h.rt.stop('test');
    await flush();
    expect(await h.adapter.openOrders()).toHaveLength(0);
    expect(h.rt.openOrderCount).toBe(0);
    expect(h.rt.summary().openOrdersAtEnd).toBe(0);
  });

  it('(e) the no_trade variant runs the pipeline and places nothing', async () => {
    const h = harness({ variant: 'no_trade' });
    await h.feed(400);
    expect(h.ofType('order.created')).toHaveLength(0);
    expect(h.rt.summary().ordersPlaced).toBe(0);
    expect(h.rt.summary().ticks).toBeGreaterThan(90);
    expect(h.rt.view().regime).not.toBeNull();
    expect(await h.adapter.openOrders()).toHaveLength(0);
  });

  it('(f) a throwing controller is restarted with backoff, then escalated: HardStopped, every order cancelled', async () => {
    const h = harness();
    await warm(h);
    let failing = false;
    const strategy = h.bot.strategy as unknown as Record<string, unknown>;
    // Read by the controller on every tick with a usable book (book freshness).
    const maxAge = strategy['maxBookAgeS'];
    Object.defineProperty(strategy, 'maxBookAgeS', {
      configurable: true,
      enumerable: true,
      get: () => {
        if (failing) throw new Error('boom: config unreadable');
        return maxAge;
      },
    });
    // One failure, then a healthy restart.
    failing = true;
    await h.feed(4);
    const failed = h.ofType('bot.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.payload).toMatchObject({ error: 'boom: config unreadable', incarnation: 0 });
    expect(h.ofType('order.cancel_all').at(-1)?.payload['reason']).toBe('bot_failed');
    await flush();
    expect(h.rt.openOrderCount).toBe(0);
    failing = false;
    await h.feed(8);
    const restarted = h.ofType('bot.restarted');
    expect(restarted).toHaveLength(1);
    expect(restarted[0]?.payload['incarnation']).toBe(1);
    expect((restarted[0]?.ts ?? 0) - (failed[0]?.ts ?? 0)).toBe(POLICY.initial_backoff_ms);
    expect(h.events.indexOf(restarted[0] as EventEnvelope)).toBeGreaterThan(h.events.indexOf(failed[0] as EventEnvelope));
    await warm(h); // the new incarnation warms up again and quotes
    const id1 = h.ofType('order.created').at(-1)?.payload['clientOrderId'];
    expect(typeof id1).toBe('string');

    // Now it keeps failing: restarts until the budget is spent, then escalates.
    failing = true;
    await h.feed(200);
    expect(h.ofType('bot.failed').length).toBe(POLICY.max_restarts + 1);
    expect(h.ofType('bot.restarted').length).toBe(POLICY.max_restarts);
    const esc = h.ofType('supervisor.escalated');
    expect(esc).toHaveLength(1);
    expect(esc[0]?.payload).toMatchObject({ reason: 'restarts_exhausted', error: 'boom: config unreadable' });
    expect(h.events.indexOf(esc[0] as EventEnvelope)).toBeGreaterThan(h.events.indexOf(h.ofType('bot.failed').at(-1) as EventEnvelope));
    expect(h.rt.view().state).toBe('HardStopped');
    expect(h.rt.view().reasons).toEqual(['supervisor_escalation']);
    expect(h.rt.openOrderCount).toBe(0);
    expect(await h.adapter.openOrders()).toHaveLength(0);
    // It stays down even when the controller would work again; commands are refused.
    failing = false;
    const placed = h.ofType('order.created').length;
    await h.feed(80);
    expect(h.ofType('order.created').length).toBe(placed);
    expect(h.rt.view().state).toBe('HardStopped');
    expect(() => h.rt.command({ type: 'resume' })).toThrow(/escalated/);
  });

  it('(g) the regime machine agrees with the controller on every tick after warm-up', async () => {
    const h = harness();
    let checked = 0;
    await h.feed(800, () => {
      const regime = h.rt.view().regime;
      if (regime === null) {
        expect(h.rt.regimeMachineState).toBe('WarmingUp');
        return;
      }
      checked += 1;
      expect(h.rt.regimeMachineState).toBe(REGIME_STATE[regime]);
      const last = h.lastOfType('regime.changed');
      expect(last?.payload['to']).toBe(regime);
    });
    expect(checked).toBeGreaterThan(650);
    const changes = h.ofType('regime.changed');
    expect(changes.length).toBeGreaterThan(2); // the walk goes through several regimes
    expect(changes[0]?.payload['from']).toBeNull();
    for (let k = 1; k < changes.length; k++) expect(changes[k]?.payload['from']).toBe(changes[k - 1]?.payload['to']);
    expect(h.rt.summary().regimeChanges).toBe(changes.length);
    const ticks = h.rt.summary().regimeTicks;
    expect(Object.values(ticks).reduce((a, b) => a + b, 0)).toBeGreaterThan(150);
    const to = (changes.at(-1)?.payload['to'] ?? null) as Regime | null;
    expect(to).toBe(h.rt.view().regime);
  });

  it('(h) records a state.snapshot every snapshotIntervalMs of virtual time', async () => {
    const h = harness({ snapshotIntervalMs: 7_000 });
    await h.feed(400); // 100 s
    const snaps = h.ofType('state.snapshot');
    expect(snaps.map((s) => s.ts)).toEqual(Array.from({ length: 14 }, (_, k) => T0 + (k + 1) * 7_000));
    const last = snaps.at(-1)?.payload;
    expect(last?.['openOrders']).toBe(h.rt.openOrderCount);
    expect(last?.['state']).toBe('Running');
  });

  it('every order machine ends in the state its venue outcome names (a synchronously confirmed cancel reaches Cancelled)', async () => {
    const final = new Map<string, string>();
    const inspect = (e: InspectionEvent): void => {
      if (e.type !== '@xstate.snapshot') return;
      const snap = e.snapshot as { value?: unknown; context?: { clientOrderId?: unknown }; machine?: { id?: string } };
      if (snap.machine?.id === 'order' && typeof snap.context?.clientOrderId === 'string') final.set(snap.context.clientOrderId, String(snap.value));
    };
    const h = harness({ inspect });
    await warm(h);
    await h.feed(400);
    await h.rt.stop('test');
    await flush();
    const cancelled = h.ofType('order.cancelled').map((e) => str(e.payload['clientOrderId']));
    expect(cancelled.length).toBeGreaterThan(0);
    for (const id of cancelled) expect([id, final.get(id)]).toEqual([id, h.ofType('order.acked').some((a) => a.payload['clientOrderId'] === id) ? 'Cancelled' : 'Rejected']);
    for (const e of h.ofType('order.filled').filter((f) => f.payload['remaining'] === '0')) expect(final.get(str(e.payload['clientOrderId']))).toBe('Filled');
  });
});
