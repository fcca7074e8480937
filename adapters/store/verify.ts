/**
 * Integrity report over a directory of `events-YYYY-MM-DD.jsonl` files: counts by type,
 * per-producer sequence gaps and duplicates (by eventId and by (producer, seq)), schema
 * violations with file:line, torn last lines, and correlation coverage.
 *
 * A torn line — the unterminated, unparseable last line of a file, as a crash mid-append
 * leaves it — is reported but is not a violation: the store is append-only, so it can only be
 * the tail of an interrupted write. Gaps and duplicates are computed over valid events only.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { envelopeIssues } from './envelope-schema.ts';
import { StoreReadError } from './errors.ts';

export const EVENT_FILE_PATTERN = /^events-\d{4}-\d{2}-\d{2}\.jsonl$/;

/** `file:line` of one record. */
export type Location = string;

export interface SeqGap {
  readonly producer: string;
  /** First and last missing seq (inclusive). */
  readonly from: number;
  readonly to: number;
}
export interface Duplicate {
  readonly key: string;
  readonly first: Location;
  readonly again: Location;
}
export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

export interface VerifyReport {
  readonly dir: string;
  readonly files: readonly string[];
  /** Records read (valid or not), excluding torn lines. */
  readonly records: number;
  readonly validEvents: number;
  readonly byType: Readonly<Record<string, number>>;
  readonly producers: Readonly<Record<string, { readonly events: number; readonly maxSeq: number }>>;
  readonly gaps: readonly SeqGap[];
  readonly missingSeqs: number;
  /** Same eventId seen twice; `key` is the eventId. */
  readonly duplicateEventIds: readonly Duplicate[];
  /** Same (producer, seq) seen twice; `key` is `producer#seq`. */
  readonly duplicateSeqs: readonly Duplicate[];
  readonly violations: readonly Violation[];
  readonly tornLines: readonly { readonly file: string; readonly line: number }[];
  /** Fraction of records carrying a non-empty correlationId (1 for an empty store). */
  readonly correlationCoverage: number;
  /** No gaps, duplicates or violations (torn lines do not count). */
  readonly clean: boolean;
}

/** The lines of a file, and whether the last one ended with a newline. */
async function* fileLines(path: string): AsyncGenerator<{ text: string; line: number; terminated: boolean }> {
  let rest = '';
  let line = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' }) as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) yield { text: p.endsWith('\r') ? p.slice(0, -1) : p, line: ++line, terminated: true };
  }
  if (rest.length > 0) yield { text: rest, line: line + 1, terminated: false };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

async function listEventFiles(dir: string): Promise<string[]> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new StoreReadError(dir, 'not a directory');
    return (await readdir(dir)).filter((n) => EVENT_FILE_PATTERN.test(n)).sort();
  } catch (e) {
    if (e instanceof StoreReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new StoreReadError(dir, code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : String(e), { cause: e });
  }
}

function gapsOf(producer: string, seqs: Iterable<number>): SeqGap[] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const gaps: SeqGap[] = [];
  let expected = 1;
  for (const s of sorted) {
    if (s > expected) gaps.push({ producer, from: expected, to: s - 1 });
    expected = s + 1;
  }
  return gaps;
}

/** Reads every event file in `dir` (sorted by day) and reports on its integrity. */
export async function verifyStore(dir: string): Promise<VerifyReport> {
  const files = await listEventFiles(dir);
  const byType: Record<string, number> = {};
  const seqs = new Map<string, Map<number, Location>>();
  const eventIds = new Map<string, Location>();
  const duplicateEventIds: Duplicate[] = [];
  const duplicateSeqs: Duplicate[] = [];
  const violations: Violation[] = [];
  const tornLines: { file: string; line: number }[] = [];
  let records = 0;
  let valid = 0;
  let correlated = 0;

  for (const name of files) {
    const path = join(dir, name);
    try {
      for await (const { text, line, terminated } of fileLines(path)) {
        if (text.trim().length === 0) {
          if (terminated) violations.push({ file: name, line, reason: 'empty line' });
          continue;
        }
        const parsed = parseJson(text);
        if (!parsed.ok && !terminated) {
          tornLines.push({ file: name, line });
          continue;
        }
        records += 1;
        if (!parsed.ok) {
          violations.push({ file: name, line, reason: 'malformed JSON' });
          continue;
        }
        const v = parsed.value as Record<string, unknown> | null;
        if (typeof v === 'object' && v !== null && typeof v['correlationId'] === 'string' && v['correlationId'] !== '') correlated += 1;
        const issues = envelopeIssues(v);
        if (issues.length > 0) {
          violations.push({ file: name, line, reason: issues.map((i) => `${i.path}: ${i.message}`).join('; ') });
          continue;
        }
        const e = v as { eventId: string; producer: string; seq: number; type: string };
        const loc = `${name}:${line}`;
        valid += 1;
        byType[e.type] = (byType[e.type] ?? 0) + 1;
        const seenId = eventIds.get(e.eventId);
        if (seenId === undefined) eventIds.set(e.eventId, loc);
        else duplicateEventIds.push({ key: e.eventId, first: seenId, again: loc });
        const perProducer = seqs.get(e.producer) ?? new Map<number, Location>();
        seqs.set(e.producer, perProducer);
        const seenSeq = perProducer.get(e.seq);
        if (seenSeq === undefined) perProducer.set(e.seq, loc);
        else duplicateSeqs.push({ key: `${e.producer}#${e.seq}`, first: seenSeq, again: loc });
      }
    } catch (e) {
      throw new StoreReadError(path, e instanceof Error ? e.message : String(e), { cause: e });
    }
  }

  const producers: Record<string, { events: number; maxSeq: number }> = {};
  const gaps: SeqGap[] = [];
  for (const [producer, m] of [...seqs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let maxSeq = 0;
    for (const s of m.keys()) if (s > maxSeq) maxSeq = s;
    producers[producer] = { events: m.size, maxSeq };
    gaps.push(...gapsOf(producer, m.keys()));
  }
  const missingSeqs = gaps.reduce((n, g) => n + g.to - g.from + 1, 0);
  return {
    dir, files, records, validEvents: valid, byType, producers, gaps, missingSeqs,
    duplicateEventIds, duplicateSeqs, violations, tornLines,
    correlationCoverage: records === 0 ? 1 : correlated / records,
    clean: gaps.length === 0 && duplicateEventIds.length === 0 && duplicateSeqs.length === 0 && violations.length === 0,
  };
}
