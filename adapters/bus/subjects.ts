/**
 * The desk's NATS subjects, built by functions that validate their variable token, plus
 * NATS wildcard matching. Subjects are dot-separated tokens; in a pattern `*` stands for
 * exactly one token and a final `>` for one or more.
 */
import { InvalidSubjectError } from './errors.ts';

/** Root token of every desk subject. */
export const SUBJECT_ROOT = 'desk';

/** The kinds of per-bot telemetry a bot publishes. */
export const BOT_STREAMS = ['snapshot', 'fill', 'event'] as const;
export type BotStream = (typeof BOT_STREAMS)[number];

/** Patterns for subscribers that listen across bots. */
export const SUBJECT_PATTERNS = {
  allCommands: 'desk.cmd.*',
  allSnapshots: 'desk.bot.*.snapshot',
  allFills: 'desk.bot.*.fill',
  allBotEvents: 'desk.bot.*.event',
  /** Matches `desk.killswitch.<botId>` and `desk.killswitch.all`. */
  killSwitch: 'desk.killswitch.*',
  allHeartbeats: 'desk.heartbeat.*',
} as const;

/** The token that addresses every bot (`desk.cmd.all`, `desk.killswitch.all`); a bot may not be named this. */
export const ALL_BOTS = 'all';
const ALL = ALL_BOTS;
const BAD_TOKEN_CHAR = /[.*>\s]/;

/**
 * Checks one variable token (a bot id, a component name): non-empty, no `.`, `*`, `>` or
 * whitespace. Throws `InvalidSubjectError` naming the kind and the value.
 */
function token(kind: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidSubjectError(String(value), `${kind} must be a non-empty string`);
  }
  const bad = BAD_TOKEN_CHAR.exec(value);
  if (bad) {
    const what = /\s/.test(bad[0]) ? 'whitespace' : `'${bad[0]}'`;
    throw new InvalidSubjectError(value, `${kind} ${JSON.stringify(value)} contains ${what}`);
  }
  return value;
}

function botToken(botId: string): string {
  token('bot id', botId);
  // A bot called "all" would make desk.killswitch.<id> the kill-everything subject.
  if (botId === ALL) throw new InvalidSubjectError(botId, `bot id "${ALL}" is reserved`);
  return botId;
}

/** `desk.cmd.<botId>`: operator command intents for one bot. */
export const commandSubject = (botId: string): string => `${SUBJECT_ROOT}.cmd.${botToken(botId)}`;

/** `desk.bot.<botId>.<snapshot|fill|event>`: a bot's telemetry. */
export function botSubject(botId: string, stream: BotStream): string {
  if (!BOT_STREAMS.includes(stream)) {
    throw new InvalidSubjectError(String(stream), `bot stream must be one of ${BOT_STREAMS.join(', ')}`);
  }
  return `${SUBJECT_ROOT}.bot.${botToken(botId)}.${stream}`;
}

/** `desk.killswitch.<botId>`: kill one bot. */
export const killSwitchSubject = (botId: string): string => `${SUBJECT_ROOT}.killswitch.${botToken(botId)}`;

/** `desk.killswitch.all`: kill every bot. */
export const KILL_SWITCH_ALL_SUBJECT = `${SUBJECT_ROOT}.killswitch.${ALL}`;

/** `desk.risk.decision`: portfolio-risk decisions. */
export const RISK_DECISION_SUBJECT = `${SUBJECT_ROOT}.risk.decision`;

/** `desk.heartbeat.<component>`: liveness of a process component. */
export const heartbeatSubject = (component: string): string =>
  `${SUBJECT_ROOT}.heartbeat.${token('component', component)}`;

/** Throws unless `subject` is concrete: non-empty tokens, no whitespace, no wildcards. */
export function assertSubject(subject: string): void {
  for (const t of tokensOf(subject)) {
    if (t === '*' || t === '>' || t.includes('*') || t.includes('>')) {
      throw new InvalidSubjectError(subject, 'wildcards are not allowed in a published subject');
    }
  }
}

/** Throws unless `pattern` is a valid subscription pattern (`*`/`>` whole tokens, `>` only last). */
export function assertPattern(pattern: string): void {
  const tokens = tokensOf(pattern);
  tokens.forEach((t, i) => {
    if (t !== '*' && t !== '>' && (t.includes('*') || t.includes('>'))) {
      throw new InvalidSubjectError(pattern, `wildcard inside token ${JSON.stringify(t)}`);
    }
    if (t === '>' && i !== tokens.length - 1) throw new InvalidSubjectError(pattern, "'>' must be the last token");
  });
}

function tokensOf(subject: string): string[] {
  if (typeof subject !== 'string' || subject.length === 0) throw new InvalidSubjectError(String(subject), 'empty subject');
  if (/\s/.test(subject)) throw new InvalidSubjectError(subject, 'contains whitespace');
  const tokens = subject.split('.');
  if (tokens.some((t) => t.length === 0)) throw new InvalidSubjectError(subject, 'empty token');
  return tokens;
}

/**
 * True when a concrete `subject` matches `pattern` under NATS rules: `*` matches exactly one
 * token, a final `>` one or more trailing tokens, anything else must be equal. Inputs are
 * assumed valid (see `assertPattern` / `assertSubject`); a misplaced `>` never matches.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const pt = p[i];
    if (pt === '>') return i === p.length - 1 && s.length > i;
    const st = s[i];
    if (st === undefined) return false;
    if (pt !== '*' && pt !== st) return false;
  }
  return p.length === s.length;
}

/** `desk.host.<host>.spawn`: ask a bot host to start bots from a config. */
export const hostSpawnSubject = (host: string): string => `${SUBJECT_ROOT}.host.${token('host name', host)}.spawn`;

/** `desk.ctl.<botId>`: lifecycle requests (stop) to whichever host runs the bot. */
export const controlSubject = (botId: string): string => `${SUBJECT_ROOT}.ctl.${botToken(botId)}`;

/** Every host heartbeat (`desk.heartbeat.host-<name>`), with the host's bots. */
export const HOST_HEARTBEAT_PREFIX = 'host-';
