/**
 * The zod schema of the stored event envelope (domain/events/envelope.ts is the type). Lives in
 * the adapter because domain/ may import only decimal.js.
 */
import { z } from 'zod';
import { ENVELOPE_SCHEMA_VERSION, EVENT_TYPE_PATTERN, type EventEnvelope } from '../../domain/events/index.ts';
import { type EnvelopeIssue, EnvelopeValidationError } from './errors.ts';

const nonEmpty = z.string().min(1);

export const envelopeSchema = z.strictObject({
  schemaVersion: z.literal(ENVELOPE_SCHEMA_VERSION),
  eventId: nonEmpty,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  ts: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  producer: nonEmpty,
  botId: nonEmpty.nullable(),
  correlationId: nonEmpty,
  causationId: nonEmpty.nullable(),
  traceId: nonEmpty.nullable(),
  type: z.string().regex(EVENT_TYPE_PATTERN, 'must be dotted lowercase (e.g. order.filled)'),
  payload: z.record(z.string(), z.json()),
});

/** Checks `value` against the envelope schema; returns the issues (empty = valid). */
export function envelopeIssues(value: unknown): EnvelopeIssue[] {
  const r = envelopeSchema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.length === 0 ? '(event)' : i.path.map(String).join('.'), message: i.message }));
}

/** Returns `value` as an envelope or throws an {@link EnvelopeValidationError} naming the fields. */
export function parseEnvelope(value: unknown): EventEnvelope {
  const issues = envelopeIssues(value);
  if (issues.length > 0) throw new EnvelopeValidationError(issues);
  return value as EventEnvelope;
}
