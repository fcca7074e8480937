import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverSeqState } from './recover.ts';

const line = (producer: string, seq: number): string => JSON.stringify({ schemaVersion: 1, eventId: `${producer}:${seq}`, seq, ts: 1, producer, type: 'x.y', payload: {} });

describe('recoverSeqState', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recover-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the highest seq per producer over every day file, skipping a torn last line and junk', async () => {
    await writeFile(join(dir, 'events-2024-08-08.jsonl'), [line('bot.a', 1), line('desk', 1), line('bot.a', 2), line('bot.b', 1), line('bot.a', 3)].join('\n') + '\n');
    // The next day: bot.a continues, bot.b does not appear, a torn last line (crash mid-write).
    await writeFile(join(dir, 'events-2024-08-09.jsonl'), [line('bot.a', 4), line('desk', 2), '', 'not json', '{"producer":"bot.b","seq":"9"}', '[1,2]', 'null', line('bot.a', 5), '{"schemaVersion":1,"eventId":"bot.a:6","seq":6,"pro'].join('\n'));
    expect(await recoverSeqState(dir)).toEqual({ 'bot.a': 5, desk: 2, 'bot.b': 1 });
  });

  it('takes the maximum even when files or lines are out of order; ignores files that are not day files', async () => {
    await writeFile(join(dir, 'events-2024-08-10.jsonl'), [line('bot.a', 3), line('bot.a', 1)].join('\r\n') + '\r\n');
    await writeFile(join(dir, 'events-2024-08-09.jsonl'), line('bot.a', 2) + '\n');
    await writeFile(join(dir, 'events-2024-08-11.jsonl.tmp'), line('bot.a', 99) + '\n');
    await writeFile(join(dir, 'other.jsonl'), line('bot.z', 50) + '\n');
    expect(await recoverSeqState(dir)).toEqual({ 'bot.a': 3 });
  });

  it('an empty directory and a missing directory are an empty store', async () => {
    expect(await recoverSeqState(dir)).toEqual({});
    expect(await recoverSeqState(join(dir, 'does-not-exist'))).toEqual({});
  });

  it('a path that is not a directory is an error, not an empty store', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'x');
    await expect(recoverSeqState(file)).rejects.toThrow();
  });
});
