/**
 * The kill-switch service (`desk killswitch`): turns a portfolio-risk kill on
 * `desk.risk.decision` into kill requests on `desk.killswitch.<bot>` (the only identity besides
 * risk allowed to publish there), one per bot, retried until the bot's host answers that the
 * venue reports no open orders for it (verified) and the bot is latched. Every request and every
 * confirmation is audited (`killswitch.requested`, `killswitch.confirmed`, `killswitch.retry`).
 */
import { RISK_DECISION_SUBJECT, killSwitchSubject } from '../adapters/bus/subjects.ts';
import type { Bus, BusMsg, JsonObject, Subscription } from '../adapters/bus/types.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { Logger } from '../otel/logger.ts';
import type { EventLog } from './event-log.ts';

export interface KillSwitchServiceOptions {
  readonly bus: Bus;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly logger: Logger;
  /** Per request (a host waits for the venue's verification before it answers). Default 15 s. */
  readonly requestTimeoutMs?: number;
  /** Gives up on a bot after this many failed requests (default 20), auditing it. */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
}

export interface KillConfirmation {
  readonly botId: string;
  readonly ok: boolean;
  readonly attempts: number;
  readonly reply: JsonObject | null;
  readonly error: string | null;
}

const PRODUCER = 'killswitch.service';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class KillSwitchService {
  private sub: Subscription | null = null;
  private readonly inFlight = new Map<string, Promise<KillConfirmation>>();
  /** Confirmations so far (status, tests). */
  readonly confirmations: KillConfirmation[] = [];

  constructor(private readonly o: KillSwitchServiceOptions) {}

  start(): void {
    this.sub = this.o.bus.subscribe(RISK_DECISION_SUBJECT, (m) => this.onDecision(m));
  }

  stop(): void {
    this.sub?.unsubscribe();
    this.sub = null;
  }

  /** Kills `bots` for `reason`; resolves with one confirmation per bot. */
  async kill(bots: readonly string[], reason: string, decisionId: string | null): Promise<KillConfirmation[]> {
    return Promise.all(bots.map((b) => this.killOne(b, reason, decisionId)));
  }

  private onDecision(m: BusMsg): void {
    const d = m.data;
    if (d['action'] !== 'kill') return;
    const bots = Array.isArray(d['bots']) ? d['bots'].filter((b): b is string => typeof b === 'string') : [];
    const reason = `portfolio ${String(d['rule'])}: ${String(d['value'])} ≥ ${String(d['threshold'])}`;
    void this.kill(bots, reason, typeof d['id'] === 'string' ? d['id'] : null);
  }

  private killOne(botId: string, reason: string, decisionId: string | null): Promise<KillConfirmation> {
    const running = this.inFlight.get(botId);
    if (running !== undefined) return running;
    const p = this.run(botId, reason, decisionId).finally(() => this.inFlight.delete(botId));
    this.inFlight.set(botId, p);
    return p;
  }

  private async run(botId: string, reason: string, decisionId: string | null): Promise<KillConfirmation> {
    const { bus, clock, log } = this.o;
    const requested = log.append(PRODUCER, { type: 'killswitch.requested', ts: clock.now(), botId, payload: { botId, reason, decisionId } });
    const max = this.o.maxAttempts ?? 20;
    let lastError = '';
    for (let attempt = 1; attempt <= max; attempt++) {
      try {
        const reply = await bus.request(killSwitchSubject(botId), { reason, trigger: 'risk', decisionId }, { timeoutMs: this.o.requestTimeoutMs ?? 15_000 });
        if (reply.data['ok'] === true) {
          const c: KillConfirmation = { botId, ok: true, attempts: attempt, reply: reply.data, error: null };
          log.append(PRODUCER, { type: 'killswitch.confirmed', ts: clock.now(), botId, correlationId: requested.correlationId, causationId: requested.eventId, payload: { botId, attempts: attempt, reply: reply.data } });
          this.confirmations.push(c);
          return c;
        }
        lastError = `host answered not verified: ${JSON.stringify(reply.data)}`;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
      }
      log.append(PRODUCER, { type: 'killswitch.retry', ts: clock.now(), botId, correlationId: requested.correlationId, causationId: requested.eventId, payload: { botId, attempt, error: lastError } });
      this.o.logger.warn({ bot: botId, attempt, error: lastError }, 'kill not confirmed yet; retrying');
      await sleep(this.o.retryDelayMs ?? 500);
    }
    const c: KillConfirmation = { botId, ok: false, attempts: max, reply: null, error: lastError };
    log.append(PRODUCER, { type: 'killswitch.failed', ts: clock.now(), botId, correlationId: requested.correlationId, causationId: requested.eventId, payload: { botId, attempts: max, error: lastError } });
    this.o.logger.error({ bot: botId, error: lastError }, 'kill NOT confirmed: operator action needed');
    this.confirmations.push(c);
    return c;
  }
}
