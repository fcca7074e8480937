/**
 * Append-only JSONL event store: one file per UTC day (`<dir>/events-YYYY-MM-DD.jsonl`, the day
 * taken from each event's `ts`), one envelope per line. Events are buffered and flushed every
 * `flushEvery` events or `flushIntervalMs` after the first unflushed one, whichever comes
 * first; each flush appends and fsyncs. Files are opened with `'a'` only: nothing already
 * written is ever truncated or rewritten.
 *
 * `append` validates the envelope (zod) synchronously and throws an
 * {@link EnvelopeValidationError} naming the field, leaving the buffer and the files untouched.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventEnvelope } from '../../domain/events/index.ts';
import { parseEnvelope } from './envelope-schema.ts';
import { StoreWriteError } from './errors.ts';

/** The timer the writer schedules time-based flushes with (injected by tests). */
export interface FlushTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: FlushTimer = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending flush must not keep the process alive on its own; close() flushes anyway.
    t.unref();
    return t;
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface JsonlWriterOptions {
  readonly dir: string;
  /** Flush when this many events are buffered (default 100). */
  readonly flushEvery?: number;
  /** Flush this long after the first buffered event (default 1000 ms). */
  readonly flushIntervalMs?: number;
  readonly timer?: FlushTimer;
}

export interface JsonlWriter {
  /** Validates and buffers one event; throws on an invalid envelope (nothing written). */
  append(event: unknown): EventEnvelope;
  /** Writes and fsyncs everything buffered so far. */
  flush(): Promise<void>;
  /** Flushes, then closes the files; later appends throw. */
  close(): Promise<void>;
  /** Events buffered and not yet flushed. */
  readonly pending: number;
}

/** `events-YYYY-MM-DD.jsonl` for the UTC day of `ts`. */
export function dayFileName(ts: number): string {
  return `events-${new Date(ts).toISOString().slice(0, 10)}.jsonl`;
}

export function createJsonlWriter(opts: JsonlWriterOptions): JsonlWriter {
  const flushEvery = opts.flushEvery ?? 100;
  const intervalMs = opts.flushIntervalMs ?? 1000;
  if (!Number.isInteger(flushEvery) || flushEvery < 1) throw new RangeError(`flushEvery: ${flushEvery} must be an integer >= 1`);
  if (!(intervalMs > 0)) throw new RangeError(`flushIntervalMs: ${intervalMs} must be > 0`);
  const timer = opts.timer ?? realTimer;
  const handles = new Map<string, FileHandle>();
  let buffer: EventEnvelope[] = [];
  let timerHandle: unknown = undefined;
  // Flushes run one after another, so lines land in append order.
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = undefined;
  let closed = false;
  let dirReady = false;

  const cancelTimer = (): void => {
    if (timerHandle !== undefined) timer.clear(timerHandle);
    timerHandle = undefined;
  };

  async function handleFor(name: string): Promise<FileHandle> {
    const existing = handles.get(name);
    if (existing) return existing;
    if (!dirReady) {
      await mkdir(opts.dir, { recursive: true });
      dirReady = true;
    }
    const h = await open(join(opts.dir, name), 'a');
    handles.set(name, h);
    return h;
  }

  async function write(batch: readonly EventEnvelope[]): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const e of batch) {
      const name = dayFileName(e.ts);
      const lines = byFile.get(name) ?? [];
      lines.push(`${JSON.stringify(e)}\n`);
      byFile.set(name, lines);
    }
    for (const [name, lines] of byFile) {
      const h = await handleFor(name);
      await h.appendFile(lines.join(''), 'utf8');
      await h.sync();
    }
  }

  function flushNow(): Promise<void> {
    cancelTimer();
    const batch = buffer;
    buffer = [];
    chain = chain.then(async () => {
      if (failure !== undefined || batch.length === 0) return;
      try {
        await write(batch);
      } catch (e) {
        failure = e;
      }
    });
    return chain.then(() => {
      if (failure !== undefined) throw new StoreWriteError(`event store ${opts.dir}: flush failed`, { cause: failure });
    });
  }

  // Background flushes (count, timer) report a failure on the next call instead of rejecting
  // unobserved.
  const background = (): void => void flushNow().catch(() => undefined);

  return {
    append(event) {
      if (closed) throw new StoreWriteError(`event store ${opts.dir}: append after close`);
      if (failure !== undefined) throw new StoreWriteError(`event store ${opts.dir}: an earlier flush failed`, { cause: failure });
      const valid = parseEnvelope(event);
      buffer.push(valid);
      if (buffer.length >= flushEvery) background();
      else if (timerHandle === undefined) timerHandle = timer.set(background, intervalMs);
      return valid;
    },
    flush: flushNow,
    async close() {
      if (closed) return chain;
      closed = true;
      try {
        await flushNow();
      } finally {
        const hs = [...handles.values()];
        handles.clear();
        await Promise.all(hs.map((h) => h.close()));
      }
    },
    get pending() {
      return buffer.length;
    },
  };
}
