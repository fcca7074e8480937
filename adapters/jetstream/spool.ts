/**
 * The local spool of a bot host that cannot reach JetStream: append-only JSONL segment files
 * (`<dir>/spool-NNNNNNNNNN.jsonl`, one envelope per line), each append fsync'd before it counts.
 * Each outage writes a new segment; the sink deletes a segment once every event in it has been
 * acknowledged by JetStream. A segment is never rewritten, only appended to and, when fully
 * published, removed. `open` returns what an earlier process left behind, in order, so a host
 * that crashed while offline re-publishes it on its next start.
 *
 * All file operations run one after another on one chain, so a `release` queued after an
 * `append` never deletes a segment before that append has landed.
 */
import { mkdir, open as openFile, readFile, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventEnvelope } from '../../domain/events/index.ts';
import { SpoolError } from './errors.ts';

const SEGMENT_PATTERN = /^spool-(\d{10})\.jsonl$/;

/** The file name of segment `n`. */
export function segmentFileName(n: number): string {
  return `spool-${String(n).padStart(10, '0')}.jsonl`;
}

/** One segment found at open, with its events in file order. */
export interface RecoveredSegment {
  readonly segment: number;
  readonly events: readonly EventEnvelope[];
  /** An unterminated or unparseable last line (a crash mid-append) that was skipped. */
  readonly tornTail: boolean;
}

export interface Spool {
  readonly dir: string;
  /** Segments left by earlier processes, oldest first (read once at open). */
  readonly recovered: readonly RecoveredSegment[];
  /** The segment appends currently go to, or null until the next append starts one. */
  readonly current: number | null;
  /**
   * Queues `events` for the current segment (starting one if needed) and returns its number at
   * once; `written` resolves after the lines are appended and fsync'd.
   */
  append(events: readonly EventEnvelope[]): { readonly segment: number; readonly written: Promise<void> };
  /** Ends the current segment: the next append starts a new one. */
  seal(): void;
  /** Deletes segment `n` (every event in it is published); seals it first if it is current. */
  release(n: number): Promise<void>;
  /** Resolves when every queued operation has finished (rejects with the first failure). */
  settled(): Promise<void>;
  /** Waits for pending writes and closes the file. */
  close(): Promise<void>;
}

function parseLines(text: string): { events: EventEnvelope[]; tornTail: boolean } {
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  const events: EventEnvelope[] = [];
  let tornTail = last.length > 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      events.push(JSON.parse(line) as EventEnvelope);
    } catch (e) {
      // Only the last line can be torn; a bad line before it means the file was tampered with.
      if (i !== lines.length - 1) throw e;
      tornTail = true;
    }
  });
  return { events, tornTail };
}

/** Opens (creating) the spool directory and reads the segments left in it. */
export async function openSpool(dir: string): Promise<Spool> {
  const recovered: RecoveredSegment[] = [];
  try {
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((n) => SEGMENT_PATTERN.test(n)).sort();
    for (const name of names) {
      const segment = Number(SEGMENT_PATTERN.exec(name)?.[1]);
      recovered.push({ segment, ...parseLines(await readFile(join(dir, name), 'utf8')) });
    }
  } catch (e) {
    throw new SpoolError(dir, `cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  let nextSegment = (recovered.at(-1)?.segment ?? 0) + 1;
  let current: number | null = null;
  let handle: { segment: number; file: FileHandle } | null = null;
  let chain: Promise<void> = Promise.resolve();
  let failure: unknown = undefined;

  const enqueue = (op: () => Promise<void>): Promise<void> => {
    chain = chain.then(async () => {
      if (failure !== undefined) return;
      try {
        await op();
      } catch (e) {
        failure = e;
      }
    });
    return settled();
  };
  const settled = (): Promise<void> =>
    chain.then(() => {
      if (failure !== undefined) throw new SpoolError(dir, 'write failed', { cause: failure });
    });
  const closeHandle = async (): Promise<void> => {
    const h = handle;
    handle = null;
    if (h) await h.file.close();
  };

  return {
    dir,
    recovered,
    get current() {
      return current;
    },
    append(events) {
      if (current === null) current = nextSegment++;
      const segment = current;
      const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
      const written = enqueue(async () => {
        if (handle?.segment !== segment) {
          await closeHandle();
          handle = { segment, file: await openFile(join(dir, segmentFileName(segment)), 'a') };
        }
        await handle.file.appendFile(text, 'utf8');
        await handle.file.sync();
      });
      return { segment, written };
    },
    seal() {
      current = null;
    },
    release(n) {
      if (current === n) current = null;
      return enqueue(async () => {
        if (handle?.segment === n) await closeHandle();
        await rm(join(dir, segmentFileName(n)), { force: true });
      });
    },
    settled,
    async close() {
      await enqueue(closeHandle);
    },
  };
}
