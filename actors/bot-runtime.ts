/**
 * One bot, wired: the bot machine (EPP controller) with its regime detector, ops guard and one
 * order machine per working order, performing the effects they name on an `ExecutionAdapter`
 * and recording everything in the event log.
 *
 * Everything runs synchronously on the caller's clock: `onBook` feeds market data, a timer on
 * the clock ticks the controller every `tickIntervalMs`, and the adapter's `updates$` (acks,
 * rejects, fills, cancels) is handled as it happens. On virtual time the whole bot is therefore
 * deterministic — the same data, config and seed give the same events in the same order.
 *
 * Supervision: an exception inside the bot machine (e.g. the controller throws) fails the actor;
 * the supervisor restarts it with backoff, or — once restarts are exhausted — escalates: every
 * order of the bot is cancelled and the bot stays HardStopped. It never dies silently.
 */
import { type Observable, type Subscription, Subject, filter } from 'rxjs';
import { type Actor, type InspectionEvent, createActor } from 'xstate';
import type { ExecutionAdapter, ExecutionUpdate, OrderFill } from '../adapters/execution/types.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import { type ClientOrderId } from '../domain/ids.ts';
import type { BookTop } from '../domain/market/types.ts';
import { midOf } from '../domain/market/types.ts';
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { REGIMES, type Regime } from '../domain/strategy/epp/config.ts';
import { dayToJson } from '../domain/strategy/epp/day.ts';
import type { EppDecision, PlaceDecision } from '../domain/strategy/epp/decisions.ts';
import type { EppFill, EppInputs, OpenOrder } from '../domain/strategy/epp/types.ts';
import { botMachine } from '../machines/bot.machine.ts';
import { opsGuardMachine } from '../machines/ops-guard.machine.ts';
import { orderMachine } from '../machines/order.machine.ts';
import type { RestartPolicy } from '../machines/restart-policy.ts';
import { regimeMachine } from '../machines/regime.machine.ts';
import type { DeskMetrics, BotState } from '../otel/metrics.ts';
import { BotAccount } from './bot-account.ts';
import type { BotSummary, BotView } from './desk-view.ts';
import type { EventLog } from './event-log.ts';
import { supervise, type Supervision } from './supervise.ts';

type Inspect = (event: InspectionEvent) => void;

export interface BotRuntimeOptions {
  readonly bot: BotConfig;
  readonly clock: Clock;
  readonly adapter: ExecutionAdapter;
  readonly log: EventLog;
  readonly tickIntervalMs: number;
  readonly snapshotIntervalMs: number;
  readonly restartPolicy: RestartPolicy;
  readonly metrics?: DeskMetrics;
  /** Inspection observer(s) for every machine of the bot (tracing, Stately inspector). */
  readonly inspect?: Inspect;
  /** Reports a fault the bot survived (a failed place, a supervisor restart) for the operator log. */
  readonly onFault?: (message: string, error: unknown) => void;
}

interface TrackedOrder {
  readonly actor: Actor<typeof orderMachine>;
  readonly levelId: string;
  readonly side: 'buy' | 'sell';
  readonly price: Decimal;
  remaining: Decimal;
  readonly placedAt: number;
  acked: boolean;
  cancelling: boolean;
  /** The `order.created` event id: the correlation id of the order's whole chain. */
  readonly correlationId: string;
  /** The order's last event id (the cause of its next one). */
  lastEventId: string;
}

/** Commands the bot accepts (already validated by the command handler). */
export type BotCommand = { readonly type: 'pause' } | { readonly type: 'resume' } | { readonly type: 'kill' } | { readonly type: 'set_target_base_pct'; readonly value: Decimal | null };

const str = (d: Decimal): string => d.toFixed();

export class BotRuntime {
  readonly botId: string;
  readonly symbol: string;
  private readonly o: BotRuntimeOptions;
  private readonly producer: string;
  private readonly account: BotAccount;
  private readonly orders = new Map<ClientOrderId, TrackedOrder>();
  private readonly regimeActor: Actor<typeof regimeMachine>;
  private readonly opsActor: Actor<typeof opsGuardMachine>;
  private readonly supervision: Supervision;
  private bot: Actor<typeof botMachine>;
  private incarnation = 0;
  private book: BookTop | null = null;
  private fills: EppFill[] = [];
  private updatesSub: Subscription;
  private readonly telemetry = new Subject<BotView>();
  /** The bot's fills as the venue reports them (hot). */
  readonly fills$: Observable<OrderFill>;
  /** The bot's view after every tick and at stop (hot); completes when the bot stops. */
  readonly telemetry$: Observable<BotView> = this.telemetry.asObservable();
  private cancelTick: (() => void) | null = null;
  private cancelSnapshot: (() => void) | null = null;
  private escalated = false;
  /** Venue-wide cancels in flight; `stop` waits for them before it stops listening. */
  private readonly sweeps = new Set<Promise<void>>();
  private stopped = false;
  private lastState: BotState = 'Starting';
  private lastLevels = 0;
  private readonly regimeTicks: Record<Regime, number> = { neutral_low_vol: 0, up: 0, down: 0, high_vol_shock: 0 };
  private readonly counts = { ticks: 0, placed: 0, acked: 0, rejected: 0, cancelled: 0, failed: 0, regimeChanges: 0, insideBook: 0 };

  constructor(options: BotRuntimeOptions) {
    this.o = options;
    this.botId = options.bot.id;
    this.symbol = options.bot.instrument.symbol;
    this.producer = `bot.${this.botId}`;
    this.account = new BotAccount(options.bot.instrument, options.bot.account.startBase, options.bot.account.startQuote);
    const inspect = options.inspect;
    this.regimeActor = createActor(regimeMachine, { input: { regimeHoldTicks: options.bot.strategy.regimeHoldTicks }, ...(inspect ? { inspect } : {}) });
    this.opsActor = createActor(opsGuardMachine, inspect ? { inspect } : {});
    this.opsActor.on('effect.cancel_all', (e) => void this.cancelAll(`ops_guard.${e.reason}`));
    this.supervision = supervise({
      policy: options.restartPolicy,
      clock: options.clock,
      restart: () => this.startBot(),
      escalate: (e) => this.escalate(e.reason, e.restarts, e.error),
    });
    this.bot = this.createBot();
    this.updatesSub = options.adapter.updates$.subscribe((u) => this.onUpdate(u));
    this.fills$ = options.adapter.updates$.pipe(filter((u): u is OrderFill => u.type === 'order.fill' && u.symbol === this.symbol));
  }

  /** Starts the machines, the tick timer and the snapshot timer. */
  start(): void {
    this.regimeActor.start();
    this.opsActor.start();
    this.bot.start();
    this.emit('bot.started', { symbol: this.symbol, variant: this.o.bot.strategy.variant, incarnation: this.incarnation });
    this.scheduleTick(this.o.clock.now() + this.o.tickIntervalMs);
    this.scheduleSnapshot(this.o.clock.now() + this.o.snapshotIntervalMs);
  }

  /** The latest top of book of the bot's symbol. */
  onBook(top: BookTop): void {
    this.book = top;
    this.account.markAt(midOf(top));
  }

  /** An operator command, applied on the next tick (the controller interprets it with fresh inputs). */
  command(cmd: BotCommand): void {
    const refusal = this.commandRefusal();
    if (refusal !== null) throw new Error(refusal);
    if (cmd.type === 'set_target_base_pct') this.bot.send({ type: 'cmd.set_target_base_pct', value: cmd.value });
    else this.bot.send({ type: `cmd.${cmd.type}` });
    if (cmd.type === 'resume') this.opsActor.send({ type: 'ops.resume' });
  }

  /** Why the bot cannot take a command now, or null when it can. */
  commandRefusal(): string | null {
    return this.stopped || this.escalated ? `bot ${this.botId} is ${this.stopped ? 'stopped' : 'escalated (HardStopped by its supervisor)'}` : null;
  }

  /** Stops the bot: its orders are cancelled, a final snapshot is recorded, timers are released. */
  async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTick?.();
    this.cancelSnapshot?.();
    this.supervision.stop();
    if (this.bot.getSnapshot().status === 'active') this.bot.send({ type: 'bot.stop' });
    else void this.cancelAll('bot_stop');
    await Promise.all([...this.sweeps]);
    this.lastState = 'Stopped';
    this.o.metrics?.setBotState(this.botId, 'Stopped');
    this.snapshotEvent();
    this.emit('bot.stopped', { reason, openOrders: this.orders.size });
    this.telemetry.next(this.view());
    this.telemetry.complete();
    this.updatesSub.unsubscribe();
    this.regimeActor.stop();
    this.opsActor.stop();
    for (const t of this.orders.values()) t.actor.stop();
    if (this.bot.getSnapshot().status === 'active') this.bot.stop();
  }

  // ── the bot machine ────────────────────────────────────────────────────────────────────────

  private createBot(): Actor<typeof botMachine> {
    const { bot, clock, inspect } = this.o;
    const day = this.incarnation === 0 ? null : dayToJson(this.bot.getSnapshot().context.epp.day);
    const actor = createActor(botMachine, {
      input: { config: bot.strategy, rules: bot.instrument, botId: bot.id, now: clock.now(), day },
      ...(inspect ? { inspect } : {}),
    });
    actor.on('effect.decision', ({ decision }) => this.perform(decision));
    actor.on('effect.cancel_all', () => void this.cancelAll('bot_stop'));
    actor.subscribe({ error: (error) => this.onBotError(error) });
    return actor;
  }

  private startBot(): void {
    if (this.stopped) return;
    this.incarnation += 1;
    this.bot = this.createBot();
    this.bot.start();
    this.emit('bot.restarted', { incarnation: this.incarnation });
  }

  private onBotError(error: unknown): void {
    if (this.stopped) return;
    this.o.onFault?.(`bot ${this.botId}: machine failed`, error);
    this.emit('bot.failed', { error: error instanceof Error ? error.message : String(error), incarnation: this.incarnation });
    // Fail closed while the supervisor decides: nothing works unsupervised.
    void this.cancelAll('bot_failed');
    this.supervision.report({ type: `xstate.error.actor.${this.botId}`, error });
  }

  private escalate(reason: string, restarts: number, error: unknown): void {
    this.escalated = true;
    this.cancelTick?.();
    void this.cancelAll('supervisor_escalation');
    this.lastState = 'HardStopped';
    this.o.metrics?.setBotState(this.botId, 'HardStopped');
    this.emit('supervisor.escalated', { reason, restarts, error: error instanceof Error ? error.message : String(error ?? '') });
  }

  private scheduleTick(at: number): void {
    this.cancelTick = this.o.clock.setTimer(at, () => {
      if (this.stopped || this.escalated) return;
      this.tick();
      this.scheduleTick(at + this.o.tickIntervalMs);
    });
  }

  private scheduleSnapshot(at: number): void {
    this.cancelSnapshot = this.o.clock.setTimer(at, () => {
      if (this.stopped) return;
      this.snapshotEvent();
      this.scheduleSnapshot(at + this.o.snapshotIntervalMs);
    });
  }

  private tick(): void {
    if (this.bot.getSnapshot().status !== 'active') return;
    const started = performance.now();
    const inputs: EppInputs = {
      now: this.o.clock.now(),
      book: this.book,
      balances: this.account.balances(),
      openOrders: this.openOrdersForController(),
      fills: this.fills,
    };
    this.fills = [];
    this.bot.send({ type: 'bot.tick', inputs });
    const snap = this.bot.getSnapshot();
    if (snap.status !== 'active') return; // failed: the supervisor has it
    this.counts.ticks += 1;
    const state = typeof snap.value === 'string' ? (snap.value as BotState) : this.lastState;
    this.lastState = this.escalated ? 'HardStopped' : state;
    const regime = snap.context.epp.regime.current;
    if (regime !== null) this.regimeTicks[regime] += 1;
    // The regime machine applies the same hold rule to the raw detection and must agree.
    const raw = snap.context.epp.regime.candidate ?? regime;
    if (raw !== null && snap.context.epp.market.thresholds !== null) this.regimeActor.send({ type: 'regime.detected', regime: raw });
    this.observe(performance.now() - started, regime);
    if (this.telemetry.observed) this.telemetry.next(this.view());
  }

  private openOrdersForController(): OpenOrder[] {
    const out: OpenOrder[] = [];
    for (const [clientOrderId, t] of this.orders) {
      out.push({ clientOrderId, levelId: t.levelId, side: t.side, price: t.price, remaining: t.remaining, placedAt: t.placedAt, acked: t.acked, cancelling: t.cancelling });
    }
    return out;
  }

  // ── effects ────────────────────────────────────────────────────────────────────────────────

  private perform(d: EppDecision): void {
    switch (d.type) {
      case 'place':
        return this.place(d);
      case 'cancel':
        return this.cancel(d.clientOrderId, d.reason);
      case 'regime.changed':
        this.counts.regimeChanges += 1;
        this.emit('regime.changed', { from: d.from, to: d.to });
        return;
      case 'ops.soft_pause':
        this.syncSoft(d.reasons);
        this.emit('ops_guard.transition', { to: 'SoftPause', reasons: [...d.reasons] });
        return;
      case 'ops.resume':
        this.syncSoft([]);
        this.emit('ops_guard.transition', { to: 'Running', reasons: [] });
        return;
      case 'ops.hard_stop':
        this.emit('risk.decision', { action: 'hard_stop', reason: d.reason, scope: 'bot' });
        this.opsActor.send({ type: 'ops.hard', reason: d.reason });
        this.emit('ops_guard.transition', { to: 'HardStop', reasons: [d.reason] });
        return;
      case 'warn':
        this.emit('bot.warning', { code: d.code, message: d.message, clientOrderId: d.clientOrderId ?? null });
        return;
      case 'day.rollover':
        this.emit('day.rollover', { ...dayToJson(d.day) } as unknown as Record<string, string | number | null>);
        return;
    }
  }

  private syncSoft(reasons: readonly string[]): void {
    const want = new Set(reasons);
    const have = this.opsActor.getSnapshot().context.soft;
    for (const r of have) if (!want.has(r)) this.opsActor.send({ type: 'ops.soft_cleared', reason: r });
    for (const r of reasons) if (!have.has(r as never)) this.opsActor.send({ type: 'ops.soft_raised', reason: r as never });
  }

  private place(d: PlaceDecision): void {
    const { clock, adapter } = this.o;
    const book = this.book;
    // Post-only orders at or through the opposite best would take liquidity: count them (must stay 0).
    const inside = book !== null && (d.side === 'buy' ? d.price.gte(book.ask) : d.price.lte(book.bid));
    if (inside) this.counts.insideBook += 1;
    const created = this.emit('order.created', {
      clientOrderId: d.clientOrderId, levelId: d.levelId, side: d.side, price: str(d.price), amount: str(d.amount), postOnly: d.postOnly, insideBook: inside,
    });
    const actor = createActor(orderMachine, { input: { clientOrderId: d.clientOrderId, amount: d.amount }, ...(this.o.inspect ? { inspect: this.o.inspect } : {}) });
    const tracked: TrackedOrder = {
      actor, levelId: d.levelId, side: d.side, price: d.price, remaining: d.amount, placedAt: clock.now(), acked: false, cancelling: false,
      correlationId: created.eventId, lastEventId: created.eventId,
    };
    this.orders.set(d.clientOrderId, tracked);
    this.counts.placed += 1;
    this.o.metrics?.countOrder(this.botId, 'placed');
    // The machine names the submit on entry to PendingNew; this is where it is performed.
    actor.on('effect.submit', () => {
      adapter.place({ clientOrderId: d.clientOrderId, symbol: this.symbol, side: d.side, price: d.price, amount: d.amount, postOnly: d.postOnly }).catch((error: unknown) => {
        this.o.onFault?.(`bot ${this.botId}: place ${d.clientOrderId} failed`, error);
        const t = this.orders.get(d.clientOrderId);
        if (t === undefined) return;
        t.actor.send({ type: 'order.failed', reason: error instanceof Error ? error.message : String(error) });
        this.orderEvent(d.clientOrderId, t, 'order.failed', { error: error instanceof Error ? error.message : String(error) });
        this.finish(d.clientOrderId, t);
        this.counts.failed += 1;
      });
    });
    actor.on('effect.cancel', () => this.sendCancel(d.clientOrderId));
    actor.start();
  }

  private cancel(id: ClientOrderId, reason: string): void {
    const t = this.orders.get(id);
    if (t === undefined || t.cancelling) return;
    t.cancelling = true;
    this.orderEvent(id, t, 'order.cancel_requested', { reason });
    const status = t.actor.getSnapshot().value;
    if (status === 'Open' || status === 'PartiallyFilled') {
      t.actor.send({ type: 'order.cancel_requested' }); // PendingCancel's entry names the cancel
      return;
    }
    // Not acknowledged yet: the order table has no cancel from PendingNew; an ack timeout expires it.
    if (reason === 'ack_timeout') t.actor.send({ type: 'order.ack_timeout' });
    this.sendCancel(id);
  }

  private sendCancel(id: ClientOrderId): void {
    this.o.adapter.cancel(id).then(
      (outcome) => {
        if (outcome.type !== 'order.cancel_reject') return; // the cancellation itself came through updates$
        const t = this.orders.get(id);
        if (t === undefined) return;
        t.cancelling = false;
        t.actor.send({ type: 'order.cancel_rejected' });
        this.orderEvent(id, t, 'order.cancel_rejected', { reason: outcome.reason });
      },
      (error: unknown) => this.o.onFault?.(`bot ${this.botId}: cancel ${id} failed`, error),
    );
  }

  /** Cancels every order of the bot on the venue (kill switch, stop, escalation, ops-guard). */
  private cancelAll(reason: string): Promise<void> {
    if (this.orders.size > 0) {
      this.emit('order.cancel_all', { reason, openOrders: this.orders.size });
      // Order by order first: each cancel is performed now, so its outcome is recorded in order.
      for (const [id, t] of [...this.orders]) {
        if (t.cancelling) continue;
        t.cancelling = true;
        const status = t.actor.getSnapshot().value;
        if (status === 'Open' || status === 'PartiallyFilled') t.actor.send({ type: 'order.cancel_requested' });
        else this.sendCancel(id);
      }
    }
    // Then the venue-wide cancel of the symbol, for anything the bot does not know about.
    const sweep = this.o.adapter.cancelAll(this.symbol).then(
      () => undefined,
      (error: unknown) => this.o.onFault?.(`bot ${this.botId}: cancel-all failed`, error),
    );
    this.sweeps.add(sweep);
    void sweep.then(() => this.sweeps.delete(sweep));
    return sweep;
  }


  // ── venue updates ──────────────────────────────────────────────────────────────────────────

  private onUpdate(u: ExecutionUpdate): void {
    if (u.symbol !== this.symbol) return;
    const t = this.orders.get(u.clientOrderId);
    if (t === undefined) return;
    switch (u.type) {
      case 'order.ack':
        t.acked = true;
        t.actor.send({ type: 'order.acked' });
        this.counts.acked += 1;
        this.orderEvent(u.clientOrderId, t, 'order.acked', { price: str(u.price), amount: str(u.amount) });
        return;
      case 'order.reject':
        t.actor.send({ type: 'order.rejected', reason: u.reason });
        this.counts.rejected += 1;
        this.o.metrics?.countOrder(this.botId, 'rejected');
        this.orderEvent(u.clientOrderId, t, 'order.rejected', { reason: u.reason });
        this.finish(u.clientOrderId, t);
        return;
      case 'order.fill':
        return this.onFill(u, t);
      case 'order.cancelled': {
        // A cancel before the ack is the venue refusing the (never rested) order.
        if (t.actor.getSnapshot().value === 'PendingNew') t.actor.send({ type: 'order.rejected', reason: 'cancelled_before_ack' });
        else t.actor.send({ type: 'order.cancelled' });
        this.counts.cancelled += 1;
        this.o.metrics?.countOrder(this.botId, 'cancelled');
        this.orderEvent(u.clientOrderId, t, 'order.cancelled', { remaining: str(u.remaining), acked: t.acked });
        this.finish(u.clientOrderId, t);
        return;
      }
    }
  }

  private onFill(f: OrderFill, t: TrackedOrder): void {
    const feeQuote = this.account.onFill(f);
    this.fills.push({ clientOrderId: f.clientOrderId, side: f.side, price: f.price, amount: f.amount, feeQuote, orderPrice: t.price, ts: f.ts });
    t.remaining = f.remaining;
    const done = f.remaining.lte(ZERO);
    t.actor.send(done ? { type: 'order.filled', amount: f.amount } : { type: 'order.partially_filled', amount: f.amount });
    this.o.metrics?.countOrder(this.botId, 'filled');
    this.orderEvent(f.clientOrderId, t, 'order.filled', {
      side: f.side, price: str(f.price), amount: str(f.amount), fee: str(f.fee), feeAsset: f.feeAsset, liquidity: f.liquidity, remaining: str(f.remaining),
    });
    if (done) this.finish(f.clientOrderId, t);
  }

  private finish(id: ClientOrderId, t: TrackedOrder): void {
    this.orders.delete(id);
    // Not now: this may run inside the order machine's own transition (a cancel the venue confirms
    // synchronously from PendingCancel's entry), with the confirming event still in its mailbox.
    // Stopping it here would drop that event; once the current call stack unwinds it has been processed.
    queueMicrotask(() => t.actor.stop());
  }

  // ── events, metrics, views ─────────────────────────────────────────────────────────────────

  private emit(type: string, payload: Record<string, unknown>, chain?: { correlationId: string; causationId: string }): { eventId: string } {
    const e = this.o.log.append(this.producer, {
      type,
      ts: this.o.clock.now(),
      botId: this.botId,
      payload: payload as never, // payloads are built from strings, numbers, booleans and null only
      ...(chain ?? {}),
    });
    return e;
  }

  private orderEvent(id: ClientOrderId, t: TrackedOrder, type: string, payload: Record<string, unknown>): void {
    const e = this.emit(type, { clientOrderId: id, ...payload }, { correlationId: t.correlationId, causationId: t.lastEventId });
    t.lastEventId = e.eventId;
  }

  private snapshotEvent(): void {
    const f = this.account.figures();
    const ctx = this.bot.getSnapshot().context;
    this.emit('state.snapshot', {
      state: this.lastState,
      regime: ctx.epp.regime.current,
      soft: [...ctx.epp.soft],
      hardStop: ctx.epp.hardStop,
      base: str(f.base),
      quote: str(f.quote),
      equity: str(f.equity),
      realizedPnl: str(f.realized),
      unrealizedPnl: str(f.unrealized),
      fees: str(f.fees),
      openOrders: this.orders.size,
      fills: this.account.volume.fills,
      day: { ...dayToJson(ctx.epp.day) },
    });
  }

  private observe(tickSeconds: number, regime: Regime | null): void {
    const m = this.o.metrics;
    this.lastLevels = Math.max(...(['buy', 'sell'] as const).map((s) => [...this.orders.values()].filter((o) => o.side === s).length));
    if (m === undefined) return;
    const f = this.account.figures();
    m.ticksTotal.inc({ bot: this.botId });
    m.tickDurationSeconds.observe({ bot: this.botId }, tickSeconds / 1000);
    m.setBotState(this.botId, this.lastState);
    if (regime !== null) m.setRegime(this.botId, regime);
    m.equityQuote.set({ bot: this.botId }, f.equity.toNumber());
    m.pnlQuote.set({ bot: this.botId, kind: 'realized' }, f.realized.toNumber());
    m.pnlQuote.set({ bot: this.botId, kind: 'unrealized' }, f.unrealized.toNumber());
    if (f.baseFraction !== null) m.basePct.set({ bot: this.botId }, f.baseFraction.times(100).toNumber());
    if (this.book !== null) m.bookAgeSeconds.set({ bot: this.botId }, Math.max(0, this.o.clock.now() - this.book.ts) / 1000);
  }

  /** Open orders the bot still tracks. */
  get openOrderCount(): number {
    return this.orders.size;
  }

  view(): BotView {
    const f = this.account.figures();
    const ctx = this.bot.getSnapshot().context;
    const live = [...this.orders.values()];
    const bestBuy = live.filter((o) => o.side === 'buy').reduce<Decimal | null>((b, o) => (b === null || o.price.gt(b) ? o.price : b), null);
    const bestSell = live.filter((o) => o.side === 'sell').reduce<Decimal | null>((b, o) => (b === null || o.price.lt(b) ? o.price : b), null);
    const mid = this.book === null ? null : midOf(this.book);
    const spread = bestBuy !== null && bestSell !== null && mid !== null ? bestSell.minus(bestBuy).dividedBy(mid).times(10_000).toFixed(1) : null;
    const reasons = this.escalated ? ['supervisor_escalation'] : ctx.epp.hardStop !== null ? [ctx.epp.hardStop] : [...ctx.epp.soft];
    return {
      botId: this.botId,
      symbol: this.symbol,
      state: this.lastState,
      regime: ctx.epp.regime.current,
      spreadBps: spread,
      levels: this.lastLevels,
      basePct: f.baseFraction === null ? null : f.baseFraction.times(100).toFixed(1),
      equity: f.equity.toFixed(2),
      pnl: f.realized.plus(f.unrealized).minus(f.fees).toFixed(2),
      fills: this.account.volume.fills,
      openOrders: this.orders.size,
      reasons,
    };
  }

  summary(): BotSummary {
    const f = this.account.figures();
    const v = this.account.volume;
    const regimeTicks = Object.fromEntries(REGIMES.map((r) => [r, this.regimeTicks[r]])) as Record<Regime, number>;
    return {
      botId: this.botId,
      symbol: this.symbol,
      variant: this.o.bot.strategy.variant,
      finalState: this.lastState,
      regimeTicks,
      regimeChanges: this.counts.regimeChanges,
      ticks: this.counts.ticks,
      ordersPlaced: this.counts.placed,
      ordersAcked: this.counts.acked,
      ordersRejected: this.counts.rejected,
      ordersCancelled: this.counts.cancelled,
      ordersFailed: this.counts.failed,
      fills: v.fills,
      volumeBase: str(v.base),
      volumeQuote: str(v.quote),
      fees: str(f.fees),
      realizedPnl: str(f.realized),
      unrealizedPnl: str(f.unrealized),
      equityOpen: str(f.equityOpen),
      equityClose: str(f.equity),
      maxDrawdownPct: str(this.account.maxDrawdown.toDecimalPlaces(10)),
      insideBookPlacements: this.counts.insideBook,
      openOrdersAtEnd: this.orders.size,
      baseClose: str(f.base),
      quoteClose: str(f.quote),
    };
  }

  /** The regime detector machine's regime (for checks that it agrees with the controller). */
  get regimeMachineState(): string {
    return String(this.regimeActor.getSnapshot().value);
  }
}
