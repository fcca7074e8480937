import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import { createEventLog } from './event-log.ts';

function collecting(initial?: Record<string, number>) {
  const events: EventEnvelope[] = [];
  const log = createEventLog({ append: (e) => events.push(e) }, initial);
  return { events, log };
}

const input = (ts = 1_000, type = 'bot.tick') => ({ type, ts, payload: { n: 1 } });

describe('createEventLog', () => {
  it('stamps ids `<producer>:<seq>` with a sequence per producer, and appends every event to the target', () => {
    const { events, log } = collecting();
    const a1 = log.append('bot.a', input());
    const b1 = log.append('bot.b', input());
    const a2 = log.append('bot.a', input());
    expect([a1.eventId, b1.eventId, a2.eventId]).toEqual(['bot.a:1', 'bot.b:1', 'bot.a:2']);
    expect([a1.seq, b1.seq, a2.seq]).toEqual([1, 1, 2]);
    expect(events).toEqual([a1, b1, a2]);
    expect(log.count).toBe(3);
    expect(a2).toMatchObject({ schemaVersion: 1, producer: 'bot.a', ts: 1_000, type: 'bot.tick', payload: { n: 1 }, botId: null, causationId: null, traceId: null });
  });

  it('continues each producer from an initial SeqState; other producers start at 1', () => {
    const { log } = collecting({ 'bot.a': 41, desk: 7 });
    expect(log.append('bot.a', input()).eventId).toBe('bot.a:42');
    expect(log.append('desk', input()).eventId).toBe('desk:8');
    expect(log.append('bot.new', input()).eventId).toBe('bot.new:1');
    expect(log.count).toBe(3); // events of this log only
  });

  it('correlation defaults to the event\'s own id; given chain ids and botId are kept', () => {
    const { log } = collecting();
    const root = log.append('bot.a', input());
    expect(root.correlationId).toBe(root.eventId);
    expect(root.causationId).toBeNull();
    const child = log.append('bot.a', { ...input(2_000, 'order.acked'), botId: 'a', correlationId: root.eventId, causationId: root.eventId, traceId: 't-1' });
    expect(child).toMatchObject({ correlationId: 'bot.a:1', causationId: 'bot.a:1', botId: 'a', traceId: 't-1', eventId: 'bot.a:2' });
  });

  it('a refused draft consumes no seq and reaches no target', () => {
    const { events, log } = collecting();
    expect(() => log.append('bot.a', input(1_000, 'NotDotted'))).toThrow(RangeError);
    expect(() => log.append('bot.a', input(-1))).toThrow(/ts/);
    expect(events).toHaveLength(0);
    expect(log.count).toBe(0);
    expect(log.append('bot.a', input()).seq).toBe(1);
  });

  it('property: for any interleaving of producers (and any starting state) seqs per producer run without gaps', () => {
    const producers = ['bot.a', 'bot.b', 'desk', 'desk.commands'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...producers), { maxLength: 200 }),
        fc.record({ 'bot.a': fc.nat(1_000), desk: fc.nat(1_000) }, { requiredKeys: [] }),
        (order, initial) => {
          const { events, log } = collecting(initial);
          for (const p of order) log.append(p, input());
          expect(events).toHaveLength(order.length);
          expect(log.count).toBe(order.length);
          for (const p of producers) {
            const mine = events.filter((e) => e.producer === p);
            const start = (initial as Record<string, number>)[p] ?? 0;
            expect(mine.map((e) => e.seq)).toEqual(mine.map((_, k) => start + k + 1));
            expect(mine.map((e) => e.eventId)).toEqual(mine.map((e) => `${p}:${e.seq}`));
          }
          expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
