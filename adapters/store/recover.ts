/**
 * Where each producer left off in an existing store: the highest `seq` per producer over every
 * event file in `dir`, so a new session appends without reusing a sequence number (which
 * `desk events verify` would report as a duplicate). Unparseable lines — a torn last line after
 * a crash — are skipped; a missing directory is an empty store.
 */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SeqState } from '../../domain/events/envelope.ts';

const EVENT_FILE = /^events-\d{4}-\d{2}-\d{2}\.jsonl$/;

async function eventFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => EVENT_FILE.test(n)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

function producerSeq(line: string): { producer: string; seq: number } | null {
  try {
    const v = JSON.parse(line) as unknown;
    if (typeof v !== 'object' || v === null) return null;
    const { producer, seq } = v as { producer?: unknown; seq?: unknown };
    return typeof producer === 'string' && typeof seq === 'number' && Number.isSafeInteger(seq) ? { producer, seq } : null;
  } catch {
    return null;
  }
}

/** The last seq of every producer found in `dir`'s event files. */
export async function recoverSeqState(dir: string): Promise<SeqState> {
  const last: Record<string, number> = {};
  for (const name of await eventFiles(dir)) {
    const lines = createInterface({ input: createReadStream(join(dir, name), 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      const ps = producerSeq(line);
      if (ps !== null && ps.seq > (last[ps.producer] ?? 0)) last[ps.producer] = ps.seq;
    }
  }
  return last;
}
