/** Helpers of the live-desk integration tests: reading a JSONL event store, waiting on a condition, temp var dirs. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Envelope {
  readonly type: string;
  readonly botId?: string;
  readonly payload: Record<string, unknown>;
}

/** Every event of the `*.jsonl` files in `dir`, in file (day) order; none when the dir does not exist yet. */
export async function readEventsDir(dir: string): Promise<Envelope[]> {
  const out: Envelope[] = [];
  for (const f of (await readdir(dir).catch(() => [] as string[])).filter((x) => x.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) if (line !== '') out.push(JSON.parse(line) as Envelope);
  }
  return out;
}

/** The events a desk wrote under `<varDir>/events`. */
export function events(varDir: string): Promise<Envelope[]> {
  return readEventsDir(join(varDir, 'events'));
}

/** Polls `cond` every 100 ms; true once it holds, false after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** A temp dir named `<prefix>…`, removed by the cleanup it registers. */
export async function tempVarDir(prefix: string, cleanups: (() => Promise<void>)[]): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}
