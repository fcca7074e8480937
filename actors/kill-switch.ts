/**
 * Runs the kill switch (hardening plan, Day 50 / Day 70): one `killSwitchMachine` per bot,
 * created on demand, whose effects this actor performs on the bot's ExecutionAdapter — cancel-all
 * of the bot's symbol, an optional flatten through a provided callback (off by default), and a
 * verification read of the venue's open orders for that symbol. Every step is written to the
 * audit log (`kill.*`), chained by correlation id to the `kill.triggered` event; a latch is
 * persisted in a `LatchStore` and restored by `start()`, so a restarted desk comes back latched.
 *
 * Time: the machines' retry delays run on the injected desk `Clock` (a `VirtualClock` in tests,
 * the wall clock live) through `xstateClockOf`, so replays and tests never sleep.
 */
import { createActor, type Actor, type ActorOptions, type AnyActorLogic } from 'xstate';
import type { ExecutionAdapter, OpenOrder } from '../adapters/execution/types.ts';
import type { JsonObject } from '../domain/events/envelope.ts';
import type { ClientOrderId } from '../domain/ids.ts';
import type { Clock } from '../domain/ports/clock.ts';
import {
  killSwitchMachine,
  type KillBackoff,
  type KillSwitchEffect,
  type KillSwitchEvent,
  type KillSwitchStateName,
  type KillTrigger,
} from '../machines/kill-switch.machine.ts';
import type { EventInput } from './event-log.ts';

/** Targets every registered bot (the same word as the command target `all`). */
export { ALL_BOTS } from '../adapters/bus/subjects.ts';
import { ALL_BOTS } from '../adapters/bus/subjects.ts';

/** A persisted latch: enough to come back latched and to audit the rearm against the kill. */
export interface Latch {
  readonly botId: string;
  readonly reason: string;
  readonly trigger: KillTrigger | null;
  readonly latchedAt: number;
  readonly attempts: number;
  /** False when attempts ran out with orders possibly still open. */
  readonly verified: boolean;
  /** The `kill.triggered` event id, so events after a restart join the same chain. */
  readonly correlationId: string | null;
}

/** Where latches survive restarts (NATS KV live; `MemoryLatchStore` in tests). */
export interface LatchStore {
  get(botId: string): Promise<Latch | null>;
  put(botId: string, latch: Latch): Promise<void>;
  delete(botId: string): Promise<void>;
}

/** A `LatchStore` in memory: one process's lifetime; share one instance to simulate a restart. */
export class MemoryLatchStore implements LatchStore {
  private readonly latches = new Map<string, Latch>();

  async get(botId: string): Promise<Latch | null> {
    return this.latches.get(botId) ?? null;
  }

  async put(botId: string, latch: Latch): Promise<void> {
    this.latches.set(botId, latch);
  }

  async delete(botId: string): Promise<void> {
    this.latches.delete(botId);
  }

  /** The bots latched, sorted. */
  keys(): string[] {
    return [...this.latches.keys()].sort();
  }
}

/** What the kill switch needs of one bot. */
export interface KillSwitchBot {
  readonly adapter: ExecutionAdapter;
  /** The bot's symbol: cancel-all and the verification are scoped to it. */
  readonly symbol: string;
}

/** Closes the bot's position (e.g. market orders); resolves once done, rejects on failure. */
export type FlattenFn = (target: { readonly botId: string; readonly symbol: string; readonly adapter: ExecutionAdapter }) => Promise<void>;

/** The slice of `EventLog` the kill switch writes to. */
export interface AuditSink {
  append(producer: string, input: EventInput): { readonly eventId: string };
}

export interface KillSwitchOptions {
  readonly bots: Readonly<Record<string, KillSwitchBot>>;
  readonly clock: Clock;
  readonly log: AuditSink;
  readonly latches: LatchStore;
  /** Needed only when a trigger asks to flatten; without it a flatten fails (and is audited). */
  readonly flatten?: FlattenFn;
  /** Defaults for triggers that do not say. */
  readonly dryRun?: boolean;
  readonly flattenByDefault?: boolean;
  /** Absent ⇒ cancel until verified, however long it takes. */
  readonly maxAttempts?: number;
  readonly backoff?: KillBackoff;
  /** Audit producer name (default `kill-switch`). */
  readonly producer?: string;
  readonly onFault?: (message: string, error: unknown) => void;
}

export interface KillOptions {
  readonly reason: string;
  readonly trigger: KillTrigger;
  readonly dryRun?: boolean;
  readonly flatten?: boolean;
}

/** The outcome of a trigger for one bot. */
export interface KillResult {
  readonly botId: string;
  /** `latched`: the bot is latched; `dry_run`: reported, nothing cancelled; `unknown_bot`: not registered. */
  readonly outcome: 'latched' | 'dry_run' | 'unknown_bot';
  /** The machine's state when the result was taken (`Latched`, `Armed` after a dry run); null for an unknown bot. */
  readonly state: KillSwitchStateName | null;
  readonly attempts: number;
  /** Open orders the last verification saw (0 once verified); for a dry run, what it would cancel. */
  readonly openOrdersAtVerify: number | null;
  readonly verified: boolean;
  /** True when this trigger found a kill already running or latched and started nothing. */
  readonly ignored: boolean;
  /** Dry run: the orders a real kill would cancel. */
  readonly wouldCancel: readonly ClientOrderId[];
}

export type RearmResult =
  | { readonly ok: true; readonly botId: string; readonly state: 'Armed' }
  | { readonly ok: false; readonly botId: string; readonly error: 'not_latched' | 'unknown_bot' | 'store_failed'; readonly state: KillSwitchStateName | null; readonly message: string };

/** The kill switch was stopped while a trigger was still waiting for its outcome. */
export class KillSwitchStoppedError extends Error {
  override readonly name = 'KillSwitchStoppedError';
  constructor(botId: string) {
    super(`kill switch stopped before bot ${botId} settled`);
  }
}

type XStateClock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** XState's clock over a desk `Clock`: delays fire when the desk clock reaches them. */
export function xstateClockOf(clock: Clock): XStateClock {
  let next = 0;
  const timers = new Map<number, () => void>();
  return {
    setTimeout(fn: () => void, timeout: number): number {
      const id = ++next;
      timers.set(id, clock.setTimer(clock.now() + timeout, () => {
        timers.delete(id);
        fn();
      }));
      return id;
    },
    clearTimeout(id: number): void {
      timers.get(id)?.();
      timers.delete(id);
    },
  };
}

type Settled =
  | { readonly kind: 'latched'; readonly effect: Extract<KillSwitchEffect, { type: 'effect.latched' }> }
  | { readonly kind: 'dry_run'; readonly effect: Extract<KillSwitchEffect, { type: 'effect.dry_run' }>; readonly orders: readonly ClientOrderId[] };

interface BotSwitch {
  readonly botId: string;
  readonly bot: KillSwitchBot;
  readonly actor: Actor<typeof killSwitchMachine>;
  /** The current kill's audit chain. */
  chain: { correlationId: string; causationId: string } | null;
  /** Triggers waiting for the run to settle (latched or dry-run reported). */
  waiters: Array<{ resolve: (s: Settled) => void; reject: (e: unknown) => void }>;
  /** The orders the last verification read saw. */
  lastOpen: readonly ClientOrderId[];
  /** The latch write in flight, awaited before a rearm deletes it. */
  persisting: Promise<void>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class KillSwitch {
  private readonly bots = new Map<string, KillSwitchBot>();
  private readonly switches = new Map<string, BotSwitch>();
  private readonly xclock: XStateClock;
  private readonly producer: string;
  private started: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: KillSwitchOptions) {
    for (const [id, bot] of Object.entries(o.bots)) this.bots.set(id, bot);
    this.xclock = xstateClockOf(o.clock);
    this.producer = o.producer ?? 'kill-switch';
  }

  /** Restores the persisted latches of the registered bots (idempotent; trigger and rearm await it). */
  start(): Promise<void> {
    this.started ??= (async () => {
      for (const botId of this.bots.keys()) await this.restore(botId);
    })();
    return this.started;
  }

  /** Adds a bot (spawned later); once started, its persisted latch is restored. */
  async register(botId: string, bot: KillSwitchBot): Promise<void> {
    this.bots.set(botId, bot);
    if (this.started !== null) {
      await this.started;
      await this.restore(botId);
    }
  }

  /** Stops every machine (pending retries included); triggers still waiting reject. */
  stop(): void {
    this.stopped = true;
    for (const sw of this.switches.values()) {
      sw.actor.stop();
      for (const w of sw.waiters.splice(0)) w.reject(new KillSwitchStoppedError(sw.botId));
    }
  }

  /**
   * Kills one bot or `all`: resolves once every targeted bot is latched (or its dry run
   * reported), with one result per bot in registration order.
   */
  async trigger(target: string, opts: KillOptions): Promise<KillResult[]> {
    await this.start();
    const ids = target === ALL_BOTS ? [...this.bots.keys()] : [target];
    return Promise.all(ids.map((id) => this.triggerOne(id, opts)));
  }

  /** Unlatches a latched bot (the operator's `desk rearm`); any other state is refused as a value. */
  async rearm(botId: string, by: { readonly by: string; readonly reason: string }): Promise<RearmResult> {
    await this.start();
    const sw = this.switchFor(botId);
    if (sw === null) return { ok: false, botId, error: 'unknown_bot', state: null, message: `unknown bot ${botId}` };
    const state = this.stateOf(sw);
    if (state !== 'Latched') {
      sw.actor.send({ type: 'kill.rearm', by: by.by, reason: by.reason }); // audited as ignored
      return { ok: false, botId, error: 'not_latched', state, message: `bot ${botId} is ${state}, not Latched` };
    }
    // Delete before unlatching: if the store fails the bot stays latched here and after a restart (fail closed).
    try {
      await sw.persisting;
      await this.o.latches.delete(botId);
    } catch (error) {
      this.o.onFault?.(`kill switch: deleting the latch of ${botId} failed`, error);
      return { ok: false, botId, error: 'store_failed', state, message: message(error) };
    }
    sw.actor.send({ type: 'kill.rearm', by: by.by, reason: by.reason });
    return { ok: true, botId, state: 'Armed' };
  }

  /** Whether a flatten can be carried out (a flatten function was configured). */
  get canFlatten(): boolean {
    return this.o.flatten !== undefined;
  }

  isLatched(botId: string): boolean {
    return this.state(botId) === 'Latched';
  }

  /** The bot's kill-switch state; null for a bot not registered. */
  state(botId: string): KillSwitchStateName | null {
    if (!this.bots.has(botId)) return null;
    const sw = this.switches.get(botId);
    return sw === undefined ? 'Armed' : this.stateOf(sw);
  }

  private async restore(botId: string): Promise<void> {
    const latch = await this.o.latches.get(botId);
    if (latch === null) return;
    const sw = this.switchFor(botId);
    if (sw === null) return;
    if (latch.correlationId !== null) sw.chain = { correlationId: latch.correlationId, causationId: latch.correlationId };
    sw.actor.send({ type: 'kill.restore_latched', reason: latch.reason, latchedAt: latch.latchedAt, ...(latch.trigger ? { trigger: latch.trigger } : {}) });
  }

  private triggerOne(botId: string, opts: KillOptions): Promise<KillResult> {
    const sw = this.switchFor(botId);
    if (sw === null) {
      return Promise.resolve({ botId, outcome: 'unknown_bot', state: null, attempts: 0, openOrdersAtVerify: null, verified: false, ignored: true, wouldCancel: [] });
    }
    const before = this.stateOf(sw);
    const event: KillSwitchEvent = {
      type: 'kill.trigger',
      reason: opts.reason,
      trigger: opts.trigger,
      ...(opts.dryRun !== undefined ? { dryRun: opts.dryRun } : {}),
      ...(opts.flatten !== undefined ? { flatten: opts.flatten } : {}),
    };
    if (before === 'Latched') {
      sw.actor.send(event); // ignored, audited
      const c = sw.actor.getSnapshot().context;
      return Promise.resolve({ botId, outcome: 'latched', state: 'Latched', attempts: c.attempts, openOrdersAtVerify: c.openOrders, verified: c.verified, ignored: true, wouldCancel: [] });
    }
    // A run already going (Cancelling, Backoff, a dry run…) ignores this trigger; wait for it to settle.
    const settled = new Promise<Settled>((resolve, reject) => sw.waiters.push({ resolve, reject }));
    sw.actor.send(event);
    const ignored = before !== 'Armed';
    return settled.then((s) =>
      s.kind === 'latched'
        ? { botId, outcome: 'latched', state: this.stateOf(sw), attempts: s.effect.attempts, openOrdersAtVerify: s.effect.openOrders, verified: s.effect.verified, ignored, wouldCancel: [] }
        : { botId, outcome: 'dry_run', state: this.stateOf(sw), attempts: 0, openOrdersAtVerify: s.effect.wouldCancel, verified: false, ignored, wouldCancel: s.orders },
    );
  }

  private stateOf(sw: BotSwitch): KillSwitchStateName {
    return sw.actor.getSnapshot().value as KillSwitchStateName;
  }

  /** The bot's switch, created on first use; null for a bot not registered. */
  private switchFor(botId: string): BotSwitch | null {
    const existing = this.switches.get(botId);
    if (existing !== undefined) return existing;
    const bot = this.bots.get(botId);
    if (bot === undefined) return null;
    const { o } = this;
    const actor = createActor(killSwitchMachine, {
      input: {
        botId,
        ...(o.dryRun !== undefined ? { dryRun: o.dryRun } : {}),
        ...(o.flattenByDefault !== undefined ? { flatten: o.flattenByDefault } : {}),
        ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}),
        ...(o.backoff !== undefined ? { backoff: o.backoff } : {}),
      },
      clock: this.xclock,
    });
    const sw: BotSwitch = { botId, bot, actor, chain: null, waiters: [], lastOpen: [], persisting: Promise.resolve() };
    actor.on('*', (effect) => this.perform(sw, effect));
    this.switches.set(botId, sw);
    actor.start();
    return sw;
  }

  /** Sends a result back, unless stopped meanwhile (a late venue answer). */
  private send(sw: BotSwitch, event: KillSwitchEvent): void {
    if (!this.stopped) sw.actor.send(event);
  }

  private perform(sw: BotSwitch, e: KillSwitchEffect): void {
    switch (e.type) {
      case 'effect.triggered': {
        sw.chain = null;
        const id = this.audit(sw, 'kill.triggered', { reason: e.reason, trigger: e.trigger, dryRun: e.dryRun, flatten: e.flatten, symbol: sw.bot.symbol });
        sw.chain = { correlationId: id, causationId: id };
        return;
      }
      case 'effect.ignored':
        this.audit(sw, 'kill.ignored', { event: e.event, state: e.state, reason: e.reason });
        return;
      case 'effect.cancel_all':
        void this.cancelAll(sw, e.attempt);
        return;
      case 'effect.flatten':
        void this.flatten(sw);
        return;
      case 'effect.verify':
        void this.verify(sw, e.attempt);
        return;
      case 'effect.retrying':
        this.audit(sw, 'kill.retrying', { attempt: e.attempt, nextAttempt: e.nextAttempt, delayMs: e.delayMs, openOrders: e.openOrders, error: e.error });
        return;
      case 'effect.flatten_failed':
        this.audit(sw, 'kill.flatten_failed', { error: e.error });
        return;
      case 'effect.latched':
        this.latched(sw, e);
        return;
      case 'effect.rearmed':
        this.audit(sw, 'kill.rearmed', { by: e.by, reason: e.reason });
        sw.chain = null;
        return;
      case 'effect.dry_run': {
        const orders = e.wouldCancel === null ? [] : sw.lastOpen;
        this.audit(sw, 'kill.dry_run', { wouldCancel: e.wouldCancel, clientOrderIds: [...orders], error: e.error });
        sw.chain = null;
        for (const w of sw.waiters.splice(0)) w.resolve({ kind: 'dry_run', effect: e, orders });
        return;
      }
    }
  }

  private async cancelAll(sw: BotSwitch, attempt: number): Promise<void> {
    try {
      const cancelled = await sw.bot.adapter.cancelAll(sw.bot.symbol);
      this.audit(sw, 'kill.cancel_attempt', { attempt, cancelled: cancelled.map((c) => c.clientOrderId), error: null });
      this.send(sw, { type: 'kill.cancel_done', cancelled: cancelled.length });
    } catch (error) {
      this.audit(sw, 'kill.cancel_attempt', { attempt, cancelled: [], error: message(error) });
      this.send(sw, { type: 'kill.cancel_failed', error: message(error), at: this.o.clock.now() });
    }
  }

  private async flatten(sw: BotSwitch): Promise<void> {
    const fn = this.o.flatten;
    try {
      if (fn === undefined) throw new Error('flatten requested but no flatten callback is configured');
      await fn({ botId: sw.botId, symbol: sw.bot.symbol, adapter: sw.bot.adapter });
      this.audit(sw, 'kill.flattened', {});
      this.send(sw, { type: 'kill.flatten_done' });
    } catch (error) {
      this.send(sw, { type: 'kill.flatten_failed', error: message(error) });
    }
  }

  /** Reads the venue's open orders of the bot's symbol (also the dry run's read). */
  private async verify(sw: BotSwitch, attempt: number): Promise<void> {
    let open: readonly OpenOrder[];
    try {
      open = (await sw.bot.adapter.openOrders()).filter((x) => x.symbol === sw.bot.symbol);
    } catch (error) {
      this.audit(sw, 'kill.verify_failed', { attempt, error: message(error) });
      this.send(sw, { type: 'kill.cancel_failed', error: message(error), at: this.o.clock.now() });
      return;
    }
    sw.lastOpen = open.map((x) => x.clientOrderId);
    // In a dry run the read is reported by `kill.dry_run`; only a real kill's verification is one.
    if (this.stateOf(sw) === 'Verifying') this.audit(sw, 'kill.verified', { attempt, openOrders: open.length, clientOrderIds: [...sw.lastOpen] });
    this.send(sw, { type: 'kill.verified', openOrders: open.length, at: this.o.clock.now() });
  }

  private latched(sw: BotSwitch, e: Extract<KillSwitchEffect, { type: 'effect.latched' }>): void {
    const latch: Latch = {
      botId: sw.botId, reason: e.reason, trigger: e.trigger, latchedAt: e.latchedAt, attempts: e.attempts, verified: e.verified, correlationId: sw.chain?.correlationId ?? null,
    };
    this.audit(sw, 'kill.latched', { reason: e.reason, trigger: e.trigger, latchedAt: e.latchedAt, attempts: e.attempts, openOrders: e.openOrders, verified: e.verified, restored: e.restored });
    // A restored latch is already in the store; a new one is written before its triggers resolve.
    const persist = e.restored
      ? Promise.resolve()
      : this.o.latches.put(sw.botId, latch).catch((error: unknown) => {
          // Still latched in this process; only a restart would forget it. Loud, not fatal.
          this.o.onFault?.(`kill switch: persisting the latch of ${sw.botId} failed`, error);
          this.audit(sw, 'kill.latch_persist_failed', { error: message(error) });
        });
    sw.persisting = persist;
    void persist.then(() => {
      for (const w of sw.waiters.splice(0)) w.resolve({ kind: 'latched', effect: e });
    });
  }

  /** Appends one audit event in the bot's current chain; returns its id. */
  private audit(sw: BotSwitch, type: string, payload: JsonObject): string {
    const chain = sw.chain;
    const ev = this.o.log.append(this.producer, {
      type,
      ts: this.o.clock.now(),
      botId: sw.botId,
      payload,
      ...(chain !== null ? { correlationId: chain.correlationId, causationId: chain.causationId } : {}),
    });
    if (chain !== null) chain.causationId = ev.eventId;
    return ev.eventId;
  }
}
