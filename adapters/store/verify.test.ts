import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEnvelopeFactory, type EventEnvelope } from '../../domain/events/index.ts';
import { eventId } from '../../domain/ids.ts';
import { StoreReadError } from './errors.ts';
import { createJsonlWriter, type FlushTimer } from './jsonl-writer.ts';
import { verifyStore } from './verify.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const noTimer: FlushTimer = { set: () => 0, clear: () => undefined };

/** `n` valid events of one producer, seq 1..n. */
function events(n: number, producer = 'bot-a', correlated = true): EventEnvelope[] {
  const f = createEnvelopeFactory();
  return Array.from({ length: n }, (_, i) =>
    f.stamp(producer, { eventId: eventId(`${producer}-${i + 1}`), ts: T0 + i, type: i % 2 === 0 ? 'order.new' : 'order.filled', payload: { i }, correlationId: correlated ? `c${i}` : 'x' }),
  );
}
const jsonl = (es: readonly unknown[]): string => es.map((e) => `${JSON.stringify(e)}\n`).join('');

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-store-verify-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const FILE = 'events-2026-01-01.jsonl';

describe('verifyStore', () => {
  it('a clean store: counts by type and producer, no problems, full correlation', async () => {
    await writeFile(join(dir, FILE), jsonl([...events(5), ...events(2, 'risk')]));
    await writeFile(join(dir, 'notes.txt'), 'not an event file');
    const r = await verifyStore(dir);
    expect(r).toMatchObject({
      files: [FILE], records: 7, validEvents: 7, byType: { 'order.new': 4, 'order.filled': 3 },
      producers: { 'bot-a': { events: 5, maxSeq: 5 }, risk: { events: 2, maxSeq: 2 } },
      gaps: [], missingSeqs: 0, duplicateEventIds: [], duplicateSeqs: [], violations: [], tornLines: [], correlationCoverage: 1, clean: true,
    });
  });

  it('an empty directory is clean', async () => {
    expect(await verifyStore(dir)).toMatchObject({ files: [], records: 0, clean: true, correlationCoverage: 1 });
  });

  it('finds a seq gap, including one at the start', async () => {
    const es = events(6);
    await writeFile(join(dir, FILE), jsonl([...es.slice(1, 2), ...es.slice(4)]));
    const r = await verifyStore(dir);
    expect(r.gaps).toEqual([{ producer: 'bot-a', from: 1, to: 1 }, { producer: 'bot-a', from: 3, to: 4 }]);
    expect(r.missingSeqs).toBe(3);
    expect(r.clean).toBe(false);
  });

  it('finds duplicates by eventId and by (producer, seq) with both locations', async () => {
    const es = events(3);
    await writeFile(join(dir, FILE), jsonl([...es, es[1], { ...es[2], eventId: 'other' }]));
    const r = await verifyStore(dir);
    expect(r.duplicateEventIds).toEqual([{ key: 'bot-a-2', first: `${FILE}:2`, again: `${FILE}:4` }]);
    expect(r.duplicateSeqs).toEqual([
      { key: 'bot-a#2', first: `${FILE}:2`, again: `${FILE}:4` },
      { key: 'bot-a#3', first: `${FILE}:3`, again: `${FILE}:5` },
    ]);
    expect(r.clean).toBe(false);
  });

  it('reports schema violations with file:line; they count against correlation coverage', async () => {
    const es = events(3);
    const { correlationId: _c, ...noCorr } = es[2] as EventEnvelope;
    await writeFile(join(dir, FILE), `${jsonl([es[0], { ...es[1], type: 'Bad' }, noCorr])}{not json\n`);
    const r = await verifyStore(dir);
    expect(r.violations).toEqual([
      { file: FILE, line: 2, reason: 'type: must be dotted lowercase (e.g. order.filled)' },
      { file: FILE, line: 3, reason: expect.stringMatching(/^correlationId: /) as unknown },
      { file: FILE, line: 4, reason: 'malformed JSON' },
    ]);
    expect(r.records).toBe(4);
    expect(r.correlationCoverage).toBe(0.5);
    expect(r.clean).toBe(false);
  });

  it('a torn last line is reported but not a violation', async () => {
    const es = events(3);
    await writeFile(join(dir, FILE), `${jsonl(es.slice(0, 2))}${JSON.stringify(es[2]).slice(0, 40)}`);
    const r = await verifyStore(dir);
    expect(r.tornLines).toEqual([{ file: FILE, line: 3 }]);
    expect(r).toMatchObject({ records: 2, violations: [], gaps: [], clean: true });
  });

  it('a missing directory is a StoreReadError', async () => {
    await expect(verifyStore(join(dir, 'nope'))).rejects.toThrow(StoreReadError);
    await expect(verifyStore(join(dir, 'nope'))).rejects.toThrow(/no such directory$/);
    await writeFile(join(dir, 'f'), '');
    await expect(verifyStore(join(dir, 'f'))).rejects.toThrow(/not a directory$/);
  });
});

describe('writer → verifier (property)', () => {
  const TYPES = ['order.new', 'order.filled', 'risk.limit.breached', 'cmd.pause'] as const;
  const draft = fc.record({
    producer: fc.constantFrom('bot-a', 'bot-b', 'risk'),
    type: fc.constantFrom(...TYPES),
    // Spread over three UTC days so rollover is exercised.
    dt: fc.integer({ min: 0, max: 3 * 86_400_000 }),
    payload: fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
  });

  it('any sequence of valid events, written then verified: no gaps or dupes, same counts by type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(draft, { maxLength: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 3 }), async (drafts, flushEvery, writers) => {
        const sub = await mkdtemp(join(dir, 'p-'));
        const f = createEnvelopeFactory();
        const expected: Record<string, number> = {};
        // Split the stream over several writer lifetimes: reopening must lose nothing.
        const per = Math.ceil(drafts.length / writers);
        for (let w = 0; w < writers; w++) {
          const writer = createJsonlWriter({ dir: sub, flushEvery, timer: noTimer });
          drafts.slice(w * per, (w + 1) * per).forEach((d, i) => {
            writer.append(f.stamp(d.producer, { eventId: eventId(`e${w}-${i}`), ts: T0 + d.dt, type: d.type, payload: d.payload, correlationId: `c${i}` }));
            expected[d.type] = (expected[d.type] ?? 0) + 1;
          });
          await writer.close();
        }
        const r = await verifyStore(sub);
        expect(r.gaps).toEqual([]);
        expect(r.duplicateEventIds).toEqual([]);
        expect(r.duplicateSeqs).toEqual([]);
        expect(r.violations).toEqual([]);
        expect(r.byType).toEqual(expected);
        expect(r.validEvents).toBe(drafts.length);
        expect(r.clean).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

