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

/*
 * Fast path. `parseEnvelope` runs for every appended event (the JetStream publisher, the JSONL
 * writer), which puts it on the kill-switch latency path; zod costs microseconds per event warm
 * and milliseconds on the first call. `isValidEnvelope` is a hand-written predicate accepting
 * exactly what `envelopeSchema` accepts, run first; zod runs only when it says no, to produce the
 * detailed issue list (and to have the last word: if zod accepts what the fast check refused,
 * the event is valid). So speed depends on the fast check, correctness only on it never
 * accepting what zod rejects — envelope-schema.test.ts checks the two agree, property-based.
 *
 * zod 4 semantics matched here (node_modules/zod/v4/core/schemas.js):
 * - the envelope (strictObject) needs only a non-null non-array object (class instances and
 *   objects with a null prototype pass); fields are read as `input[key]` and must be `in` it, so
 *   inherited ones count; extra keys are those `for...in` yields (own and inherited enumerable
 *   string keys, undefined values included; symbols and non-enumerable keys are not seen);
 * - the payload (z.record) needs zod's `isPlainObject`; its keys are the own enumerable ones
 *   (`Reflect.ownKeys`), an enumerable symbol key fails, an own `__proto__` key is skipped
 *   unvalidated, inherited keys are ignored;
 * - z.json(): strings, finite numbers (no NaN/±Infinity; -0 is fine), booleans, null, arrays
 *   (every index 0..length-1 read, so holes fail as undefined; extra array props ignored) and
 *   records as above, recursively;
 * - `.int()` is the safeint format; `.min(1)` on a string counts code points, which for a
 *   minimum of 1 is the same as `length >= 1`.
 */

const ENVELOPE_KEY_LIST: readonly string[] = [
  'schemaVersion',
  'eventId',
  'seq',
  'ts',
  'producer',
  'botId',
  'correlationId',
  'causationId',
  'traceId',
  'type',
  'payload',
];
const ENVELOPE_KEYS: ReadonlySet<string> = new Set(ENVELOPE_KEY_LIST);

const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNullableNonEmptyString = (v: unknown): boolean => v === null || (typeof v === 'string' && v.length > 0);

/** zod's `util.isPlainObject`, verbatim in behaviour. */
function isPlainObject(o: unknown): o is Record<PropertyKey, unknown> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const ctor: unknown = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined) return true;
  if (typeof ctor !== 'function') return true;
  const prot: unknown = (ctor as { prototype?: unknown }).prototype;
  if (typeof prot !== 'object' || prot === null || Array.isArray(prot)) return false;
  return Object.prototype.hasOwnProperty.call(prot, 'isPrototypeOf');
}

/**
 * `z.record(z.string(), z.json())`. zod walks `Reflect.ownKeys` keeping the enumerable ones; that
 * is `Object.keys` (cheaper) plus the enumerable symbols, any of which fails the string key.
 */
function isJsonRecord(o: unknown): boolean {
  if (!isPlainObject(o)) return false;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key === '__proto__') continue;
    if (!isJsonValue(o[key])) return false;
  }
  const symbols = Object.getOwnPropertySymbols(o);
  for (let i = 0; i < symbols.length; i++) {
    if (Object.prototype.propertyIsEnumerable.call(o, symbols[i] as symbol)) return false;
  }
  return true;
}

/** `z.json()`. */
function isJsonValue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (v === null) return true;
      if (Array.isArray(v)) {
        const a = v as readonly unknown[];
        for (let i = 0; i < a.length; i++) if (!isJsonValue(a[i])) return false;
        return true;
      }
      return isJsonRecord(v);
    }
    default:
      return false;
  }
}

/** True iff `envelopeSchema.safeParse(value).success`, without zod (see the comment above). */
export function isValidEnvelope(value: unknown): value is EventEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  const seq = v['seq'];
  const ts = v['ts'];
  const type = v['type'];
  if (
    !(
      v['schemaVersion'] === ENVELOPE_SCHEMA_VERSION &&
      isNonEmptyString(v['eventId']) &&
      Number.isSafeInteger(seq) &&
      (seq as number) >= 1 &&
      Number.isSafeInteger(ts) &&
      (ts as number) >= 0 &&
      isNonEmptyString(v['producer']) &&
      isNullableNonEmptyString(v['botId']) &&
      isNonEmptyString(v['correlationId']) &&
      isNullableNonEmptyString(v['causationId']) &&
      isNullableNonEmptyString(v['traceId']) &&
      typeof type === 'string' &&
      EVENT_TYPE_PATTERN.test(type) &&
      isJsonRecord(v['payload'])
    )
  ) {
    return false;
  }
  // Every field has a defined value by now, so `in` only matters for exotic objects (proxies);
  // zod asks it, so we do too. Then strictness: no other key that `for...in` sees.
  if (
    !(
      'schemaVersion' in v &&
      'eventId' in v &&
      'seq' in v &&
      'ts' in v &&
      'producer' in v &&
      'botId' in v &&
      'correlationId' in v &&
      'causationId' in v &&
      'traceId' in v &&
      'type' in v &&
      'payload' in v
    )
  ) {
    return false;
  }
  for (const key in v) if (!ENVELOPE_KEYS.has(key)) return false;
  return true;
}

/** Checks `value` against the envelope schema; returns the issues (empty = valid). */
export function envelopeIssues(value: unknown): EnvelopeIssue[] {
  let fast = false;
  try {
    fast = isValidEnvelope(value);
  } catch {
    // whatever made the fast check throw (a throwing getter, a cyclic payload), zod decides
  }
  if (fast) return [];
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
