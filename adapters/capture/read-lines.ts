/**
 * Reads one or more text files — gzip (detected by its magic bytes, not the file name) or
 * plain — as ONE continuous stream of lines, each tagged with its file and 1-based line number.
 *
 * Lines are produced in batches (one per decoded chunk) because a per-line async iterator
 * costs a promise round-trip per line; {@link readLines} flattens the batches for callers
 * that prefer one line at a time. `\r\n` endings are accepted; a final line without a newline
 * is yielded, except after a decoding error (it would be a truncated line).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CaptureReadError } from './errors.ts';

/** One line of input. */
export interface SourceLine {
  readonly file: string;
  /** 1-based line number within `file`. */
  readonly line: number;
  readonly text: string;
}

/** Consecutive lines of one file: `lines[i]` is line `firstLine + i`. */
export interface LineBatch {
  readonly file: string;
  readonly firstLine: number;
  readonly lines: readonly string[];
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EISDIR') return 'is a directory';
    if (code === 'EACCES') return 'permission denied';
    return e.message;
  }
  return String(e);
}

/** Whether `file` starts with the gzip magic bytes. Throws a CaptureReadError if it can't be opened. */
export async function isGzipFile(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
  } catch (e) {
    throw new CaptureReadError(file, 0, `${file}: cannot read: ${describe(e)}`, { cause: e });
  } finally {
    await fh?.close();
  }
}

function textStream(file: string, gzip: boolean): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!gzip) return raw.setEncoding('utf8');
  const gz = createGunzip({ chunkSize: 1 << 18 });
  // pipe() does not forward errors; a read failure must end the gunzip stream too.
  raw.on('error', (e) => gz.destroy(e));
  // …and a consumer that stops early destroys gunzip, which must release the file too.
  gz.on('close', () => raw.destroy());
  return raw.pipe(gz).setEncoding('utf8');
}

function stripCr(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 13 ? s.slice(0, -1) : s;
}

async function* fileBatches(file: string): AsyncGenerator<LineBatch> {
  const gzip = await isGzipFile(file);
  let carry = '';
  let next = 1;
  try {
    for await (const chunk of textStream(file, gzip)) {
      const parts = (carry + (chunk as string)).split('\n');
      carry = parts.pop() ?? '';
      if (parts.length === 0) continue;
      for (let i = 0; i < parts.length; i++) parts[i] = stripCr(parts[i] as string);
      const batch: LineBatch = { file, firstLine: next, lines: parts };
      next += parts.length;
      yield batch;
    }
  } catch (e) {
    const what = gzip ? 'truncated or corrupt gzip' : 'read failed';
    throw new CaptureReadError(file, next - 1, `${file}: ${what} after line ${next - 1}: ${describe(e)}`, { cause: e });
  }
  if (carry !== '') yield { file, firstLine: next, lines: [stripCr(carry)] };
}

/** Lines of all `files`, in order, as batches. Errors are {@link CaptureReadError}s naming the file and line. */
export async function* readLineBatches(files: readonly string[]): AsyncGenerator<LineBatch> {
  for (const file of files) yield* fileBatches(file);
}

/** Lines of all `files`, in order, one at a time. */
export async function* readLines(files: readonly string[]): AsyncGenerator<SourceLine> {
  for await (const batch of readLineBatches(files)) {
    for (let i = 0; i < batch.lines.length; i++) yield { file: batch.file, line: batch.firstLine + i, text: batch.lines[i] as string };
  }
}
