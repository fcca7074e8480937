/**
 * Reads a JSONL event store: a `.jsonl` file, a directory of `events-YYYY-MM-DD.jsonl` files
 * (any `*.jsonl` when none has that name), or a desk var directory holding `events/`.
 * Malformed records, torn last lines and repeated event ids are reported as findings, never
 * dropped silently.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { EVENT_FILE_PATTERN } from '../adapters/store/verify.ts';
import { EventCollector } from './envelope-shape.ts';
import { EventSourceError } from './errors.ts';
import type { Finding } from './findings.ts';
import type { ReadResult } from './read-events.ts';

async function kindOf(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EventSourceError(path, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

/** The event files of `path`, in name (= day) order. */
export async function eventFiles(path: string): Promise<string[]> {
  const kind = await kindOf(path);
  if (kind === null) throw new EventSourceError(path, 'no such file or directory');
  if (kind === 'file') return [path];
  const names = (await readdir(path)).sort();
  const store = names.filter((n) => EVENT_FILE_PATTERN.test(n));
  const any = store.length > 0 ? store : names.filter((n) => n.endsWith('.jsonl'));
  if (any.length > 0) return any.map((n) => join(path, n));
  if (names.includes('events') && (await kindOf(join(path, 'events'))) === 'dir') return eventFiles(join(path, 'events'));
  throw new EventSourceError(path, 'no *.jsonl event files (nor an events/ directory of them)');
}

/** Reads every event of the store at `path`. */
export async function readJsonlEvents(path: string): Promise<ReadResult> {
  const files = await eventFiles(path);
  const c = new EventCollector();
  const torn: string[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const lines = text.split('\n');
    const terminated = text.endsWith('\n');
    lines.forEach((raw, i) => {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') return;
      const where = `${basename(file)}:${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line) as unknown;
      } catch {
        // The unterminated last line of an append-only file is an interrupted write.
        if (!terminated && i === lines.length - 1) torn.push(where);
        else c.bad.push(`${where}: malformed JSON`);
        return;
      }
      c.add(value, where);
    });
  }
  const findings: Finding[] = [];
  if (c.bad.length > 0) findings.push({ code: 'malformed_records', severity: 'warning', message: `${c.bad.length} record(s) are not readable events and were not used: ${c.bad.slice(0, 5).join('; ')}${c.bad.length > 5 ? '; …' : ''}` });
  if (torn.length > 0) findings.push({ code: 'torn_lines', severity: 'warning', message: `torn last line(s) ignored (interrupted write): ${torn.join(', ')}` });
  if (c.duplicates > 0) findings.push({ code: 'duplicate_events', severity: 'warning', message: `${c.duplicates} repeated event id(s) counted once` });
  return { source: path, events: c.events, findings };
}
