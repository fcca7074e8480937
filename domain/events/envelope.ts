/**
 * The event envelope every stored or published event carries (architecture.md, "Contracts"),
 * and a pure factory that stamps the per-producer sequence number. Ids and timestamps come in
 * as arguments: the domain reads no clock and draws no randomness.
 */
import type { BotId, EventId } from '../ids.ts';

/** The envelope schema this code writes and reads. */
export const ENVELOPE_SCHEMA_VERSION = 1 as const;

/** Event types are dotted lowercase: `order.filled`, `cmd.pause`, `risk.limit.breached`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** A JSON value, as the payload of an event may hold it. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export interface EventEnvelope<P extends JsonObject = JsonObject> {
  readonly schemaVersion: typeof ENVELOPE_SCHEMA_VERSION;
  readonly eventId: EventId;
  /** Per-producer sequence number, starting at 1, without gaps. */
  readonly seq: number;
  /** Epoch milliseconds. */
  readonly ts: number;
  readonly producer: string;
  readonly botId: BotId | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceId: string | null;
  readonly type: string;
  readonly payload: P;
}

/** What a caller supplies for one event; the factory adds schemaVersion, producer and seq. */
export interface EventDraft<P extends JsonObject = JsonObject> {
  readonly eventId: EventId;
  readonly ts: number;
  readonly type: string;
  readonly payload: P;
  readonly correlationId: string;
  readonly botId?: BotId | null;
  readonly causationId?: string | null;
  readonly traceId?: string | null;
}

/** Per-producer sequence state: the last seq stamped for each producer (absent = none yet). */
export type SeqState = Readonly<Record<string, number>>;

export const INITIAL_SEQ_STATE: SeqState = Object.freeze({});

/**
 * Stamps `draft` as the next event of `producer`. Pure: returns the envelope and the next
 * sequence state; the caller keeps the state (an actor, a writer) and injects ids and time.
 * Throws a RangeError naming the field for a draft that could never be a valid envelope.
 */
export function stampEvent<P extends JsonObject>(
  state: SeqState,
  producer: string,
  draft: EventDraft<P>,
): { readonly event: EventEnvelope<P>; readonly state: SeqState } {
  if (producer.length === 0) throw new RangeError('producer: expected a non-empty string');
  if (!EVENT_TYPE_PATTERN.test(draft.type)) throw new RangeError(`type: ${JSON.stringify(draft.type)} is not dotted lowercase (e.g. order.filled)`);
  if (!Number.isSafeInteger(draft.ts) || draft.ts < 0) throw new RangeError(`ts: ${draft.ts} is not epoch milliseconds`);
  if (draft.correlationId.length === 0) throw new RangeError('correlationId: expected a non-empty string');
  const seq = (state[producer] ?? 0) + 1;
  const event: EventEnvelope<P> = {
    schemaVersion: ENVELOPE_SCHEMA_VERSION,
    eventId: draft.eventId,
    seq,
    ts: draft.ts,
    producer,
    botId: draft.botId ?? null,
    correlationId: draft.correlationId,
    causationId: draft.causationId ?? null,
    traceId: draft.traceId ?? null,
    type: draft.type,
    payload: draft.payload,
  };
  return { event, state: { ...state, [producer]: seq } };
}

/**
 * A stateful convenience over `stampEvent` for one process: keeps the per-producer state in a
 * closure. Still deterministic — ids and timestamps are in the drafts.
 */
export function createEnvelopeFactory(initial: SeqState = INITIAL_SEQ_STATE): {
  readonly stamp: <P extends JsonObject>(producer: string, draft: EventDraft<P>) => EventEnvelope<P>;
  readonly state: () => SeqState;
} {
  let state = initial;
  return {
    stamp: (producer, draft) => {
      const r = stampEvent(state, producer, draft);
      state = r.state;
      return r.event;
    },
    state: () => state,
  };
}
