/**
 * Desk state in JetStream KV: per-bot daily state (`desk_daily_state`) and kill latches
 * (`desk_kill_latch`). A bot host restarted on the same UTC day gets its day back (so a restart
 * never resets a daily loss limit); on another day `getDaily` returns null and the day starts
 * fresh. A latch survives restarts until an operator deletes it.
 *
 * Keys are bot ids mapped to KV-safe keys: `[A-Za-z0-9_-]` are kept, every other UTF-8 byte is
 * written `=HH` (uppercase hex), so ids with dots, spaces or `*` cannot collide or address
 * several keys. Values are JSON. Time comes from the injected `now` (epoch ms).
 */
import { StorageType } from 'nats';
import type { JetStreamClient, KV } from 'nats';
import type { JsonObject, JsonValue } from '../../domain/events/index.ts';
import { DeskKvError } from './errors.ts';

export const DESK_DAILY_BUCKET = 'desk_daily_state';
export const DESK_LATCH_BUCKET = 'desk_kill_latch';

/** A bot's daily state as stored: the UTC day it belongs to, when it was saved, and the state. */
export interface DailyRecord<S extends JsonObject = JsonObject> {
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  readonly savedAt: number;
  readonly state: S;
}

/** A kill-switch latch: why, what triggered it, when; extra JSON fields are kept. */
export interface KillLatch {
  readonly reason: string;
  readonly trigger: string;
  readonly latchedAt: number;
  readonly [key: string]: JsonValue;
}

/** Where the kill switch keeps its latches. */
export interface LatchStore {
  get(botId: string): Promise<KillLatch | null>;
  put(botId: string, latch: KillLatch): Promise<void>;
  delete(botId: string): Promise<void>;
}

export interface DeskKv {
  /** Today's (per `now`) stored state of `botId`, or null when none is stored or it is of another day. */
  getDaily<S extends JsonObject = JsonObject>(botId: string): Promise<DailyRecord<S> | null>;
  /** Stores `state` as `botId`'s state of `day` (default: today per `now`). */
  putDaily<S extends JsonObject>(botId: string, state: S, opts?: { readonly day?: string }): Promise<DailyRecord<S>>;
  getLatch(botId: string): Promise<KillLatch | null>;
  putLatch(botId: string, latch: KillLatch): Promise<void>;
  deleteLatch(botId: string): Promise<void>;
  /** The latch operations as a {@link LatchStore}. */
  readonly latches: LatchStore;
  readonly buckets: { readonly daily: string; readonly latch: string };
}

export interface DeskKvOptions {
  /** Appended to the bucket names as `_<suffix>` (tests, several desks on one account). */
  readonly suffix?: string;
  /** Epoch ms; default `Date.now`. */
  readonly now?: () => number;
  /** Revisions kept per key (default 5). */
  readonly history?: number;
}

/** `YYYY-MM-DD` of `ms` in UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const SAFE = /[A-Za-z0-9_-]/;

/** The KV key for a bot id (see the module comment). */
export function kvKey(botId: string): string {
  if (botId.length === 0) throw new RangeError('botId: expected a non-empty string');
  let out = '';
  for (const ch of botId) {
    if (SAFE.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function latchProblem(v: unknown): string | null {
  if (!isObject(v)) return 'latch must be a JSON object';
  if (typeof v['reason'] !== 'string' || v['reason'] === '') return 'reason must be a non-empty string';
  if (typeof v['trigger'] !== 'string' || v['trigger'] === '') return 'trigger must be a non-empty string';
  if (typeof v['latchedAt'] !== 'number' || !Number.isFinite(v['latchedAt'])) return 'latchedAt must be epoch milliseconds';
  return null;
}

const encoder = new TextEncoder();

/** Opens (creating if missing) the two buckets, file storage. */
export async function openDeskKv(js: JetStreamClient, opts: DeskKvOptions = {}): Promise<DeskKv> {
  if (opts.suffix !== undefined && !/^[A-Za-z0-9_-]+$/.test(opts.suffix)) throw new RangeError(`suffix: ${JSON.stringify(opts.suffix)} must match [A-Za-z0-9_-]+`);
  const suffix = opts.suffix === undefined ? '' : `_${opts.suffix}`;
  const now = opts.now ?? Date.now;
  const kvOpts = { history: opts.history ?? 5, storage: StorageType.File };
  const buckets = { daily: `${DESK_DAILY_BUCKET}${suffix}`, latch: `${DESK_LATCH_BUCKET}${suffix}` };
  const daily = await js.views.kv(buckets.daily, kvOpts);
  const latch = await js.views.kv(buckets.latch, kvOpts);
  const bucketOf = (kv: KV): string => (kv === daily ? buckets.daily : buckets.latch);

  async function read(kv: KV, botId: string): Promise<unknown> {
    const key = kvKey(botId);
    const entry = await kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return null;
    try {
      return entry.json<unknown>();
    } catch (e) {
      throw new DeskKvError(bucketOf(kv), key, 'value is not JSON', { cause: e });
    }
  }

  const getLatch = async (botId: string): Promise<KillLatch | null> => {
    const v = await read(latch, botId);
    if (v === null) return null;
    const problem = latchProblem(v);
    if (problem !== null) throw new DeskKvError(buckets.latch, kvKey(botId), problem);
    return v as KillLatch;
  };
  const putLatch = async (botId: string, value: KillLatch): Promise<void> => {
    const problem = latchProblem(value);
    if (problem !== null) throw new DeskKvError(buckets.latch, kvKey(botId), problem);
    await latch.put(kvKey(botId), encoder.encode(JSON.stringify(value)));
  };
  const deleteLatch = async (botId: string): Promise<void> => {
    await latch.delete(kvKey(botId));
  };

  return {
    async getDaily<S extends JsonObject>(botId: string): Promise<DailyRecord<S> | null> {
      const v = await read(daily, botId);
      if (v === null) return null;
      if (!isObject(v) || typeof v['day'] !== 'string' || !DAY.test(v['day']) || !isObject(v['state']) || typeof v['savedAt'] !== 'number') {
        throw new DeskKvError(buckets.daily, kvKey(botId), 'value is not a daily record {day, savedAt, state}');
      }
      return v['day'] === utcDay(now()) ? (v as unknown as DailyRecord<S>) : null;
    },
    async putDaily<S extends JsonObject>(botId: string, state: S, o: { readonly day?: string } = {}): Promise<DailyRecord<S>> {
      const day = o.day ?? utcDay(now());
      if (!DAY.test(day)) throw new RangeError(`day: ${JSON.stringify(day)} must be YYYY-MM-DD`);
      const record: DailyRecord<S> = { day, savedAt: now(), state };
      await daily.put(kvKey(botId), encoder.encode(JSON.stringify(record)));
      return record;
    },
    getLatch,
    putLatch,
    deleteLatch,
    latches: { get: getLatch, put: putLatch, delete: deleteLatch },
    buckets,
  };
}
