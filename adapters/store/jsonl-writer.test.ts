import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnvelopeFactory } from '../../domain/events/index.ts';
import { eventId } from '../../domain/ids.ts';
import { EnvelopeValidationError } from './errors.ts';
import { createJsonlWriter, type FlushTimer } from './jsonl-writer.ts';

const DAY1 = Date.UTC(2026, 0, 1, 23, 59, 0);
const DAY2 = Date.UTC(2026, 0, 2, 0, 0, 1);

/** A timer the test fires by hand. */
function manualTimer(): FlushTimer & { fire(): void; armed: () => boolean } {
  let fn: (() => void) | undefined;
  return {
    set: (f) => ((fn = f), 1),
    clear: () => (fn = undefined),
    fire: () => {
      const f = fn;
      fn = undefined;
      f?.();
    },
    armed: () => fn !== undefined,
  };
}

const factory = () => {
  const f = createEnvelopeFactory();
  let n = 0;
  return (ts = DAY1, type = 'order.filled') => {
    n += 1;
    return f.stamp('bot-a', { eventId: eventId(`e${n}`), ts, type, payload: { n }, correlationId: `c${n}` });
  };
};

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-store-writer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (name: string): Promise<string[]> => (await readFile(join(dir, name), 'utf8')).split('\n').filter((l) => l !== '');
const flushed = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('createJsonlWriter', () => {
  it('flushes when flushEvery events are buffered', async () => {
    const next = factory();
    const w = createJsonlWriter({ dir, flushEvery: 3, timer: manualTimer() });
    w.append(next());
    w.append(next());
    expect(await readdir(dir)).toEqual([]);
    w.append(next());
    await flushed();
    expect(await lines('events-2026-01-01.jsonl')).toHaveLength(3);
    await w.close();
  });

  it('flushes when the interval elapses after the first buffered event', async () => {
    const next = factory();
    const timer = manualTimer();
    const w = createJsonlWriter({ dir, flushEvery: 100, flushIntervalMs: 500, timer });
    w.append(next());
    expect(timer.armed()).toBe(true);
    expect(w.pending).toBe(1);
    timer.fire();
    await flushed();
    expect(await lines('events-2026-01-01.jsonl')).toHaveLength(1);
    expect(w.pending).toBe(0);
    await w.close();
  });

  it('flushes on the real timer too', async () => {
    const next = factory();
    const w = createJsonlWriter({ dir, flushEvery: 100, flushIntervalMs: 10 });
    w.append(next());
    await new Promise((r) => setTimeout(r, 100));
    expect(await lines('events-2026-01-01.jsonl')).toHaveLength(1);
    await w.close();
  });

  it('close() flushes what is buffered; appending after close throws', async () => {
    const next = factory();
    const w = createJsonlWriter({ dir, flushEvery: 100, timer: manualTimer() });
    w.append(next());
    w.append(next());
    await w.close();
    const got = (await lines('events-2026-01-01.jsonl')).map((l) => JSON.parse(l) as { seq: number });
    expect(got.map((e) => e.seq)).toEqual([1, 2]);
    expect(() => w.append(next())).toThrow(/append after close/);
  });

  it('rolls over to a second file at the UTC day boundary (day from the event ts)', async () => {
    const next = factory();
    const w = createJsonlWriter({ dir, flushEvery: 100, timer: manualTimer() });
    w.append(next(DAY1));
    w.append(next(DAY2));
    w.append(next(DAY2));
    await w.close();
    expect((await readdir(dir)).sort()).toEqual(['events-2026-01-01.jsonl', 'events-2026-01-02.jsonl']);
    expect(await lines('events-2026-01-01.jsonl')).toHaveLength(1);
    expect(await lines('events-2026-01-02.jsonl')).toHaveLength(2);
  });

  it('appends across writers: reopening keeps everything already written', async () => {
    const next = factory();
    const a = createJsonlWriter({ dir, flushEvery: 100, timer: manualTimer() });
    a.append(next());
    a.append(next());
    await a.close();
    const before = await readFile(join(dir, 'events-2026-01-01.jsonl'), 'utf8');
    const b = createJsonlWriter({ dir, flushEvery: 100, timer: manualTimer() });
    b.append(next());
    await b.close();
    const after = await readFile(join(dir, 'events-2026-01-01.jsonl'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect((await lines('events-2026-01-01.jsonl')).map((l) => (JSON.parse(l) as { eventId: string }).eventId)).toEqual(['e1', 'e2', 'e3']);
  });

  it('rejects an invalid envelope naming the field, and writes nothing', async () => {
    const next = factory();
    const w = createJsonlWriter({ dir, flushEvery: 1, timer: manualTimer() });
    const bad = { ...next(), seq: 0 };
    expect(() => w.append(bad)).toThrow(EnvelopeValidationError);
    expect(() => w.append(bad)).toThrow(/^invalid event envelope: seq: /);
    expect(() => w.append({ ...next(), type: 'OrderFilled' })).toThrow(/type: must be dotted lowercase/);
    expect(() => w.append({ ...next(), payload: { qty: undefined } })).toThrow(/payload\.qty: /);
    expect(() => w.append({ ...next(), extra: 1 })).toThrow(/extra/);
    const { correlationId: _omit, ...noCorrelation } = next();
    expect(() => w.append(noCorrelation)).toThrow(/correlationId: /);
    expect(w.pending).toBe(0);
    await w.close();
    expect(await readdir(dir)).toEqual([]);
  });
});
