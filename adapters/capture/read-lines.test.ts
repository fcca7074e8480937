import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureReadError } from './errors.ts';
import { isGzipFile, readLineBatches, readLines, type SourceLine } from './read-lines.ts';

let dir = '';
const at = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-read-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function all(files: string[]): Promise<SourceLine[]> {
  const out: SourceLine[] = [];
  for await (const l of readLines(files)) out.push(l);
  return out;
}

/** Collects what was read before the reader failed, and the failure. */
async function untilError(files: string[]): Promise<{ lines: SourceLine[]; error: unknown }> {
  const lines: SourceLine[] = [];
  try {
    for await (const l of readLines(files)) lines.push(l);
  } catch (error) {
    return { lines, error };
  }
  return { lines, error: undefined };
}

describe('readLines: plain and gzip', () => {
  it('numbers the lines of a plain file from 1; CRLF and a final line without newline are handled', async () => {
    await writeFile(at('a.txt'), 'one\r\ntwo\n\nfour');
    expect(await all([at('a.txt')])).toEqual([
      { file: at('a.txt'), line: 1, text: 'one' },
      { file: at('a.txt'), line: 2, text: 'two' },
      { file: at('a.txt'), line: 3, text: '' },
      { file: at('a.txt'), line: 4, text: 'four' },
    ]);
  });

  it('a trailing newline does not produce an extra empty line; an empty file has no lines', async () => {
    await writeFile(at('b.txt'), 'x\ny\n');
    await writeFile(at('empty.txt'), '');
    expect((await all([at('b.txt')])).map((l) => l.text)).toEqual(['x', 'y']);
    expect(await all([at('empty.txt')])).toEqual([]);
  });

  it('detects gzip by its magic bytes, not by the file name', async () => {
    await writeFile(at('zipped.txt'), gzipSync('g1\ng2\n'));
    await writeFile(at('plain.gz'), 'p1\np2\n');
    expect((await all([at('zipped.txt')])).map((l) => l.text)).toEqual(['g1', 'g2']);
    expect((await all([at('plain.gz')])).map((l) => l.text)).toEqual(['p1', 'p2']);
    expect(await isGzipFile(at('zipped.txt'))).toBe(true);
    expect(await isGzipFile(at('plain.gz'))).toBe(false);
    await writeFile(at('one-byte'), Buffer.from([0x1f]));
    expect(await isGzipFile(at('one-byte'))).toBe(false);
  });

  it('reads several files as one stream, each line tagged with its own file and line', async () => {
    await writeFile(at('p1.gz'), gzipSync('a\nb\n'));
    await writeFile(at('p2.txt'), 'c\n');
    await writeFile(at('p3.gz'), gzipSync('d'));
    expect((await all([at('p1.gz'), at('p2.txt'), at('p3.gz')])).map((l) => `${l.file.slice(dir.length + 1)}:${l.line}:${l.text}`)).toEqual([
      'p1.gz:1:a', 'p1.gz:2:b', 'p2.txt:1:c', 'p3.gz:1:d',
    ]);
  });

  it('reassembles lines split across decoded chunks (multi-megabyte input, plain and gzip)', async () => {
    const lines = Array.from({ length: 120_000 }, (_, i) => `${i} ${'x'.repeat(i % 97)}`);
    const text = `${lines.join('\r\n')}\r\n`;
    await writeFile(at('big.txt'), text);
    await writeFile(at('big.gz'), gzipSync(text));
    for (const f of ['big.txt', 'big.gz']) {
      const got = await all([at(f)]);
      expect(got).toHaveLength(lines.length);
      expect(got.every((l, i) => l.text === lines[i] && l.line === i + 1)).toBe(true);
    }
    // Batches: consecutive, each lines[i] is line firstLine + i.
    let next = 1;
    for await (const b of readLineBatches([at('big.gz')])) {
      expect(b.firstLine).toBe(next);
      next += b.lines.length;
    }
    expect(next).toBe(lines.length + 1);
  });
});

describe('readLines: errors name the file and the last complete line', () => {
  it('a missing file', async () => {
    const { lines, error } = await untilError([at('nope.gz')]);
    expect(lines).toEqual([]);
    expect(error).toBeInstanceOf(CaptureReadError);
    expect(error).toMatchObject({ file: at('nope.gz'), line: 0, message: `${at('nope.gz')}: cannot read: no such file` });
  });

  it('a missing second file fails after the first was read', async () => {
    await writeFile(at('ok.txt'), 'a\n');
    const { lines, error } = await untilError([at('ok.txt'), at('gone.txt')]);
    expect(lines.map((l) => l.text)).toEqual(['a']);
    expect(error).toMatchObject({ name: 'CaptureReadError', file: at('gone.txt') });
  });

  it('a directory', async () => {
    await mkdir(at('sub'));
    const { error } = await untilError([at('sub')]);
    expect(error).toBeInstanceOf(CaptureReadError);
    expect((error as Error).message).toContain(at('sub'));
  });

  it('a truncated gzip: every line before the cut is whole, then a CaptureReadError with the line', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'y'.repeat(i % 50)} ${(i * 7919) % 10007}`);
    const gz = gzipSync(`${lines.join('\n')}\n`);
    await writeFile(at('cut.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const { lines: got, error } = await untilError([at('cut.gz')]);
    expect(error).toBeInstanceOf(CaptureReadError);
    const e = error as CaptureReadError;
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(lines.length);
    expect(got.every((l, i) => l.text === lines[i])).toBe(true);
    expect(e.file).toBe(at('cut.gz'));
    expect(e.line).toBe(got.length);
    expect(e.message).toBe(`${at('cut.gz')}: truncated or corrupt gzip after line ${got.length}: unexpected end of file`);
  });

  it('a corrupt gzip body', async () => {
    const gz = gzipSync('a\nb\nc\n');
    gz.fill(0x41, 10, gz.length - 8);
    await writeFile(at('bad.gz'), gz);
    const { lines, error } = await untilError([at('bad.gz')]);
    expect(lines).toEqual([]);
    expect(error).toBeInstanceOf(CaptureReadError);
    expect((error as Error).message).toMatch(new RegExp(`^${at('bad.gz')}: truncated or corrupt gzip after line 0: `));
  });
});
