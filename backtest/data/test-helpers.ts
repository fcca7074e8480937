/** Shared by the data layer's tests: temporary files. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly dir: string;
  /** Writes `name` in the temp dir and returns its path. */
  file(name: string, content: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'desk-bt-data-'));
  return {
    dir,
    file: async (name, content) => {
      const p = join(dir, name);
      await writeFile(p, content);
      return p;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A CSV of 1-minute bars opening at `t0 + i·60 s` (close = open + i, high/low around them). */
export function csvBars(t0: number, count: number, mutate?: (row: string[], i: number) => string[] | null): string {
  const rows = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < count; i++) {
    const o = 100 + i;
    const row = [String(t0 + i * 60_000), String(o), String(o + 2), String(o - 1), String(o + 1), '10'];
    const r = mutate === undefined ? row : mutate(row, i);
    if (r !== null) rows.push(r.join(','));
  }
  return `${rows.join('\n')}\n`;
}
