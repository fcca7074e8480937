/**
 * A bot host (`desk host --nats <url> --name <host>`): runs the bots operators spawn on it, each
 * as a desk replaying its config's captures, all on one shared bus and event store. It owns the
 * host's kill switch (every bot registered; a bot's own HARD_STOP, an operator `kill` and the
 * kill-switch service's `desk.killswitch.<bot>|all` all go through it, latches persisted), keeps
 * daily counters in the daily-state store (a restart the same UTC day never resets a loss limit),
 * applies the portfolio-risk soft pauses addressed to its bots, and fails closed: without the bus
 * connection or the risk monitor's heartbeat for `controlPlaneTimeoutMs`, every bot is held
 * soft-paused (orders cancelled) until both are back.
 *
 * Subjects: `desk.host.<name>.spawn` (request), `desk.ctl.<bot>` (stop), `desk.cmd.<bot>|all`
 * (operator commands, per bot), `desk.killswitch.<bot>|all`, `desk.risk.decision`,
 * `desk.heartbeat.risk` (in) and `desk.heartbeat.host-<name>` (out, with every bot's view).
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { HOST_HEARTBEAT_PREFIX, KILL_SWITCH_ALL_SUBJECT, RISK_DECISION_SUBJECT, controlSubject, heartbeatSubject, hostSpawnSubject, killSwitchSubject } from '../adapters/bus/subjects.ts';
import type { Bus, BusMsg, JsonObject, Subscription } from '../adapters/bus/types.ts';
import { WallClock } from '../adapters/clock/wall-clock.ts';
import { loadConfigFile } from '../config/load.ts';
import type { DeskConfig } from '../config/schema/desk.ts';
import type { SeqState } from '../domain/events/envelope.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { DayCountersJson } from '../domain/strategy/epp/day.ts';
import type { Logger } from '../otel/logger.ts';
import type { BotRuntime } from './bot-runtime.ts';
import type { BotView, DeskSummary, DeskView } from './desk-view.ts';
import type { InspectionEvent } from 'xstate';
import type { DeskMetrics } from '../otel/metrics.ts';
import { Desk, type DeskEventSink, type DeskSpeed } from './desk.ts';
import { createEventLog, type EventLog } from './event-log.ts';
import { KillSwitch, type KillOptions, type KillResult, type LatchStore } from './kill-switch.ts';

/** Per-bot daily counters, persisted (NATS KV in a multi-process desk). */
export interface DailyStateStore {
  get(botId: string, now: number): Promise<DayCountersJson | null>;
  put(botId: string, day: DayCountersJson): Promise<void>;
}

export interface BotHostOptions {
  readonly name: string;
  readonly bus: Bus;
  readonly sink: DeskEventSink;
  /** The per-producer seqs already in the store for `producers` (each spawned desk continues them). */
  readonly seqState: (producers: readonly string[]) => Promise<SeqState>;
  readonly daily: DailyStateStore;
  readonly latches: LatchStore;
  readonly logger: Logger;
  readonly wallClock?: Clock;
  /** Without the bus or the risk heartbeat for this long, bots are held soft-paused (default 10 s). */
  readonly controlPlaneTimeoutMs?: number;
  /** Hold bots until a risk heartbeat has been seen (default true; a desk without `desk risk` never trades). */
  readonly requireRisk?: boolean;
  readonly heartbeatMs?: number;
  readonly metrics?: DeskMetrics;
  /** Per-bot inspection observer (transition tracer, Stately inspector). */
  readonly inspectFor?: (botId: string) => (event: InspectionEvent) => void;
}

const spawnSchema = z.strictObject({
  config: z.string().min(1).refine((p) => isAbsolute(p), { message: 'expected an absolute path to a config file readable by the host' }),
  bots: z.array(z.string().min(1)).min(1).optional(),
  speed: z.union([z.literal('max'), z.number().positive()]).optional(),
  seed: z.number().int().min(0).max(4294967295).optional(),
  durationS: z.number().positive().optional(),
});

interface Hosted {
  readonly desk: Desk;
  readonly bots: readonly string[];
  readonly done: Promise<DeskSummary | null>;
  readonly subs: Subscription[];
}

export class BotHost {
  private readonly wall: Clock;
  private killSwitch!: KillSwitch;
  private hostLog: EventLog | null = null;
  private readonly hosted = new Map<string, Hosted>();
  /** Bots whose spawn is in progress (claimed before the spawn's first await). */
  private readonly spawning = new Set<string>();
  private readonly runtimes = new Map<string, BotRuntime>();
  private readonly subs: Subscription[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  private lastRiskHeartbeat: number | null = null;
  private busUp = true;
  /** Held from the start when a risk heartbeat is required: nothing trades before risk is seen. */
  private controlPlaneLost: boolean;
  /** Active portfolio soft-pause decision ids per bot. */
  private readonly riskHolds = new Map<string, Set<string>>();
  private closing = false;

  constructor(private readonly o: BotHostOptions) {
    this.wall = o.wallClock ?? new WallClock();
    this.controlPlaneLost = o.requireRisk !== false;
  }

  /** Subscribes the host's subjects and starts its heartbeat and control-plane watchdog. */
  async start(): Promise<void> {
    const producer = `killswitch.${this.o.name}`;
    this.hostLog = createEventLog(this.o.sink, await this.o.seqState([`host.${this.o.name}.commands`]));
    this.killSwitch = new KillSwitch({
      bots: {},
      clock: this.wall,
      log: createEventLog(this.o.sink, await this.o.seqState([producer])),
      latches: this.o.latches,
      producer,
      onFault: (message, error) => this.o.logger.warn({ err: error }, message),
    });
    await this.killSwitch.start();
    const { bus } = this.o;
    this.subs.push(bus.subscribe(hostSpawnSubject(this.o.name), (m) => void this.onSpawn(m)));
    this.subs.push(bus.subscribe(KILL_SWITCH_ALL_SUBJECT, (m) => void this.onKill(m, [...this.runtimes.keys()])));
    this.subs.push(bus.subscribe(RISK_DECISION_SUBJECT, (m) => this.onRiskDecision(m.data)));
    this.subs.push(
      bus.subscribe(heartbeatSubject('risk'), (m) => {
        this.lastRiskHeartbeat = this.wall.now();
        this.reconcileRiskHolds(m.data['softPauses']);
      }),
    );
    this.timers.push(setInterval(() => this.heartbeat(), this.o.heartbeatMs ?? 1000));
    this.timers.push(setInterval(() => this.watchControlPlane(), 250));
    for (const t of this.timers) t.unref();
    this.heartbeat();
  }

  /** The bus connection went down or came back (from the NATS status events). */
  setBusUp(up: boolean): void {
    this.busUp = up;
    this.watchControlPlane();
  }

  /** Spawns the bots of a config (all of them, or those named); resolves once they run. */
  async spawn(req: { config: string; bots?: readonly string[]; speed?: DeskSpeed; seed?: number; durationS?: number }): Promise<{ readonly bots: readonly string[]; readonly done: Promise<DeskSummary | null> }> {
    const loaded = await loadConfigFile(req.config);
    if (!loaded.ok) throw new HostError('invalid_config', `${req.config}: ${loaded.violations.map((v) => `${v.path ? `${v.path}: ` : ''}${v.message}`).join('; ')}`);
    const wanted = req.bots ?? loaded.config.bots.map((b) => b.id);
    const missing = wanted.filter((id) => !loaded.config.bots.some((b) => b.id === id));
    if (missing.length > 0) throw new HostError('unknown_bot', `not in ${req.config}: ${missing.join(', ')} (it has ${loaded.config.bots.map((b) => b.id).join(', ')})`);
    const running = wanted.filter((id) => this.spawning.has(id) || this.runtimes.has(id) || [...this.hosted.values()].some((h) => h.bots.includes(id)));
    if (running.length > 0) throw new HostError('already_running', `already running on ${this.o.name}: ${running.join(', ')}`);
    // Claimed now: the awaits below must not let a second spawn of the same bot through.
    for (const id of wanted) this.spawning.add(id);
    try {
      return await this.start1(req, loaded.config, wanted);
    } finally {
      for (const id of wanted) this.spawning.delete(id);
    }
  }

  private async start1(req: { config: string; speed?: DeskSpeed; seed?: number; durationS?: number }, loadedConfig: DeskConfig, wanted: readonly string[]): Promise<{ readonly bots: readonly string[]; readonly done: Promise<DeskSummary | null> }> {
    const loaded = { config: loadedConfig };
    const config: DeskConfig = { ...loaded.config, bots: loaded.config.bots.filter((b) => wanted.includes(b.id)) };
    const days = new Map<string, DayCountersJson | null>();
    for (const id of wanted) days.set(id, await this.o.daily.get(id, this.wall.now()).catch(() => null));
    const key = wanted.join('+');
    const deskName = `${this.o.name}.${key}`;
    const producers = [...wanted.map((id) => `bot.${id}`), `desk.${deskName}`, `desk.commands.${deskName}`];
    const desk = new Desk({
      config,
      configName: req.config,
      speed: req.speed ?? (config.marketData?.speed === 0 || config.marketData === undefined ? 'max' : config.marketData.speed),
      varDir: '',
      logger: this.o.logger.child({ host: this.o.name, bots: wanted }),
      bus: this.o.bus,
      sink: { target: this.o.sink, seqState: await this.o.seqState(producers) },
      commandMode: 'owned',
      name: deskName,
      killSwitch: this.killSwitch,
      wallClock: this.wall,
      ...(this.o.metrics ? { metrics: this.o.metrics } : {}),
      ...(this.o.inspectFor ? { inspectFor: this.o.inspectFor } : {}),
      ...(req.seed !== undefined ? { seed: req.seed } : {}),
      ...(req.durationS !== undefined ? { durationS: req.durationS } : {}),
      botOptions: (bot) => ({
        day: days.get(bot.id) ?? null,
        onDayState: (day) => void this.o.daily.put(bot.id, day).catch((e: unknown) => this.o.logger.warn({ err: e, bot: bot.id }, 'daily state not persisted')),
        onHardStop: (reason) => {
          // An `operator_kill` HARD_STOP is the bot's echo of a kill the kill switch is already
          // carrying out; triggering again could land after a rearm and silently re-latch.
          if (reason === 'operator_kill') return;
          void this.killSwitch.trigger(bot.id, { reason: `hard_stop:${reason}`, trigger: 'bot_hard_stop' });
        },
      }),
      onBotReady: (runtime, adapter) => {
        this.runtimes.set(runtime.botId, runtime);
        void this.killSwitch.register(runtime.botId, { adapter, symbol: runtime.symbol }).then(() => {
          // A latch that survived a restart keeps the bot HardStopped until `desk rearm`.
          if (this.killSwitch.isLatched(runtime.botId)) runtime.command({ type: 'kill' });
        });
        runtime.setHold('control_plane', this.controlPlaneLost);
        runtime.setHold('portfolio', (this.riskHolds.get(runtime.botId)?.size ?? 0) > 0);
      },
    });
    const subs = wanted.flatMap((id) => [
      this.o.bus.subscribe(controlSubject(id), (m) => void this.onControl(m, id)),
      this.o.bus.subscribe(killSwitchSubject(id), (m) => void this.onKill(m, [id])),
    ]);
    let started!: () => void;
    const ready = new Promise<void>((r) => (started = r));
    const run = desk.run().then(
      (summary): DeskSummary => {
        this.o.logger.info({ bots: wanted, endedBy: summary.endedBy }, 'bots stopped');
        return summary;
      },
      (e: unknown): null => {
        this.o.logger.error({ err: e, bots: wanted }, 'bots failed');
        return null;
      },
    );
    const done = run.finally(() => {
      for (const s of subs) s.unsubscribe();
      for (const id of wanted) this.runtimes.delete(id);
      this.hosted.delete(key);
      started();
    });
    this.hosted.set(key, { desk, bots: wanted, done, subs });
    // `onLoaded` is taken by nothing else here: poll until the runtimes exist (or the run ended).
    const poll = setInterval(() => {
      if (wanted.every((id) => this.runtimes.has(id))) started();
    }, 20);
    await ready;
    clearInterval(poll);
    if (!wanted.every((id) => this.runtimes.has(id)) && (await done) === null) throw new Error(`spawn of ${wanted.join(', ')} failed before the bots started (see the host log)`);
    return { bots: wanted, done };
  }

  /** Stops one bot's desk (with every bot spawned together with it): orders cancelled, store flushed. */
  async stopBot(botId: string): Promise<boolean> {
    const h = [...this.hosted.values()].find((x) => x.bots.includes(botId));
    if (h === undefined) return false;
    h.desk.requestStop('SIGTERM');
    await h.done;
    return true;
  }

  /**
   * Audits a command the bus could not even decode (not JSON): it never reached a bot's command
   * handler, but every command, accepted or not, lands in the audit trail.
   */
  auditUndecodable(subject: string, message: string): void {
    if (!subject.startsWith('desk.cmd.')) return;
    const log = this.hostLog;
    if (log === null) return;
    const received = log.append(`host.${this.o.name}.commands`, { type: 'command.received', ts: this.wall.now(), payload: { target: subject.slice('desk.cmd.'.length), command: null, undecodable: true } });
    log.append(`host.${this.o.name}.commands`, { type: 'command.rejected', ts: this.wall.now(), correlationId: received.eventId, causationId: received.eventId, payload: { target: subject.slice('desk.cmd.'.length), id: '', code: 'invalid_json', message } });
  }

  /** The live view of each running desk (one per spawn), for a terminal view. */
  deskViews(): DeskView[] {
    return [...this.hosted.values()].map((h) => h.desk.view());
  }

  /** Every bot on this host, as the live view shows it. */
  views(): BotView[] {
    return [...this.runtimes.values()].map((r) => r.view());
  }

  /** Stops every bot cleanly and leaves the bus. */
  async close(): Promise<void> {
    this.closing = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const h of this.hosted.values()) h.desk.requestStop('SIGTERM');
    await Promise.all([...this.hosted.values()].map((h) => h.done));
    for (const s of this.subs.splice(0)) s.unsubscribe();
    this.killSwitch.stop();
    await this.o.sink.flush();
  }

  // ── handlers ───────────────────────────────────────────────────────────────────────────────

  private async onSpawn(m: BusMsg): Promise<void> {
    const parsed = spawnSchema.safeParse(m.data);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      m.respond({ ok: false, host: this.o.name, error: { code: 'invalid_command', message: `${i?.path.join('.') || '(request)'}: ${i?.message ?? 'invalid'}` } });
      return;
    }
    try {
      const r = await this.spawn(parsed.data);
      m.respond({ ok: true, host: this.o.name, bots: [...r.bots] });
    } catch (e) {
      const code = e instanceof HostError ? e.code : 'spawn_failed';
      m.respond({ ok: false, host: this.o.name, error: { code, message: e instanceof Error ? e.message : String(e) } });
    }
  }

  private async onControl(m: BusMsg, botId: string): Promise<void> {
    const op = (m.data as { op?: unknown }).op;
    if (op !== 'stop') {
      m.respond({ ok: false, botId, host: this.o.name, error: { code: 'invalid_command', message: `op: expected "stop", got ${JSON.stringify(op)}` } });
      return;
    }
    const stopped = await this.stopBot(botId);
    m.respond({ ok: stopped, botId, host: this.o.name, state: 'Stopped' });
  }

  /** A kill from the kill-switch service: cancel, verify, latch; the reply says what was verified. */
  private async onKill(m: BusMsg, bots: readonly string[]): Promise<void> {
    const d = m.data as { reason?: unknown; dryRun?: unknown; flatten?: unknown; trigger?: unknown };
    const reason = typeof d.reason === 'string' && d.reason !== '' ? d.reason : 'kill switch';
    const results: JsonObject[] = [];
    if (d.flatten === true) {
      m.respond({ ok: false, host: this.o.name, error: { code: 'not_permitted', message: 'flatten: this host has no flatten path (its bots are cancelled and latched, not flattened: reduce the position deliberately)' } });
      return;
    }
    const runs = bots.map((id) => this.killBot(id, { reason, trigger: d.trigger === 'operator' ? 'operator' : 'risk', dryRun: d.dryRun === true, flatten: false }));
    for (const rs of await Promise.all(runs)) {
      for (const r of rs) results.push({ botId: r.botId, outcome: r.outcome, verified: r.verified, openOrdersAtVerify: r.openOrdersAtVerify, attempts: r.attempts });
    }
    m.respond({ ok: results.every((r) => r['outcome'] !== 'latched' || r['verified'] === true), host: this.o.name, results });
  }

  /**
   * Level-triggered backstop for the edge-triggered decisions: each risk heartbeat lists the soft
   * pauses in force, and the holds follow it (a decision or its clear can be lost across a reconnect).
   */
  private reconcileRiskHolds(list: unknown): void {
    if (!Array.isArray(list)) return;
    const want = new Map<string, Set<string>>();
    for (const d of list) {
      if (typeof d !== 'object' || d === null) continue;
      const { rule, asset, side, bots } = d as { rule?: unknown; asset?: unknown; side?: unknown; bots?: unknown };
      if (typeof rule !== 'string' || !Array.isArray(bots)) continue;
      const id = `${rule}:${String(asset ?? '')}:${String(side ?? '')}`;
      for (const b of bots) if (typeof b === 'string') want.set(b, (want.get(b) ?? new Set<string>()).add(id));
    }
    for (const botId of new Set([...this.runtimes.keys(), ...this.riskHolds.keys()])) {
      const holds = want.get(botId) ?? new Set<string>();
      this.riskHolds.set(botId, holds);
      this.runtimes.get(botId)?.setHold('portfolio', holds.size > 0);
    }
  }

  /** Stops the bot taking new decisions and runs its kill switch (cancel, verify, latch). */
  private killBot(id: string, opts: KillOptions): Promise<KillResult[]> {
    const rt = this.runtimes.get(id);
    // A stopping or escalated bot takes no command, but its kill switch still runs.
    if (opts.dryRun !== true && rt !== undefined && rt.commandRefusal() === null) rt.command({ type: 'kill' });
    return this.killSwitch.trigger(id, opts);
  }

  /**
   * A portfolio kill, straight from the decision: the hosted bots' kill switches start now rather
   * than one relay hop later. The kill-switch service's request for each bot still comes and is
   * answered once that same run is verified and latched (a trigger during a run joins it), so its
   * confirmations and retries are unchanged. Only the `risk` identity may publish decisions.
   */
  private killFromDecision(data: JsonObject): void {
    const bots = Array.isArray(data['bots']) ? data['bots'].filter((b): b is string => typeof b === 'string' && this.runtimes.has(b)) : [];
    const reason = `portfolio ${String(data['rule'])}: ${String(data['value'])} ≥ ${String(data['threshold'])}`;
    for (const id of bots) {
      this.killBot(id, { reason, trigger: 'risk' }).catch((e: unknown) => this.o.logger.warn({ err: e, bot: id }, 'portfolio kill: the kill switch did not settle'));
    }
  }

  private onRiskDecision(data: JsonObject): void {
    const action = data['action'];
    if (action === 'kill') {
      this.killFromDecision(data);
      return;
    }
    const id = typeof data['rule'] === 'string' ? `${String(data['rule'])}:${String(data['asset'] ?? '')}:${String(data['side'] ?? '')}` : null;
    const bots = Array.isArray(data['bots']) ? data['bots'].filter((b): b is string => typeof b === 'string') : [];
    if (id === null) return;
    const soft = action === 'soft_pause' || (action === 'clear' && data['clears'] === 'soft_pause');
    if (!soft) return;
    for (const b of bots) {
      const holds = this.riskHolds.get(b) ?? new Set<string>();
      if (action === 'soft_pause') holds.add(id);
      else holds.delete(id);
      this.riskHolds.set(b, holds);
      this.runtimes.get(b)?.setHold('portfolio', holds.size > 0);
    }
  }

  private watchControlPlane(): void {
    if (this.closing) return;
    const now = this.wall.now();
    const timeout = this.o.controlPlaneTimeoutMs ?? 10_000;
    const riskOk = this.lastRiskHeartbeat === null ? this.o.requireRisk === false : now - this.lastRiskHeartbeat <= timeout;
    const lost = !this.busUp || !riskOk;
    if (lost === this.controlPlaneLost) return;
    this.controlPlaneLost = lost;
    const detail = { host: this.o.name, busUp: this.busUp, riskHeartbeatAgeMs: this.lastRiskHeartbeat === null ? null : now - this.lastRiskHeartbeat };
    if (lost) this.o.logger.warn(detail, 'control plane lost: bots soft-paused');
    else this.o.logger.info(detail, 'control plane up: bots may trade');
    for (const r of this.runtimes.values()) r.setHold('control_plane', lost);
  }

  private heartbeat(): void {
    if (!this.busUp) return;
    try {
      this.o.bus.publish(heartbeatSubject(`${HOST_HEARTBEAT_PREFIX}${this.o.name}`), {
        host: this.o.name,
        ts: this.wall.now(),
        controlPlaneLost: this.controlPlaneLost,
        bots: this.views().map((v) => ({ ...v, latched: this.killSwitch.isLatched(v.botId) })) as unknown as JsonObject[],
      });
    } catch (e) {
      this.o.logger.warn({ err: e }, 'heartbeat not published');
    }
  }
}

/** A refused spawn, with the reply's error code. */
export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    readonly code: 'invalid_config' | 'unknown_bot' | 'already_running',
    message: string,
  ) {
    super(message);
  }
}
