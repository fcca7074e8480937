import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolError } from './errors.ts';
import { eventMaker } from './jetstream.fixtures.ts';
import { openSpool, segmentFileName } from './spool.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-spool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('spool', () => {
  it('appends fsynced lines to the current segment; seal starts a new one; release deletes', async () => {
    const make = eventMaker('s');
    const s = await openSpool(dir);
    expect(s.recovered).toEqual([]);
    const a = s.append([make('p', 'order.filled'), make('p', 'order.filled')]);
    const b = s.append([make('p', 'order.filled')]);
    expect(a.segment).toBe(1);
    expect(b.segment).toBe(1);
    await b.written;
    s.seal();
    const c = s.append([make('q', 'order.filled')]);
    expect(c.segment).toBe(2);
    await c.written;
    expect(await readdir(dir)).toEqual([segmentFileName(1), segmentFileName(2)]);
    expect((await readFile(join(dir, segmentFileName(1)), 'utf8')).split('\n')).toHaveLength(4);
    await s.release(1);
    expect(await readdir(dir)).toEqual([segmentFileName(2)]);
    await s.close();
  });

  it('a reopened spool returns what was left, in order, skipping a torn last line, and continues numbering', async () => {
    const make = eventMaker('r');
    const events = [make('p', 'order.filled'), make('p', 'command.applied'), make('q', 'order.filled')];
    const s = await openSpool(dir);
    await s.append(events.slice(0, 2)).written;
    s.seal();
    await s.append(events.slice(2)).written;
    await s.close();
    await appendFile(join(dir, segmentFileName(2)), '{"eventId":"torn');
    const again = await openSpool(dir);
    expect(again.recovered.map((r) => [r.segment, r.events.map((e) => e.eventId), r.tornTail])).toEqual([
      [1, events.slice(0, 2).map((e) => e.eventId), false],
      [2, [events[2]?.eventId], true],
    ]);
    expect(again.append([make('p', 'order.filled')]).segment).toBe(3);
    await again.close();
  });

  it('a corrupt line before the end is an error, not silently dropped', async () => {
    await appendFile(join(dir, segmentFileName(1)), 'garbage\n{}\n');
    await expect(openSpool(dir)).rejects.toThrow(SpoolError);
  });
});
