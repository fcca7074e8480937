/**
 * The portfolio-risk actor (`desk risk`): listens to every bot's risk snapshot on
 * `desk.bot.*.snapshot`, evaluates the portfolio limits on a wall-clock cadence through the
 * portfolio-risk machine, and performs what it names:
 * - each new decision (and each cleared one) is published on `desk.risk.decision` and audited as
 *   `risk.decision` with its provenance (rule, threshold, value, inputs, bots);
 * - a kill is published once per latch (`action: 'kill'`); the kill-switch service carries it out.
 * It publishes `desk.heartbeat.risk` every `heartbeatMs`, so bot hosts can fail closed when the
 * monitor is gone (no heartbeat for the host's `--control-plane-timeout` ⇒ it soft-pauses its bots).
 * `desk.risk.rearm` (request: `{issuer, reason}`) lifts the portfolio kill latch, audited.
 */
import { type Actor, createActor } from 'xstate';
import { RISK_DECISION_SUBJECT, SUBJECT_PATTERNS, heartbeatSubject } from '../adapters/bus/subjects.ts';
import type { Bus, BusMsg, JsonObject, Subscription } from '../adapters/bus/types.ts';
import { dec } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { BotRiskSnapshot, PortfolioDecision, PortfolioLimits } from '../domain/risk/portfolio.ts';
import { portfolioRiskMachine } from '../machines/portfolio-risk.machine.ts';
import type { Logger } from '../otel/logger.ts';
import type { BotRiskSnapshot as WireSnapshot } from './bot-runtime.ts';
import type { EventLog } from './event-log.ts';

export interface PortfolioRiskActorOptions {
  readonly bus: Bus;
  readonly limits: PortfolioLimits;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly logger: Logger;
  /** How often the limits are evaluated (default 500 ms). */
  readonly evaluateEveryMs?: number;
  /** How often the heartbeat is published (default 1000 ms). */
  readonly heartbeatMs?: number;
}

const PRODUCER = 'desk.risk';
/** `desk.risk.rearm`: lift the portfolio kill latch. */
export const RISK_REARM_SUBJECT = 'desk.risk.rearm';

/** The wire form of a decision: decimals as strings, with a decision id and time. */
export function decisionToWire(d: PortfolioDecision, extra: { readonly id: string; readonly ts: number; readonly cleared?: boolean }): JsonObject {
  return JSON.parse(
    JSON.stringify({
      id: extra.id,
      ts: extra.ts,
      action: extra.cleared === true ? 'clear' : d.action,
      clears: extra.cleared === true ? d.action : null,
      rule: d.rule,
      asset: d.asset ?? null,
      side: d.side ?? null,
      threshold: d.threshold.toFixed(),
      value: d.value.toFixed(),
      bots: d.bots,
      inputs: d.inputs,
    }, (_k, v: unknown) => (typeof v === 'object' && v !== null && 'toFixed' in v && typeof (v as { toFixed: unknown }).toFixed === 'function' ? (v as { toFixed(): string }).toFixed() : v)),
  ) as JsonObject;
}

/** A bot's wire snapshot in domain form, or null when it cannot be valued yet (no book). */
export function fromWire(w: WireSnapshot): BotRiskSnapshot | null {
  try {
    const equity = dec(w.equity, 'equity');
    const positions = w.positions.filter((p) => p.mark !== null).map((p) => ({
      asset: p.asset,
      base: dec(p.base, 'base'),
      mark: dec(p.mark as string, 'mark'),
      pendingBuyBase: dec(p.pendingBuyBase, 'pendingBuyBase'),
      pendingSellBase: dec(p.pendingSellBase, 'pendingSellBase'),
    }));
    if (positions.length === 0 && w.positions.length > 0) return null;
    return { botId: w.botId, ts: w.ts, equity, equityDayOpen: w.equityDayOpen === null ? equity : dec(w.equityDayOpen, 'equityDayOpen'), quoteAsset: w.quoteAsset, positions };
  } catch {
    return null;
  }
}

export class PortfolioRiskActor {
  private readonly actor: Actor<typeof portfolioRiskMachine>;
  private readonly subs: Subscription[] = [];
  private timers: ReturnType<typeof setInterval>[] = [];
  private seq = 0;
  /** Whether the kill latch was already set when the current evaluation began. */
  private latchedBefore = false;
  /** Decisions published, newest last (for status and tests). */
  readonly published: JsonObject[] = [];

  constructor(private readonly o: PortfolioRiskActorOptions) {
    this.actor = createActor(portfolioRiskMachine, { input: { limits: o.limits } });
    this.actor.on('effect.decision', ({ decision }) => this.publish(decision, false));
    this.actor.on('effect.cleared', ({ decision }) => this.publish(decision, true));
    this.actor.on('effect.kill', ({ bots, decision }) => this.o.logger.warn({ bots, rule: decision.rule, value: decision.value.toFixed() }, 'portfolio kill'));
  }

  start(): void {
    this.actor.start();
    this.subs.push(this.o.bus.subscribe(SUBJECT_PATTERNS.allSnapshots, (msg) => this.onSnapshot(msg)));
    this.subs.push(
      this.o.bus.subscribe(RISK_REARM_SUBJECT, (msg) => {
        const { issuer, reason } = msg.data as { issuer?: unknown; reason?: unknown };
        if (typeof issuer !== 'string' || issuer === '' || typeof reason !== 'string' || reason === '') {
          msg.respond({ ok: false, error: { code: 'invalid_command', message: 'expected {issuer, reason} (non-empty strings)' } });
          return;
        }
        const was = this.state;
        this.rearm();
        this.o.log.append(PRODUCER, { type: 'risk.rearmed', ts: this.o.clock.now(), payload: { issuer, reason, from: was, to: this.state } });
        msg.respond({ ok: true, state: this.state, was });
      }),
    );
    this.timers.push(setInterval(() => this.evaluate(), this.o.evaluateEveryMs ?? 500));
    this.timers.push(setInterval(() => this.heartbeat(), this.o.heartbeatMs ?? 1000));
    for (const t of this.timers) t.unref();
    this.heartbeat();
  }

  /** Evaluates now (also called on the cadence). */
  evaluate(): void {
    this.latchedBefore = this.state === 'KillTriggered';
    this.actor.send({ type: 'risk.evaluate', now: this.o.clock.now() });
  }

  /** Lifts the portfolio kill latch (`desk.risk.rearm`; a breach that still holds kills again). */
  rearm(): void {
    this.actor.send({ type: 'risk.rearm' });
  }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const s of this.subs.splice(0)) s.unsubscribe();
    this.actor.stop();
  }

  private onSnapshot(msg: BusMsg): void {
    const risk = (msg.data as { risk?: unknown }).risk;
    if (typeof risk !== 'object' || risk === null) return;
    const snap = fromWire(risk as WireSnapshot);
    if (snap !== null) this.actor.send({ type: 'risk.snapshot', snapshot: snap });
  }

  private publish(d: PortfolioDecision, cleared: boolean): void {
    const ts = this.o.clock.now();
    this.seq += 1;
    const id = `risk-${ts.toString(36)}-${this.seq}`;
    const wire = decisionToWire(d, { id, ts, cleared });
    this.published.push(wire);
    this.o.log.append(PRODUCER, { type: 'risk.decision', ts, payload: wire });
    // Once latched, a repeated kill is audited but not sent again: the kill switch already acted.
    if (!cleared && d.action === 'kill' && this.latchedBefore) return;
    this.o.bus.publish(RISK_DECISION_SUBJECT, wire);
    this.o.logger.info({ action: wire['action'], rule: d.rule, bots: d.bots }, 'risk decision');
  }

  /** The soft pauses in force: hosts reconcile their holds to this (decisions alone can be missed across a reconnect). */
  activeSoftPauses(): { rule: string; asset: string | null; side: string | null; bots: string[] }[] {
    const active = this.actor.getSnapshot().context.active;
    return [...active.values()].filter((d) => d.action === 'soft_pause').map((d) => ({ rule: d.rule, asset: d.asset ?? null, side: d.side ?? null, bots: [...d.bots] }));
  }

  private heartbeat(): void {
    try {
      this.o.bus.publish(heartbeatSubject('risk'), { ts: this.o.clock.now(), state: this.state, softPauses: this.activeSoftPauses() });
    } catch (e) {
      this.o.logger.warn({ err: e }, 'risk heartbeat not published');
    }
  }
}
