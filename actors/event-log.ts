/**
 * The runtime's side of the event store: stamps drafts into envelopes (per-producer seq,
 * deterministic ids `<producer>:<seq>`) and appends them to a writer. Time, ids and order all
 * come from the caller's virtual or wall clock, so a replay with the same inputs writes the same
 * bytes. Decimal payload values must already be strings (`JsonObject`).
 */
import { type EventEnvelope, type JsonObject, type SeqState, createEnvelopeFactory } from '../domain/events/envelope.ts';
import { type BotId, eventId } from '../domain/ids.ts';

/** What a component supplies for one event. */
export interface EventInput {
  readonly type: string;
  readonly ts: number;
  readonly payload: JsonObject;
  readonly botId?: string | null;
  /** Defaults to the event's own id (the event starts a chain). */
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly traceId?: string | null;
}

/** Where stamped events go (the JSONL writer, a JetStream publisher, a test array). */
export interface EventSinkTarget {
  append(event: EventEnvelope): unknown;
}

export interface EventLog {
  /** Stamps and appends one event of `producer`; returns it (its id is the correlation for what follows). */
  append(producer: string, input: EventInput): EventEnvelope;
  /** Events appended by this log. */
  readonly count: number;
}

export function createEventLog(target: EventSinkTarget, initial: SeqState = {}): EventLog {
  const factory = createEnvelopeFactory(initial);
  let count = 0;
  return {
    append(producer, input) {
      const seq = (factory.state()[producer] ?? 0) + 1;
      const id = eventId(`${producer}:${seq}`);
      const event = factory.stamp(producer, {
        eventId: id,
        ts: input.ts,
        type: input.type,
        payload: input.payload,
        correlationId: input.correlationId ?? id,
        botId: (input.botId ?? null) as BotId | null,
        causationId: input.causationId ?? null,
        traceId: input.traceId ?? null,
      });
      target.append(event);
      count += 1;
      return event;
    },
    get count() {
      return count;
    },
  };
}
