/**
 * One bot, wired: the bot machine (EPP controller) with its regime detector, ops guard and, in
 * `BotOrders`, one order machine per working order, performing the effects they name on an
 * `ExecutionAdapter` and recording everything in the event log.
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
import type { ExecutionAdapter, OrderFill } from '../adapters/execution/types.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import type { BookTop } from '../domain/market/types.ts';
import { midOf } from '../domain/market/types.ts';
import { type Decimal, ZERO as ZERO_DEC } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { REGIMES, type Regime } from '../domain/strategy/epp/config.ts';
import { type DayCountersJson, dayToJson } from '../domain/strategy/epp/day.ts';
import type { EppDecision } from '../domain/strategy/epp/decisions.ts';
import type { EppFill, EppInputs } from '../domain/strategy/epp/types.ts';
import type { ReconOrder } from '../domain/recon/types.ts';
import type { BookedFill } from '../domain/recon/deltas.ts';
import { botMachine } from '../machines/bot.machine.ts';
import { opsGuardMachine } from '../machines/ops-guard.machine.ts';
import type { RestartPolicy } from '../machines/restart-policy.ts';
import { regimeMachine } from '../machines/regime.machine.ts';
import type { DeskMetrics, BotState } from '../otel/metrics.ts';
import { BotAccount } from './bot-account.ts';
import type { FundingFeed } from './funding.ts';
import { BotOrders } from './bot-orders.ts';
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
  /** Persisted daily counters to restore (same UTC day only: a restart never resets a loss limit). */
  readonly day?: DayCountersJson | null;
  /** Called with the daily counters at every snapshot, day rollover and stop (to persist them). */
  readonly onDayState?: (day: DayCountersJson) => void;
  /**
   * The bot's own HARD_STOP, for the kill switch: with a hook the kill switch cancels and verifies;
   * without one the ops guard's cancel-all is the only path (the embedded desk).
   */
  readonly onHardStop?: (reason: string) => void;
  /** Perps: the funding rate and settlements (paper: PaperFunding; live: the venue's). */
  readonly funding?: FundingFeed;
}

/** What the portfolio-risk monitor needs from a bot (published on `desk.bot.<id>.snapshot`). */
export interface BotRiskSnapshot {
  readonly botId: string;
  /** Wall-clock time the snapshot was taken (the monitor judges staleness on it). */
  readonly ts: number;
  readonly quoteAsset: string;
  readonly equity: string;
  /** Equity at the day's open (the controller's day counters), null until one is seen. */
  readonly equityDayOpen: string | null;
  readonly positions: readonly { readonly asset: string; readonly base: string; readonly mark: string | null; readonly pendingBuyBase: string; readonly pendingSellBase: string }[];
  readonly state: string;
}

/** What an outside hold names: the portfolio risk, a lost control plane, the live desk's reconciliation. */
export type HoldKind = 'portfolio' | 'control_plane' | 'reconciliation';

/** Booked fills kept for reconciliation (by venue trade id); older ones are dropped. */
const BOOKED_FILLS_KEEP_MS = 86_400_000;

/** Commands the bot accepts (already validated by the command handler). */
export type BotCommand = { readonly type: 'pause' } | { readonly type: 'resume' } | { readonly type: 'kill' } | { readonly type: 'set_target_base_pct'; readonly value: Decimal | null };

const str = (d: Decimal): string => d.toFixed();

export class BotRuntime {
  readonly botId: string;
  readonly symbol: string;
  private readonly o: BotRuntimeOptions;
  private readonly producer: string;
  private readonly account: BotAccount;
  private readonly orders: BotOrders;
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
  private stopped = false;
  private lastState: BotState = 'Starting';
  private holds = { portfolio: false, controlPlane: false, reconciliation: false };
  /** Fills the bot booked that carry a venue trade id (the live desk's reconciliation compares them). */
  private booked: BookedFill[] = [];
  private dayRolled = false;
  private lastLevels = 0;
  private readonly regimeTicks: Record<Regime, number> = { neutral_low_vol: 0, up: 0, down: 0, high_vol_shock: 0 };
  private readonly counts = { ticks: 0, regimeChanges: 0 };

  constructor(options: BotRuntimeOptions) {
    this.o = options;
    this.botId = options.bot.id;
    this.symbol = options.bot.instrument.symbol;
    this.producer = `bot.${this.botId}`;
    this.account = new BotAccount(options.bot.instrument, options.bot.account.startBase, options.bot.account.startQuote, options.bot.market === 'perp' ? { leverage: options.bot.strategy.leverage } : null);
    const inspect = options.inspect;
    this.orders = new BotOrders({
      botId: this.botId,
      symbol: this.symbol,
      clock: options.clock,
      adapter: options.adapter,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(inspect ? { inspect } : {}),
      ...(options.onFault ? { onFault: options.onFault } : {}),
      emit: (type, payload, chain) => this.emit(type, payload, chain),
      mid: () => (this.book === null ? null : midOf(this.book)),
      onFill: (f, orderPrice) => {
        const feeQuote = this.account.onFill(f);
        if (f.tradeId !== undefined) this.booked.push({ tradeId: f.tradeId, clientOrderId: f.clientOrderId, side: f.side, price: f.price, amount: f.amount, fee: f.fee, feeAsset: f.feeAsset, ts: f.ts });
        this.fills.push({ clientOrderId: f.clientOrderId, side: f.side, price: f.price, amount: f.amount, feeQuote, orderPrice, ts: f.ts });
      },
    });
    this.regimeActor = createActor(regimeMachine, { input: { regimeHoldTicks: options.bot.strategy.regimeHoldTicks }, ...(inspect ? { inspect } : {}) });
    this.opsActor = createActor(opsGuardMachine, inspect ? { inspect } : {});
    this.opsActor.on('effect.cancel_all', (e) => void this.orders.cancelAll(`ops_guard.${e.reason}`));
    this.supervision = supervise({
      policy: options.restartPolicy,
      clock: options.clock,
      restart: () => this.startBot(),
      escalate: (e) => this.escalate(e.reason, e.restarts, e.error),
    });
    this.bot = this.createBot();
    this.updatesSub = options.adapter.updates$.subscribe((u) => this.orders.onUpdate(u));
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

  /** Holds a soft pause from outside the bot (portfolio risk, lost control plane, reconciliation) until released; applied on the next tick. */
  setHold(kind: HoldKind, active: boolean): void {
    if (kind === 'portfolio') this.holds = { ...this.holds, portfolio: active };
    else if (kind === 'control_plane') this.holds = { ...this.holds, controlPlane: active };
    else this.holds = { ...this.holds, reconciliation: active };
  }

  /** Whether an outside hold of this kind is active. */
  holding(kind: HoldKind): boolean {
    return kind === 'portfolio' ? this.holds.portfolio : kind === 'control_plane' ? this.holds.controlPlane : this.holds.reconciliation;
  }

  /** The fills the bot booked with a venue trade id, since `sinceMs` (for reconciliation). */
  bookedFills(sinceMs: number): readonly BookedFill[] {
    const keepFrom = this.o.clock.now() - BOOKED_FILLS_KEEP_MS;
    if (this.booked.length > 0 && (this.booked[0] as BookedFill).ts < keepFrom) this.booked = this.booked.filter((f) => f.ts >= keepFrom);
    return this.booked.filter((f) => f.ts >= sinceMs);
  }

  /** Base and quote the bot's ledger holds now: its start holdings moved by every fill it booked. */
  ledgerHoldings(): { readonly base: Decimal; readonly quote: Decimal } {
    return this.account.holdings();
  }

  /** The orders the bot believes open (sent and not finished), as reconciliation compares them. */
  knownOpenOrders(): readonly ReconOrder[] {
    return this.orders.forRecon();
  }

  /** The bot as the portfolio-risk monitor sees it; `wallNow` stamps it. */
  riskSnapshot(wallNow: number): BotRiskSnapshot {
    const f = this.account.figures();
    const day = this.bot.getSnapshot().context.epp.day;
    const pending = (side: 'buy' | 'sell'): Decimal => this.orders.list().filter((o) => o.side === side).reduce((a, o) => a.plus(o.remaining), ZERO_DEC);
    const mark = this.book === null ? null : midOf(this.book).toFixed();
    return {
      botId: this.botId,
      ts: wallNow,
      quoteAsset: this.o.bot.instrument.quote,
      equity: f.equity.toFixed(),
      equityDayOpen: day.equityOpen === null ? null : day.equityOpen.toFixed(),
      positions: [{ asset: this.o.bot.instrument.base, base: f.base.toFixed(), mark, pendingBuyBase: pending('buy').toFixed(), pendingSellBase: pending('sell').toFixed() }],
      state: this.lastState,
    };
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
    this.o.funding?.stop();
    this.supervision.stop();
    if (this.bot.getSnapshot().status === 'active') this.bot.send({ type: 'bot.stop' });
    else void this.orders.cancelAll('bot_stop');
    await this.orders.settled();
    this.lastState = 'Stopped';
    this.o.metrics?.setBotState(this.botId, 'Stopped');
    this.snapshotEvent();
    this.emit('bot.stopped', { reason, openOrders: this.orders.size });
    this.telemetry.next(this.view());
    this.telemetry.complete();
    this.updatesSub.unsubscribe();
    this.regimeActor.stop();
    this.opsActor.stop();
    this.orders.stopAll();
    if (this.bot.getSnapshot().status === 'active') this.bot.stop();
  }

  // ── the bot machine ────────────────────────────────────────────────────────────────────────

  private createBot(): Actor<typeof botMachine> {
    const { bot, clock, inspect } = this.o;
    const day = this.incarnation === 0 ? (this.o.day ?? null) : dayToJson(this.bot.getSnapshot().context.epp.day);
    const actor = createActor(botMachine, {
      input: { config: bot.strategy, rules: bot.instrument, botId: bot.id, now: clock.now(), day },
      ...(inspect ? { inspect } : {}),
    });
    actor.on('effect.decision', ({ decision }) => this.perform(decision));
    actor.on('effect.cancel_all', () => void this.orders.cancelAll('bot_stop'));
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
    void this.orders.cancelAll('bot_failed');
    this.supervision.report({ type: `xstate.error.actor.${this.botId}`, error });
  }

  private escalate(reason: string, restarts: number, error: unknown): void {
    this.escalated = true;
    this.cancelTick?.();
    void this.orders.cancelAll('supervisor_escalation');
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
    const now = this.o.clock.now();
    const funding = this.settleFunding(now);
    const inputs: EppInputs = {
      now,
      book: this.book,
      ...funding,
      balances: this.account.balances(),
      openOrders: this.orders.forController(),
      fills: this.fills,
      ...(this.holds.portfolio ? { portfolioPaused: true } : {}),
      ...(this.holds.controlPlane ? { controlPlaneLost: true } : {}),
      ...(this.holds.reconciliation ? { reconciliationHeld: true } : {}),
    };
    this.fills = [];
    this.bot.send({ type: 'bot.tick', inputs });
    const snap = this.bot.getSnapshot();
    if (snap.status !== 'active') return; // failed: the supervisor has it
    this.counts.ticks += 1;
    if (this.dayRolled) {
      this.dayRolled = false;
      this.persistDay();
    }
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

  /** Books the funding settled since the last tick (ledger and event log) and reads the current rate. */
  private settleFunding(now: number): { fundingRate?: Decimal; fundingPaidQuote?: Decimal } {
    const feed = this.o.funding;
    if (feed === undefined) return {};
    const mark = this.book === null ? null : midOf(this.book);
    let paid: Decimal | undefined;
    // Without a mark the ledger is not open yet: settlements wait (a feed keeps them) until the first book.
    for (const p of mark === null ? [] : feed.due(now, this.account.position, mark)) {
      this.account.onFunding(p.amount, p.ts);
      paid = (paid ?? ZERO_DEC).plus(p.amount);
      this.emit('funding.accrued', { id: p.id, settledAt: p.ts, rate: p.rate?.toFixed() ?? null, amount: p.amount.toFixed(), mark: p.mark?.toFixed() ?? null, position: this.account.position.toFixed() });
    }
    const rate = feed.rate();
    return { ...(rate === null ? {} : { fundingRate: rate }), ...(paid === undefined ? {} : { fundingPaidQuote: paid }) };
  }

  // ── effects ────────────────────────────────────────────────────────────────────────────────

  private perform(d: EppDecision): void {
    switch (d.type) {
      case 'place':
        return this.orders.place(d, this.book);
      case 'cancel':
        return this.orders.cancel(d.clientOrderId, d.reason);
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
        this.o.onHardStop?.(d.reason);
        this.emit('ops_guard.transition', { to: 'HardStop', reasons: [d.reason] });
        return;
      case 'warn':
        this.emit('bot.warning', { code: d.code, message: d.message, clientOrderId: d.clientOrderId ?? null });
        return;
      case 'day.rollover':
        this.emit('day.rollover', { ...dayToJson(d.day) } as unknown as Record<string, string | number | null>);
        this.dayRolled = true; // persisted after the tick, when the machine holds the new day
        return;
    }
  }

  private syncSoft(reasons: readonly string[]): void {
    const want = new Set(reasons);
    const have = this.opsActor.getSnapshot().context.soft;
    for (const r of have) if (!want.has(r)) this.opsActor.send({ type: 'ops.soft_cleared', reason: r });
    for (const r of reasons) if (!have.has(r as never)) this.opsActor.send({ type: 'ops.soft_raised', reason: r as never });
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

  private persistDay(): void {
    if (this.o.onDayState === undefined) return;
    this.o.onDayState(dayToJson(this.bot.getSnapshot().context.epp.day));
  }

  private snapshotEvent(): void {
    this.persistDay();
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
      ...(f.marginRatio === null ? {} : { funding: str(f.funding), marginBalance: str(f.marginBalance ?? ZERO_DEC), marginRatio: f.marginRatio.toFixed(6) }),
      openOrders: this.orders.size,
      fills: this.account.volume.fills,
      day: { ...dayToJson(ctx.epp.day) },
    });
  }

  private observe(tickSeconds: number, regime: Regime | null): void {
    const m = this.o.metrics;
    this.lastLevels = Math.max(...(['buy', 'sell'] as const).map((s) => this.orders.list().filter((o) => o.side === s).length));
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
    const live = this.orders.list();
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
      ordersPlaced: this.orders.counts.placed,
      ordersAcked: this.orders.counts.acked,
      ordersRejected: this.orders.counts.rejected,
      ordersCancelled: this.orders.counts.cancelled,
      ordersFailed: this.orders.counts.failed,
      fills: v.fills,
      volumeBase: str(v.base),
      volumeQuote: str(v.quote),
      fees: str(f.fees),
      realizedPnl: str(f.realized),
      unrealizedPnl: str(f.unrealized),
      ...(f.marginRatio === null ? {} : { funding: str(f.funding), marginRatio: f.marginRatio.toFixed(6) }),
      equityOpen: str(f.equityOpen),
      equityClose: str(f.equity),
      maxDrawdownPct: str(this.account.maxDrawdown.toDecimalPlaces(10)),
      insideBookPlacements: this.orders.counts.insideBook,
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
