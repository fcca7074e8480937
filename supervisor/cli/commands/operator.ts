/**
 * The operator commands, each a request-reply over NATS with a clear answer and exit code:
 *
 * - `desk spawn <bot> --host <h> --config <f>` → `desk.host.<h>.spawn`
 * - `desk stop <bot>` → `desk.ctl.<bot>` `{op:'stop'}`
 * - `desk status` ← `desk.heartbeat.host-*` (listens `--wait` ms, prints every bot on every host)
 * - `desk pause|resume <bot>|--all`, `desk kill <bot>|--all`, `desk rearm <bot>`, `desk target <bot> <base_pct>`
 *   → `desk.cmd.<bot>` in the command wire format of actors/commands.ts (fresh UUID, issuedAt,
 *   expiresAt = now + `--ttl`, issuer = `$DESK_OPERATOR` or user@host, reason, args).
 *
 * Every command takes `--nats <url>` (default `$NATS_URL`, else nats://127.0.0.1:4222; credentials
 * only from the environment), `--prefix <ns>` (a subject namespace: tests, several desks on one
 * server) and `--json` (one JSON document on stdout). Exit codes: 0 ok; 1 a refusal, an unknown
 * bot or host (no responders), a timeout or an unreachable server; 2 bad input (checked before
 * connecting).
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { BusNoRespondersError, BusTimeoutError, InvalidSubjectError } from '../../../adapters/bus/errors.ts';
import { commandSubject, controlSubject, HOST_HEARTBEAT_PREFIX, heartbeatSubject, hostSpawnSubject, SUBJECT_PATTERNS } from '../../../adapters/bus/subjects.ts';
import type { Bus, JsonObject, JsonValue } from '../../../adapters/bus/types.ts';
import type { CommandReply } from '../../../actors/commands.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';
import { openNatsBus, type OpenedBus } from '../nats-client.ts';

// ── flags ────────────────────────────────────────────────────────────────────────────────────

const DEFAULT_WAIT_MS = 1_500;
const DEFAULT_TIMEOUT_MS = 5_000;
const KILL_TIMEOUT_MS = 15_000;
const SPAWN_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const DEFAULT_TTL_MS = 30_000;

interface NatsOpts {
  readonly nats?: string;
  readonly prefix?: string;
  readonly json?: boolean;
}

/** A duration flag: milliseconds, or a number with `ms` or `s` (`1500`, `1500ms`, `1.5s`). */
function duration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(v.trim());
  const ms = m === null ? NaN : Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  if (!Number.isFinite(ms) || ms <= 0) throw new InvalidArgumentError(`expected a positive duration in ms (or with a unit: 1500ms, 5s), got ${JSON.stringify(v)}`);
  return Math.round(ms);
}

function withNatsOptions(cmd: Command): Command {
  return cmd
    .option('--nats <url>', 'NATS server URL (default $NATS_URL, else nats://127.0.0.1:4222); credentials only from the environment (NATS_USER+NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_SEED, NATS_CREDS)')
    .option('--prefix <ns>', 'subject namespace on the wire (for testing, or several desks sharing one server)')
    .option('--json', 'print one JSON document instead of the human output');
}

const natsFlags = (o: NatsOpts): { nats?: string; prefix?: string } => ({
  ...(o.nats !== undefined ? { nats: o.nats } : {}),
  ...(o.prefix !== undefined ? { prefix: o.prefix } : {}),
});

/** A subject built from user input: an unusable token (`a.b`, `all`, whitespace) is bad input. */
function subjectOf(build: (token: string) => string, token: string, what: string): string {
  try {
    return build(token);
  } catch (e) {
    if (e instanceof InvalidSubjectError) throw new CliError(`invalid ${what} ${JSON.stringify(token)}: ${e.message}`, EXIT.invalid, { cause: e });
    throw e;
  }
}

async function withBus<T>(opts: NatsOpts, name: string, fn: (o: OpenedBus) => Promise<T>): Promise<T> {
  const opened = await openNatsBus(natsFlags(opts), name);
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

type Asked = { readonly ok: true; readonly data: JsonObject } | { readonly ok: false; readonly kind: 'no_responders' | 'timeout' };

async function ask(bus: Bus, subject: string, msg: object, timeoutMs: number): Promise<Asked> {
  try {
    const reply = await bus.request(subject, msg, { timeoutMs });
    return { ok: true, data: reply.data };
  } catch (e) {
    if (e instanceof BusNoRespondersError) return { ok: false, kind: 'no_responders' };
    if (e instanceof BusTimeoutError) return { ok: false, kind: 'timeout' };
    throw e;
  }
}

const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);
const num = (v: JsonValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const errorOf = (d: JsonObject): { code: string; message: string } => {
  const e = d['error'];
  if (typeof e === 'object' && e !== null && !Array.isArray(e)) {
    const o = e as JsonObject;
    return { code: str(o['code']) ?? 'error', message: str(o['message']) ?? '' };
  }
  return { code: 'error', message: 'refused without a reason' };
};

// ── heartbeats (status, --all) ───────────────────────────────────────────────────────────────

interface BotSeen {
  readonly botId: string;
  readonly state: string;
  readonly regime: string | null;
  readonly equity: string | null;
  readonly pnl: string | null;
  readonly openOrders: number | null;
  readonly latched: boolean;
}

interface HostSeen {
  readonly host: string;
  readonly ts: number;
  readonly controlPlaneLost: boolean;
  readonly bots: readonly BotSeen[];
}

const HOST_HEARTBEAT = heartbeatSubject(`${HOST_HEARTBEAT_PREFIX}x`).slice(0, -1);

/** A host heartbeat as `actors/host.ts` publishes it; tolerant: malformed bots are skipped. */
function parseHeartbeat(subject: string, d: JsonObject): HostSeen | null {
  const host = str(d['host']) ?? subject.slice(HOST_HEARTBEAT.length);
  const ts = num(d['ts']);
  if (host === '' || ts === null) return null;
  const bots: BotSeen[] = [];
  for (const b of Array.isArray(d['bots']) ? (d['bots'] as readonly JsonValue[]) : []) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) continue;
    const o = b as JsonObject;
    const botId = str(o['botId']);
    if (botId === null) continue;
    bots.push({ botId, state: str(o['state']) ?? 'unknown', regime: str(o['regime']), equity: str(o['equity']), pnl: str(o['pnl']), openOrders: num(o['openOrders']), latched: o['latched'] === true });
  }
  return { host, ts, controlPlaneLost: d['controlPlaneLost'] === true, bots };
}

/** Listens to host heartbeats for `waitMs` and keeps each host's latest. */
async function collectHeartbeats(bus: Bus, waitMs: number): Promise<Map<string, HostSeen>> {
  const hosts = new Map<string, HostSeen>();
  const sub = bus.subscribe(SUBJECT_PATTERNS.allHeartbeats, (m) => {
    if (!m.subject.startsWith(HOST_HEARTBEAT)) return;
    const hb = parseHeartbeat(m.subject, m.data);
    const prev = hb === null ? undefined : hosts.get(hb.host);
    if (hb !== null && (prev === undefined || hb.ts >= prev.ts)) hosts.set(hb.host, hb);
  });
  await new Promise((r) => setTimeout(r, waitMs));
  sub.unsubscribe();
  return hosts;
}

interface StatusReport {
  readonly bots: { botId: string; host: string; state: string; regime: string | null; equity: string | null; pnl: string | null; openOrders: number | null; latched: boolean; heartbeatAgeMs: number }[];
  readonly hosts: { host: string; controlPlaneLost: boolean; heartbeatAgeMs: number }[];
}

function statusReport(hosts: ReadonlyMap<string, HostSeen>, now: number): StatusReport {
  const sorted = [...hosts.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  // Clock skew between the host and this machine can make an age negative: shown as 0.
  const age = (ts: number): number => Math.max(0, now - ts);
  return {
    hosts: sorted.map((h) => ({ host: h.host, controlPlaneLost: h.controlPlaneLost, heartbeatAgeMs: age(h.ts) })),
    bots: sorted.flatMap((h) =>
      [...h.bots]
        .sort((a, b) => (a.botId < b.botId ? -1 : a.botId > b.botId ? 1 : 0))
        .map((b) => ({ botId: b.botId, host: h.host, state: b.state, regime: b.regime, equity: b.equity, pnl: b.pnl, openOrders: b.openOrders, latched: b.latched, heartbeatAgeMs: age(h.ts) })),
    ),
  };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function statusText(r: StatusReport): string {
  if (r.hosts.length === 0) return 'no hosts';
  const rows: string[][] = [['HOST', 'BOT', 'STATE', 'REGIME', 'EQUITY', 'PNL', 'OPEN', 'LATCHED', 'HEARTBEAT']];
  for (const b of r.bots) rows.push([b.host, b.botId, b.state, b.regime ?? '-', b.equity ?? '-', b.pnl ?? '-', b.openOrders === null ? '-' : String(b.openOrders), b.latched ? 'LATCHED' : 'no', `${seconds(b.heartbeatAgeMs)} ago`]);
  const lines = r.bots.length > 0 ? [table(rows)] : [];
  for (const h of r.hosts) {
    const bots = r.bots.filter((b) => b.host === h.host).length;
    const notes = [bots === 0 ? 'no bots' : null, h.controlPlaneLost ? 'CONTROL PLANE LOST: bots held soft-paused' : null].filter((x): x is string => x !== null);
    if (notes.length > 0) lines.push(`host ${h.host}: ${notes.join('; ')} (heartbeat ${seconds(h.heartbeatAgeMs)} ago)`);
  }
  return lines.join('\n');
}

// ── bot commands ─────────────────────────────────────────────────────────────────────────────

type CommandType = 'pause' | 'resume' | 'kill' | 'rearm' | 'set_target_base_pct';

interface BotCommandOpts extends NatsOpts {
  readonly all?: boolean;
  readonly reason?: string;
  readonly ttl?: number;
  readonly timeout?: number;
  readonly wait?: number;
  readonly flatten?: boolean;
  readonly dryRun?: boolean;
}

/** Who issued a command: `$DESK_OPERATOR`, else user@host (the audit trail's `issuer`, ≤ 128 chars). */
export function issuerOf(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const named = env['DESK_OPERATOR'];
  if (named !== undefined && named.trim() !== '') return named.trim().slice(0, 128);
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    user = env['USER'] ?? env['USERNAME'] ?? 'unknown'; // no passwd entry (some containers)
  }
  return `${user}@${os.hostname()}`.slice(0, 128);
}

/** One command in the wire format of actors/commands.ts; a fresh id per bot (ids are idempotency keys per desk). */
function wireCommand(type: CommandType, reason: string, args: JsonObject, ttlMs: number): JsonObject {
  const issuedAt = Date.now();
  return { id: randomUUID(), type, issuedAt, expiresAt: issuedAt + ttlMs, issuer: issuerOf(), reason, args };
}

/** A command reply as the CLI reports it: the handler's, plus the transport's own codes (`timeout`, `unknown_bot`). */
type Reply = Omit<CommandReply, 'error'> & { readonly error?: { readonly code: string; readonly message: string } };

function toReply(bot: string, id: string, asked: Asked, timeoutMs: number): Reply {
  if (!asked.ok) {
    const error = asked.kind === 'no_responders' ? { code: 'unknown_bot', message: `unknown bot ${bot}: no host runs it` } : { code: 'timeout', message: `no reply from ${bot} within ${timeoutMs} ms` };
    return { ok: false, id, botId: bot, state: 'unknown', error };
  }
  const d = asked.data;
  const result = Array.isArray(d['result']) ? (d['result'] as readonly JsonValue[]).filter((r): r is JsonObject => typeof r === 'object' && r !== null && !Array.isArray(r)) : undefined;
  return {
    ok: d['ok'] === true,
    id: str(d['id']) ?? id,
    botId: str(d['botId']) ?? bot,
    state: str(d['state']) ?? 'unknown',
    ...(d['ok'] === true ? {} : { error: errorOf(d) }),
    ...(result !== undefined ? { result } : {}),
  };
}

function verb(type: CommandType, args: JsonObject): string {
  switch (type) {
    case 'pause':
      return 'paused';
    case 'resume':
      return 'resumed';
    case 'kill':
      return args['dryRun'] === true ? 'kill dry run' : 'killed';
    case 'rearm':
      return 'rearmed';
    case 'set_target_base_pct':
      return `target base ${String(args['value'])}`;
  }
}

function killLine(r: JsonObject): string {
  const bot = str(r['botId']) ?? '?';
  const outcome = str(r['outcome']) ?? 'unknown';
  const open = num(r['openOrdersAtVerify']);
  const attempts = num(r['attempts']) ?? 0;
  if (outcome === 'dry_run') return `  ${bot} dry_run: would cancel ${open ?? '?'} open order(s), nothing sent`;
  const verified = r['verified'] === true ? 'verified flat' : 'NOT verified';
  return `  ${bot} ${outcome}: ${verified}, ${open === null ? 'unknown' : open} open order(s) at verify, ${attempts} attempt(s)`;
}

/** Validates locally, then sends to one bot or (with --all) to every bot the heartbeats show. */
async function runBotCommand(ctx: CommandContext, type: CommandType, bot: string | undefined, opts: BotCommandOpts, args: JsonObject, defaultReason?: string): Promise<void> {
  if (bot !== undefined && opts.all === true) throw new CliError('give a bot or --all, not both');
  if (bot === undefined && opts.all !== true) throw new CliError('give a bot (or --all)');
  const reason = opts.reason?.trim() || defaultReason;
  if (reason === undefined || reason === '') throw new CliError('--reason is required');
  if (reason.length > 512) throw new CliError(`--reason: at most 512 characters, got ${reason.length}`);
  if (bot !== undefined) subjectOf(commandSubject, bot, 'bot id');
  const timeoutMs = opts.timeout ?? (type === 'kill' ? KILL_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
  const ttlMs = opts.ttl ?? DEFAULT_TTL_MS;

  await withBus(opts, `desk-cli-${type}`, async ({ bus, url }) => {
    let bots: string[];
    if (bot !== undefined) bots = [bot];
    else {
      const hosts = await collectHeartbeats(bus, opts.wait ?? DEFAULT_WAIT_MS);
      bots = [...new Set([...hosts.values()].flatMap((h) => h.bots.map((b) => b.botId)))].sort();
      if (bots.length === 0) throw new CliError(`no bots: no host heartbeat on ${url} within ${opts.wait ?? DEFAULT_WAIT_MS} ms`, EXIT.failure);
    }
    const replies = await Promise.all(
      bots.map(async (b) => {
        const cmd = wireCommand(type, reason, args, ttlMs);
        const asked = await ask(bus, commandSubject(b), cmd, timeoutMs);
        return toReply(b, String(cmd['id']), asked, timeoutMs);
      }),
    );
    const failed = replies.filter((r) => !r.ok);
    if (opts.json === true) ctx.io.out(JSON.stringify(bot !== undefined ? replies[0] : { ok: failed.length === 0, replies }, null, 2));
    else {
      const lines: string[] = [];
      for (const r of replies) {
        if (r.ok) lines.push(`${r.botId} ${verb(type, args)} (${r.state})`);
        if (r.result !== undefined) lines.push(...r.result.map(killLine));
      }
      if (lines.length > 0) ctx.io.out(lines.join('\n'));
      for (const r of failed) {
        const e = r.error ?? { code: 'error', message: '' };
        ctx.io.err(e.message.startsWith(`unknown bot ${r.botId}:`) ? `desk: ${e.message}` : `desk: ${r.botId}: ${e.code}: ${e.message}`);
      }
      if (bot === undefined && failed.length > 0) ctx.io.err(`desk: ${failed.length} of ${replies.length} bots failed`);
    }
    ctx.setExit(failed.length === 0 ? EXIT.ok : EXIT.failure);
  });
}

/** A target base fraction: a decimal in [0, 1] (0.4 is 40 %). */
function baseFraction(v: string): string {
  const t = v.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(t) || Number(t) > 1) throw new CliError(`base_pct: expected a fraction in [0,1] such as 0.4 (for 40%), got ${JSON.stringify(v)}`);
  return t;
}

// ── spawn, stop, status ──────────────────────────────────────────────────────────────────────

interface SpawnOpts extends NatsOpts {
  readonly host: string;
  readonly config: string;
  readonly speed?: string;
  readonly seed?: string;
  readonly duration?: string;
  readonly timeout?: number;
}

/** Reply codes that mean the request itself was bad (exit 2); the rest are failures (exit 1). */
const SPAWN_INVALID = new Set(['invalid_config', 'unknown_bot', 'invalid_command']);

function spawnRequest(bot: string, o: SpawnOpts, cwd: string): JsonObject {
  const config = resolve(cwd, o.config);
  let isFile = false;
  try {
    isFile = statSync(config).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new CliError(`--config: no such file ${config}`);
  const req: Record<string, JsonValue> = { config, bots: [bot] };
  if (o.speed !== undefined) {
    const s = o.speed.trim();
    const n = Number(s);
    if (s !== 'max' && !(s !== '' && Number.isFinite(n) && n > 0)) throw new CliError(`--speed: expected a positive factor or "max", got ${JSON.stringify(o.speed)}`);
    req['speed'] = s === 'max' ? 'max' : n;
  }
  if (o.seed !== undefined) {
    const n = Number(o.seed);
    if (!/^\d+$/.test(o.seed.trim()) || n > 4294967295) throw new CliError(`--seed: expected an integer in [0, 4294967295], got ${JSON.stringify(o.seed)}`);
    req['seed'] = n;
  }
  if (o.duration !== undefined) {
    const n = Number(o.duration);
    if (o.duration.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CliError(`--duration: expected a positive number of seconds, got ${JSON.stringify(o.duration)}`);
    req['durationS'] = n;
  }
  return req;
}

async function runSpawn(ctx: CommandContext, bot: string, o: SpawnOpts): Promise<void> {
  subjectOf(controlSubject, bot, 'bot id');
  const subject = subjectOf(hostSpawnSubject, o.host, 'host name');
  const req = spawnRequest(bot, o, ctx.io.cwd);
  const timeoutMs = o.timeout ?? SPAWN_TIMEOUT_MS;
  await withBus(o, 'desk-cli-spawn', async ({ bus, url }) => {
    const asked = await ask(bus, subject, req, timeoutMs);
    if (!asked.ok) {
      throw new CliError(asked.kind === 'no_responders' ? `no host ${o.host} on ${url}` : `no reply from host ${o.host} within ${timeoutMs} ms`, EXIT.failure);
    }
    const d = asked.data;
    if (o.json === true) ctx.io.out(JSON.stringify(d, null, 2));
    if (d['ok'] === true) {
      const bots = Array.isArray(d['bots']) ? d['bots'].map(String) : [bot];
      if (o.json !== true) ctx.io.out(`spawned ${bots.join(', ')} on ${str(d['host']) ?? o.host}`);
      ctx.setExit(EXIT.ok);
      return;
    }
    const e = errorOf(d);
    ctx.io.err(`desk: ${e.code}: ${e.message}`);
    ctx.setExit(SPAWN_INVALID.has(e.code) ? EXIT.invalid : EXIT.failure);
  });
}

async function runStop(ctx: CommandContext, bot: string, o: NatsOpts & { timeout?: number }): Promise<void> {
  const subject = subjectOf(controlSubject, bot, 'bot id');
  const timeoutMs = o.timeout ?? STOP_TIMEOUT_MS;
  await withBus(o, 'desk-cli-stop', async ({ bus }) => {
    const asked = await ask(bus, subject, { op: 'stop' }, timeoutMs);
    if (!asked.ok) throw new CliError(asked.kind === 'no_responders' ? `unknown bot ${bot}: no host runs it` : `no reply from ${bot} within ${timeoutMs} ms`, EXIT.failure);
    const d = asked.data;
    const host = str(d['host']) ?? '?';
    if (o.json === true) ctx.io.out(JSON.stringify(d, null, 2));
    if (d['ok'] === true) {
      if (o.json !== true) ctx.io.out(`${bot} stopped on ${host} (${str(d['state']) ?? 'Stopped'})`);
      ctx.setExit(EXIT.ok);
      return;
    }
    if (d['error'] !== undefined) {
      const e = errorOf(d);
      ctx.io.err(`desk: ${bot}: ${e.code}: ${e.message}`);
    } else ctx.io.err(`desk: ${bot} was not running on ${host}`);
    ctx.setExit(EXIT.failure);
  });
}

async function runStatus(ctx: CommandContext, o: NatsOpts & { wait?: number }): Promise<void> {
  await withBus(o, 'desk-cli-status', async ({ bus }) => {
    const hosts = await collectHeartbeats(bus, o.wait ?? DEFAULT_WAIT_MS);
    const report = statusReport(hosts, Date.now());
    ctx.io.out(o.json === true ? JSON.stringify(report, null, 2) : statusText(report));
    ctx.setExit(EXIT.ok);
  });
}

// ── registration ─────────────────────────────────────────────────────────────────────────────

const TTL_HELP = `the command expires this long after it is issued (ms, or 30s; default ${DEFAULT_TTL_MS / 1000}s)`;
const WAIT_HELP = `with --all: how long to listen for host heartbeats to find the bots (ms; default ${DEFAULT_WAIT_MS})`;

/** Registers `spawn`, `stop`, `status`, `pause`, `resume`, `kill`, `rearm` and `target`. */
export const registerOperator: RegisterCommand = (program, ctx) => {
  withNatsOptions(
    program
      .command('spawn')
      .description('ask a bot host to start a bot from a config file (the path must be readable by the host too)')
      .argument('<bot>', 'bot id in the config')
      .requiredOption('--host <name>', 'the bot host (desk host --name)')
      .requiredOption('--config <file>', 'desk or bot config; sent as an absolute path')
      .option('--speed <x|max>', 'replay speed: a factor of real time or max')
      .option('--seed <n>', 'seed of the paper fill model')
      .option('--duration <s>', 'replay only the first <s> seconds of market data')
      .option('--timeout <ms>', `how long to wait for the host (default ${SPAWN_TIMEOUT_MS / 1000}s)`, duration),
  ).action(async (bot: string, o: SpawnOpts) => runSpawn(ctx, bot, o));

  withNatsOptions(
    program
      .command('stop')
      .description('stop a bot (orders cancelled, store flushed) on whichever host runs it')
      .argument('<bot>', 'bot id')
      .option('--timeout <ms>', `how long to wait for the stop (default ${STOP_TIMEOUT_MS / 1000}s)`, duration),
  ).action(async (bot: string, o: NatsOpts & { timeout?: number }) => runStop(ctx, bot, o));

  withNatsOptions(
    program
      .command('status')
      .description('every bot on every host, from the host heartbeats (prints "no hosts" and exits 0 when none is seen)')
      .option('--wait <ms>', `how long to listen for heartbeats (default ${DEFAULT_WAIT_MS})`, duration),
  ).action(async (o: NatsOpts & { wait?: number }) => runStatus(ctx, o));

  const botCommand = (name: string, description: string, type: CommandType, extra: (c: Command) => Command = (c) => c): void => {
    const cmd = program
      .command(name)
      .description(description)
      .argument('[bot]', 'bot id')
      .option('--all', 'every bot seen in the host heartbeats (exit 0 only if every one succeeds)')
      .option('--reason <text>', 'why (required; recorded in the audit trail)')
      .option('--ttl <ms>', TTL_HELP, duration)
      .option('--timeout <ms>', `how long to wait for each reply (default ${(type === 'kill' ? KILL_TIMEOUT_MS : DEFAULT_TIMEOUT_MS) / 1000}s)`, duration)
      .option('--wait <ms>', WAIT_HELP, duration);
    withNatsOptions(extra(cmd)).action(async (bot: string | undefined, o: BotCommandOpts) => {
      const args: JsonObject = type === 'kill' ? { flatten: o.flatten === true, dryRun: o.dryRun === true } : {};
      return runBotCommand(ctx, type, bot, o, args);
    });
  };
  botCommand('pause', 'soft-pause a bot (orders cancelled, no quoting) until resume', 'pause');
  botCommand('resume', 'resume a soft-paused bot', 'resume');
  botCommand('kill', 'kill switch: cancel every order, verify none is left, latch the bot (only rearm unlatches)', 'kill', (c) =>
    c.option('--flatten', 'also flatten the position').option('--dry-run', 'report what would be cancelled; send nothing to the venue'),
  );

  withNatsOptions(
    program
      .command('rearm')
      .description('lift a bot’s kill-switch latch (or, with --portfolio, the portfolio-risk kill latch)')
      .argument('[bot]', 'bot id')
      .option('--portfolio', 'rearm the portfolio-risk monitor instead of a bot (desk.risk.rearm)')
      .option('--reason <text>', 'why (required; recorded in the audit trail)')
      .option('--ttl <ms>', TTL_HELP, duration)
      .option('--timeout <ms>', `how long to wait for the reply (default ${DEFAULT_TIMEOUT_MS / 1000}s)`, duration),
  ).action(async (bot: string | undefined, o: BotCommandOpts & { portfolio?: boolean }) => {
    if (o.portfolio !== true) return runBotCommand(ctx, 'rearm', bot, o, {});
    if (bot !== undefined) throw new CliError('give a bot or --portfolio, not both');
    const reason = o.reason?.trim();
    if (reason === undefined || reason === '') throw new CliError('--reason is required');
    await withBus(o, 'desk-cli-rearm-portfolio', async ({ bus, url }) => {
      const asked = await ask(bus, 'desk.risk.rearm', { issuer: issuerOf(), reason }, o.timeout ?? DEFAULT_TIMEOUT_MS);
      if (!asked.ok) throw new CliError(asked.kind === 'no_responders' ? `no portfolio-risk monitor (desk risk) on ${url}` : 'desk risk did not answer in time', EXIT.failure);
      if (o.json === true) ctx.io.out(JSON.stringify(asked.data, null, 2));
      else if (asked.data['ok'] === true) ctx.io.out(`portfolio risk rearmed (${String(asked.data['was'])} → ${String(asked.data['state'])})`);
      if (asked.data['ok'] !== true) {
        if (o.json !== true) ctx.io.err(`desk: portfolio rearm: ${JSON.stringify(asked.data['error'] ?? asked.data)}`);
        ctx.setExit(EXIT.failure);
      }
    });
  });

  withNatsOptions(
    program
      .command('target')
      .description('set a bot’s target base inventory as a fraction of equity')
      .argument('<bot>', 'bot id')
      .argument('<base_pct>', 'a fraction in [0,1], e.g. 0.4 for 40%')
      .option('--reason <text>', 'why (recorded in the audit trail; default "set target base <base_pct>")')
      .option('--ttl <ms>', TTL_HELP, duration)
      .option('--timeout <ms>', `how long to wait for the reply (default ${DEFAULT_TIMEOUT_MS / 1000}s)`, duration),
  ).action(async (bot: string, pct: string, o: BotCommandOpts) => {
    const value = baseFraction(pct);
    return runBotCommand(ctx, 'set_target_base_pct', bot, o, { value }, `set target base ${value}`);
  });
};
