/**
 * The desk's two JetStream streams and their subject scheme.
 *
 * - `DESK_EVENTS` captures `desk.evt.>`: every event envelope, deduplicated by event id
 *   (`Nats-Msg-Id`) within `duplicate_window`.
 * - `DESK_AUDIT` captures `desk.audit.>`: commands, risk decisions and kill-switch actions.
 *
 * Both use file storage, `discard: old`, `deny_delete` and `deny_purge` (no message delete, no
 * purge, no roll-up), so the audit trail cannot be erased through the message API. Audit keeps
 * messages forever (`max_age` 0); the event stream's max age is configurable (default forever).
 * Deleting a whole stream is a separate API (`$JS.API.STREAM.DELETE.<name>`) that only account
 * permissions can deny — see the module README / report.
 *
 * Subject scheme (all tokens below are safe NATS subject tokens):
 * - an event of producer P and type T → `desk.evt.<producerToken(P)>.<T>`. The type is dotted
 *   lowercase (`EVENT_TYPE_PATTERN`), so its dots become subject levels and each level is
 *   `[a-z][a-z0-9_]*`; the producer is always exactly one token (level 3), so
 *   `desk.evt.<p>.>` selects one producer and `desk.evt.*.order.>` one type family.
 * - an audit record of kind K → `desk.audit.<K>`, K ∈ `command | risk | kill`.
 *
 * `producerToken` keeps `[A-Za-z0-9_-]` and writes every other UTF-8 byte (including `.`, `*`,
 * `>`, whitespace and `~` itself) as `~HH` (uppercase hex): injective and reversible
 * (`producerFromToken`), so `bot.a` → `bot~2Ea` can never collide with a producer named `bot~2Ea`
 * (→ `bot~7E2Ea`).
 *
 * With a `prefix` (tests, several desks on one account), stream names get a `_<prefix>` suffix
 * and subjects a `<prefix>.` prefix: `DESK_EVENTS_t123` on `t123.desk.evt.>`.
 */
import { DiscardPolicy, RetentionPolicy, StorageType, nanos } from 'nats';
import type { JetStreamManager, StreamConfig, StreamInfo } from 'nats';
import { DeskStreamConfigError } from './errors.ts';

export const DESK_EVENTS_STREAM = 'DESK_EVENTS';
export const DESK_AUDIT_STREAM = 'DESK_AUDIT';
/** Default dedupe window: a re-publish of the same event id within it is dropped by the server. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/** What an audit record is about. */
export const AUDIT_KINDS = ['command', 'risk', 'kill'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** Stream names and subject roots for one desk (optionally prefixed). */
export interface DeskStreamNames {
  readonly events: string;
  readonly audit: string;
  /** `desk.evt` or `<prefix>.desk.evt`. */
  readonly eventsRoot: string;
  /** `desk.audit` or `<prefix>.desk.audit`. */
  readonly auditRoot: string;
}

const PREFIX_PATTERN = /^[A-Za-z0-9_-]+$/;

/** Names for the desk's streams; `prefix` must be `[A-Za-z0-9_-]+`. */
export function deskStreamNames(prefix?: string): DeskStreamNames {
  if (prefix === undefined || prefix === '') {
    return { events: DESK_EVENTS_STREAM, audit: DESK_AUDIT_STREAM, eventsRoot: 'desk.evt', auditRoot: 'desk.audit' };
  }
  if (!PREFIX_PATTERN.test(prefix)) throw new RangeError(`prefix: ${JSON.stringify(prefix)} must match [A-Za-z0-9_-]+`);
  return {
    events: `${DESK_EVENTS_STREAM}_${prefix}`,
    audit: `${DESK_AUDIT_STREAM}_${prefix}`,
    eventsRoot: `${prefix}.desk.evt`,
    auditRoot: `${prefix}.desk.audit`,
  };
}

const SAFE_BYTE = /[A-Za-z0-9_-]/;

/** One subject token for a producer name (see the module comment for the mapping). */
export function producerToken(producer: string): string {
  if (producer.length === 0) throw new RangeError('producer: expected a non-empty string');
  let out = '';
  for (const ch of producer) {
    if (SAFE_BYTE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `~${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The producer name a {@link producerToken} came from. */
export function producerFromToken(token: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '~') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(token.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Producer → token, memoized: every appended event needs one and a process has few producers. */
const tokenCache = new Map<string, string>();

/** `desk.evt.<producer-token>.<type>`. */
export function eventSubject(names: DeskStreamNames, producer: string, type: string): string {
  let token = tokenCache.get(producer);
  if (token === undefined) {
    token = producerToken(producer);
    if (tokenCache.size >= 4096) tokenCache.clear(); // bounded, whatever producers a process sees
    tokenCache.set(producer, token);
  }
  return `${names.eventsRoot}.${token}.${type}`;
}

/** `desk.audit.<kind>`. */
export function auditSubject(names: DeskStreamNames, kind: AuditKind): string {
  return `${names.auditRoot}.${kind}`;
}

/**
 * The audit kind of an event type, or null when the event is not audited: `command.*` and
 * `cmd.*` → command, `risk.*` → risk, `kill.*` and `killswitch.*` → kill.
 */
export function defaultAuditKind(type: string): AuditKind | null {
  const head = type.slice(0, type.indexOf('.') === -1 ? type.length : type.indexOf('.'));
  switch (head) {
    case 'command':
    case 'cmd':
      return 'command';
    case 'risk':
      return 'risk';
    case 'kill':
    case 'killswitch':
      return 'kill';
    default:
      return null;
  }
}

export interface DeskStreamsOptions {
  /** Test/desk isolation: see {@link deskStreamNames}. */
  readonly prefix?: string;
  /** Dedupe window (default {@link DEFAULT_DUPLICATE_WINDOW_MS}). */
  readonly duplicateWindowMs?: number;
  /** Max age of DESK_EVENTS in ms; 0 (default) = forever. DESK_AUDIT always keeps forever. */
  readonly eventsMaxAgeMs?: number;
  /** Default 1. */
  readonly replicas?: number;
}

/** What {@link ensureDeskStreams} did to one stream; `changes` names each setting it tightened. */
export interface EnsuredStream {
  readonly stream: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly changes: readonly string[];
  readonly config: StreamConfig;
}

/** The settings the desk requires of a stream. */
export function deskStreamConfig(name: string, subject: string, opts: { duplicateWindowMs: number; maxAgeMs: number; replicas: number }): Partial<StreamConfig> {
  return {
    name,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(opts.duplicateWindowMs),
    max_age: nanos(opts.maxAgeMs),
    num_replicas: opts.replicas,
    deny_delete: true,
    deny_purge: true,
    allow_rollup_hdrs: false,
  };
}

/**
 * Creates or tightens `DESK_EVENTS` and `DESK_AUDIT`. Idempotent: a stream that already has the
 * settings is left alone (`unchanged`); one with weaker settings (no deny_delete/deny_purge, a
 * shorter dedupe window, roll-ups allowed, a max age on audit, a missing subject) is updated
 * (`updated`, with `changes`). A stream that cannot be fixed by an update (memory storage)
 * throws {@link DeskStreamConfigError}.
 */
export async function ensureDeskStreams(
  jsm: JetStreamManager,
  opts: DeskStreamsOptions = {},
): Promise<{ readonly names: DeskStreamNames; readonly streams: readonly EnsuredStream[] }> {
  const names = deskStreamNames(opts.prefix);
  const duplicateWindowMs = opts.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  if (!(Number.isInteger(duplicateWindowMs) && duplicateWindowMs >= 1000)) throw new RangeError(`duplicateWindowMs: ${duplicateWindowMs} must be an integer >= 1000`);
  const replicas = opts.replicas ?? 1;
  const events = deskStreamConfig(names.events, `${names.eventsRoot}.>`, { duplicateWindowMs, maxAgeMs: opts.eventsMaxAgeMs ?? 0, replicas });
  const audit = deskStreamConfig(names.audit, `${names.auditRoot}.>`, { duplicateWindowMs, maxAgeMs: 0, replicas });
  return { names, streams: [await ensureStream(jsm, events), await ensureStream(jsm, audit)] };
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (e) {
    // 10059: stream not found.
    if ((e as { api_error?: { err_code?: number } }).api_error?.err_code === 10059) return null;
    throw e;
  }
}

async function ensureStream(jsm: JetStreamManager, want: Partial<StreamConfig>): Promise<EnsuredStream> {
  const name = want.name ?? '';
  const existing = await streamInfo(jsm, name);
  if (existing === null) {
    const info = await jsm.streams.add(want);
    return { stream: name, action: 'created', changes: [], config: info.config };
  }
  const { config: patch, changes } = tighten(existing.config, want);
  if (changes.length === 0) return { stream: name, action: 'unchanged', changes, config: existing.config };
  try {
    const info = await jsm.streams.update(name, patch);
    return { stream: name, action: 'updated', changes, config: info.config };
  } catch (e) {
    throw new DeskStreamConfigError(name, [`update refused (${changes.join(', ')}): ${e instanceof Error ? e.message : String(e)}`], { cause: e });
  }
}

/** The update that brings `have` to at least `want`, and the settings it changes. */
function tighten(have: StreamConfig, want: Partial<StreamConfig>): { config: Partial<StreamConfig>; changes: string[] } {
  if (have.storage !== want.storage) throw new DeskStreamConfigError(have.name, [`storage is ${have.storage}, expected ${String(want.storage)} (cannot be changed by an update)`]);
  const changes: string[] = [];
  const config: Partial<StreamConfig> = { ...have };
  const missing = (want.subjects ?? []).filter((s) => !(have.subjects ?? []).includes(s));
  if (missing.length > 0) {
    config.subjects = [...(have.subjects ?? []), ...missing];
    changes.push(`subjects +${missing.join(',')}`);
  }
  const set = <K extends keyof StreamConfig>(key: K, value: StreamConfig[K]): void => {
    config[key] = value;
    changes.push(key);
  };
  if (have.deny_delete !== true) set('deny_delete', true);
  if (have.deny_purge !== true) set('deny_purge', true);
  if (have.allow_rollup_hdrs === true) set('allow_rollup_hdrs', false);
  if (want.discard !== undefined && have.discard !== want.discard) set('discard', want.discard);
  if (want.duplicate_window !== undefined && have.duplicate_window < want.duplicate_window) set('duplicate_window', want.duplicate_window);
  if (want.max_age !== undefined && have.max_age !== want.max_age) set('max_age', want.max_age);
  return { config, changes };
}
