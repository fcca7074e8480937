import { describe, expect, it } from 'vitest';
import { eventId } from '../ids.ts';
import { createEnvelopeFactory, INITIAL_SEQ_STATE, stampEvent } from './envelope.ts';

const draft = (n: number, type = 'order.filled') => ({ eventId: eventId(`e${n}`), ts: 1_700_000_000_000 + n, type, payload: { n }, correlationId: `c${n}` });

describe('stampEvent', () => {
  it('stamps seq per producer starting at 1, with defaults for the nullable fields', () => {
    const a1 = stampEvent(INITIAL_SEQ_STATE, 'bot-a', draft(1));
    const b1 = stampEvent(a1.state, 'bot-b', draft(2));
    const a2 = stampEvent(b1.state, 'bot-a', draft(3));
    expect([a1.event.seq, b1.event.seq, a2.event.seq]).toEqual([1, 1, 2]);
    expect(a1.event).toEqual({
      schemaVersion: 1, eventId: 'e1', seq: 1, ts: 1_700_000_000_001, producer: 'bot-a', botId: null,
      correlationId: 'c1', causationId: null, traceId: null, type: 'order.filled', payload: { n: 1 },
    });
    expect(INITIAL_SEQ_STATE).toEqual({});
  });

  it('rejects a draft that could never be valid, naming the field', () => {
    expect(() => stampEvent(INITIAL_SEQ_STATE, 'p', draft(1, 'Order.Filled'))).toThrow(/^type:/);
    expect(() => stampEvent(INITIAL_SEQ_STATE, 'p', draft(1, 'filled'))).toThrow(/^type:/);
    expect(() => stampEvent(INITIAL_SEQ_STATE, 'p', { ...draft(1), ts: 1.5 })).toThrow(/^ts:/);
    expect(() => stampEvent(INITIAL_SEQ_STATE, '', draft(1))).toThrow(/^producer:/);
    expect(() => stampEvent(INITIAL_SEQ_STATE, 'p', { ...draft(1), correlationId: '' })).toThrow(/^correlationId:/);
  });
});

describe('createEnvelopeFactory', () => {
  it('keeps the per-producer state between calls and can resume from a saved state', () => {
    const f = createEnvelopeFactory();
    f.stamp('p', draft(1));
    f.stamp('p', draft(2));
    expect(f.state()).toEqual({ p: 2 });
    const resumed = createEnvelopeFactory(f.state());
    expect(resumed.stamp('p', draft(3)).seq).toBe(3);
  });
});
