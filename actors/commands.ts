/**
 * Operator commands on `desk.cmd.<botId>` / `desk.cmd.all` (the wire format of docs/commands.md):
 * validated with zod (an invalid command is refused with the field path), idempotent by id (a
 * replayed id gets the original reply and is not applied twice), refused once expired, and
 * audited — every command, accepted or not, lands in the event store as `command.received`
 * followed by `command.applied` or `command.rejected`.
 *
 * Expiry is judged on the wall clock (commands are stamped by operators' machines), not on the
 * replay's virtual clock.
 */
import { z } from 'zod';
import { ALL_BOTS, SUBJECT_PATTERNS } from '../adapters/bus/subjects.ts';
import type { Bus, BusMsg, JsonObject, Subscription } from '../adapters/bus/types.ts';
import { dec } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import type { BotCommand, BotRuntime } from './bot-runtime.ts';
import type { EventLog } from './event-log.ts';

const commandSchema = z.strictObject({
  id: z.string().min(1).max(128),
  type: z.enum(['pause', 'resume', 'kill', 'rearm', 'set_target_base_pct']),
  issuedAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
  issuer: z.string().min(1).max(128),
  reason: z.string().min(1).max(512),
  args: z.record(z.string(), z.unknown()).default({}),
});
export type CommandMsg = z.output<typeof commandSchema>;

export type CommandErrorCode = 'invalid_json' | 'invalid_command' | 'expired' | 'unknown_bot' | 'not_permitted' | 'latched' | 'kill_failed';

export interface CommandReply {
  readonly ok: boolean;
  readonly id: string;
  readonly botId: string;
  readonly state: string;
  readonly error?: { readonly code: CommandErrorCode; readonly message: string };
  /** For `kill`: what the kill switch did per bot (verified zero open orders, attempts). */
  readonly result?: readonly JsonObject[];
}

export interface CommandHandlerOptions {
  readonly bus: Bus;
  readonly bots: ReadonlyMap<string, BotRuntime>;
  readonly log: EventLog;
  /** Wall clock for expiry. */
  readonly wallClock: Clock;
  /** Timestamp of audit events (the desk's clock: virtual in a replay). */
  readonly eventClock: Clock;
  /**
   * `exclusive` (default): answers every `desk.cmd.*` and refuses unknown bots with `unknown_bot`.
   * `owned`: answers only `desk.cmd.<own bot>` and `desk.cmd.all` — several desks (hosts) share
   * the bus, and a bot no host owns gets NATS's "no responders", which the CLI reports as unknown.
   */
  readonly mode?: 'exclusive' | 'owned';
  /** The audit events' producer (default `desk.commands`; unique per desk when desks share a store). */
  readonly producer?: string;
  /** Where `kill` and `rearm` go: cancel, verify and latch; unlatch. Without it `kill` is the bot's own HARD_STOP and `rearm` its resume. */
  readonly killSwitch?: CommandKillSwitch;
}

/** The part of the kill switch (actors/kill-switch.ts) that commands use. */
export interface CommandKillSwitch {
  trigger(botId: string, opts: { readonly reason: string; readonly trigger: 'operator'; readonly dryRun?: boolean; readonly flatten?: boolean }): Promise<readonly { readonly botId: string; readonly outcome: string; readonly verified: boolean; readonly openOrdersAtVerify: number | null; readonly attempts: number }[]>;
  rearm(botId: string, by: { readonly by: string; readonly reason: string }): Promise<{ readonly ok: true } | { readonly ok: false; readonly error: string }>;
  isLatched(botId: string): boolean;
  /** Whether a flatten can be carried out (a flatten function is configured). */
  readonly canFlatten: boolean;
}

function toBotCommand(c: CommandMsg): BotCommand | string {
  if (c.type === 'rearm') return { type: 'resume' }; // on the bot, a rearm is the resume that lifts its HARD_STOP
  if (c.type !== 'set_target_base_pct') return { type: c.type };
  const v = c.args['value'];
  if (v === null) return { type: 'set_target_base_pct', value: null };
  if (typeof v !== 'string' && typeof v !== 'number') return `args.value: expected a fraction such as "0.5" or null, got ${JSON.stringify(v)}`;
  try {
    const d = dec(v, 'args.value');
    if (d.lt(0) || d.gt(1)) return `args.value: expected a fraction in [0,1], got ${String(v)}`;
    return { type: 'set_target_base_pct', value: d };
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The target token addressing every bot (`desk.cmd.all`). */
export const ALL_TARGET = ALL_BOTS;
const CMD_PREFIX = 'desk.cmd.';

/** Handles commands for `bots` until `stop()`. */
export function startCommandHandler(o: CommandHandlerOptions): { stop(): void; handle(target: string, data: unknown): Promise<CommandReply> } {
  const replies = new Map<string, Promise<CommandReply>>();

  const audit = (type: string, payload: Record<string, unknown>, botId: string | null, correlationId?: string): string =>
    o.log.append(o.producer ?? 'desk.commands', { type, ts: o.eventClock.now(), botId, payload: payload as never, ...(correlationId ? { correlationId, causationId: correlationId } : {}) }).eventId;

  async function handle(target: string, data: unknown): Promise<CommandReply> {
    const parsed = commandSchema.safeParse(data);
    const rawId = typeof data === 'object' && data !== null && typeof (data as { id?: unknown }).id === 'string' ? (data as { id: string }).id : '';
    const botKey = target === ALL_TARGET ? null : target;
    const received = audit('command.received', { target, command: (data ?? null) as never }, botKey !== null && o.bots.has(botKey) ? botKey : null);
    const reject = (code: CommandErrorCode, message: string, id = rawId): CommandReply => {
      const reply: CommandReply = { ok: false, id, botId: target, state: botKey !== null ? (o.bots.get(botKey)?.view().state ?? 'unknown') : 'n/a', error: { code, message } };
      audit('command.rejected', { target, id, code, message }, null, received);
      return reply;
    };
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reject('invalid_command', `${issue?.path.join('.') || '(command)'}: ${issue?.message ?? 'invalid'}`);
    }
    const c = parsed.data;
    const seen = replies.get(c.id);
    if (seen !== undefined) {
      audit('command.duplicate', { target, id: c.id }, null, received);
      return seen;
    }
    // Remembered before anything is applied, so a replay arriving mid-kill waits for the same reply.
    const reply = apply(c, target, botKey, received, reject);
    replies.set(c.id, reply);
    return reply;
  }

  async function apply(c: CommandMsg, target: string, botKey: string | null, received: string, reject: (code: CommandErrorCode, message: string, id?: string) => CommandReply): Promise<CommandReply> {
    if (c.expiresAt <= o.wallClock.now()) return reject('expired', `expired at ${new Date(c.expiresAt).toISOString()}`, c.id);
    const targets = botKey === null ? [...o.bots.values()] : o.bots.has(botKey) ? [o.bots.get(botKey) as BotRuntime] : [];
    if (targets.length === 0) return reject('unknown_bot', `no bot ${JSON.stringify(target)} on this desk (bots: ${[...o.bots.keys()].join(', ')})`, c.id);
    const ks = o.killSwitch;
    const cmd = toBotCommand(c);
    if (typeof cmd === 'string') return reject('invalid_command', cmd, c.id);
    // All or nothing: a command for several bots is applied only if every one of them can take it.
    const refusals = targets.map((b) => b.commandRefusal()).filter((r): r is string => r !== null);
    if (refusals.length > 0) return reject('not_permitted', refusals.join('; '), c.id);
    if (ks !== undefined && c.type === 'resume') {
      const latched = targets.filter((b) => ks.isLatched(b.botId)).map((b) => b.botId);
      if (latched.length > 0) return reject('latched', `kill switch latched for ${latched.join(', ')}: only \`desk rearm\` unlatches`, c.id);
    }
    const applied = (result?: readonly JsonObject[]): CommandReply => {
      audit('command.applied', { target, id: c.id, type: c.type, issuer: c.issuer, reason: c.reason, bots: targets.map((b) => b.botId), ...(result ? { result: result as never } : {}) }, botKey, received);
      return { ok: true, id: c.id, botId: target, state: targets[0]?.view().state ?? 'unknown', ...(result ? { result } : {}) };
    };
    if (ks !== undefined && c.type === 'rearm') {
      const notLatched = targets.filter((b) => !ks.isLatched(b.botId)).map((b) => b.botId);
      if (notLatched.length > 0) return reject('not_permitted', `not latched: ${notLatched.join(', ')} (rearm only lifts a kill-switch latch)`, c.id);
      for (const bot of targets) {
        const r = await ks.rearm(bot.botId, { by: c.issuer, reason: c.reason });
        if (!r.ok) return reject('not_permitted', `rearm ${bot.botId}: ${r.error}`, c.id);
        bot.command(cmd);
      }
      return applied();
    }
    const dryRun = c.type === 'kill' && c.args['dryRun'] === true;
    const flatten = c.type === 'kill' && c.args['flatten'] === true;
    if (flatten && (ks === undefined || !ks.canFlatten)) return reject('not_permitted', 'flatten: this desk has no flatten path for its venue (its bots are cancelled and latched, not flattened: reduce the position deliberately)', c.id);
    // A dry run only reports what the kill switch would cancel: the bots themselves are left alone.
    if (!dryRun) for (const bot of targets) bot.command(cmd);
    if (ks !== undefined && c.type === 'kill') {
      const results: JsonObject[] = [];
      for (const bot of targets) {
        const rs = await ks.trigger(bot.botId, { reason: c.reason, trigger: 'operator', dryRun, flatten });
        for (const r of rs) results.push({ botId: r.botId, outcome: r.outcome, verified: r.verified, openOrdersAtVerify: r.openOrdersAtVerify, attempts: r.attempts });
      }
      const unverified = results.filter((r) => r['outcome'] === 'latched' && r['verified'] !== true);
      if (unverified.length > 0) return { ...reject('kill_failed', `not verified flat: ${unverified.map((r) => String(r['botId'])).join(', ')}`, c.id), result: results };
      return applied(results);
    }
    return applied();
  }

  const onMsg = (msg: BusMsg): void => {
    const target = msg.subject.slice(CMD_PREFIX.length);
    void handle(target, msg.data).then((r) => msg.respond(r));
  };
  const subs: Subscription[] =
    (o.mode ?? 'exclusive') === 'exclusive'
      ? [o.bus.subscribe(SUBJECT_PATTERNS.allCommands, onMsg)]
      : [...o.bots.keys(), ALL_TARGET].map((id) => o.bus.subscribe(`${CMD_PREFIX}${id}`, onMsg));
  return { stop: () => subs.forEach((x) => x.unsubscribe()), handle };
}
