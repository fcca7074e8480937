/**
 * The data layer's only file I/O: reading data files (gzip detected by its magic bytes, not the
 * name; an events directory expanded to its day files) and the OHLCV cache's reads and writes.
 * Everything else in backtest/data is pure over the bytes and text read here.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { EVENT_FILE_PATTERN } from '../../adapters/store/verify.ts';
import { DataReadError } from './errors.ts';

const gunzipAsync = promisify(gunzip);

/** One input file: its raw bytes (what the content hash covers) and its decoded text. */
export interface SourceFile {
  /** The path as given, or `<dir>/<day file>` for a file found in an events directory. */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly text: string;
  readonly gzip: boolean;
  /** The events directory this file was found in, if it was. */
  readonly dir: string | null;
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** Whether `bytes` start with the gzip magic (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

async function readOne(path: string, dir: string | null): Promise<SourceFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DataReadError(path, `cannot read: ${describe(e)}`, { cause: e });
  }
  const gzip = isGzip(bytes);
  let text: string;
  try {
    text = (gzip ? await gunzipAsync(bytes) : bytes).toString('utf8');
  } catch (e) {
    throw new DataReadError(path, `corrupt or truncated gzip: ${describe(e)}`, { cause: e });
  }
  return { path, bytes, text, gzip, dir };
}

/**
 * Reads `paths` in order. A directory stands for the desk event store's day files in it
 * (`events-YYYY-MM-DD.jsonl`, by day); a directory with none is a {@link DataReadError}.
 */
export async function readSources(paths: readonly string[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (e) {
      throw new DataReadError(p, `cannot read: ${describe(e)}`, { cause: e });
    }
    if (!isDir) {
      out.push(await readOne(p, null));
      continue;
    }
    const names = (await readdir(p)).filter((n) => EVENT_FILE_PATTERN.test(n)).sort();
    if (names.length === 0) throw new DataReadError(p, 'a directory, but no desk event files (events-YYYY-MM-DD.jsonl) in it');
    for (const n of names) out.push(await readOne(join(p, n), p));
  }
  return out;
}

/** The file's bytes, or null if it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataReadError(path, `cannot read: ${describe(e)}`, { cause: e });
  }
}

/** Writes `data` to `path` through a temporary file and a rename, so a crash leaves no half file. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
