import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ENVELOPE_SCHEMA_VERSION } from '../../domain/events/index.ts';
import { envelopeIssues, envelopeSchema, isValidEnvelope, parseEnvelope } from './envelope-schema.ts';
import { EnvelopeValidationError } from './errors.ts';

const typical = () => ({
  schemaVersion: ENVELOPE_SCHEMA_VERSION,
  eventId: 'killswitch.h1:12',
  seq: 12,
  ts: 1_700_000_000_000,
  producer: 'killswitch.h1',
  botId: 'btc-1',
  correlationId: 'killswitch.h1:3',
  causationId: 'killswitch.h1:11',
  traceId: null,
  type: 'kill.cancel_attempt',
  payload: { attempt: 1, cancelled: ['a-1', 'a-2'], error: null } as Record<string, unknown>,
});

const FIELDS = [
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
] as const;

class Thing {
  constructor(readonly x = 1) {}
}
class Bag {
  [k: string]: unknown;
}

/** The one thing these tests prove: the fast check and zod agree, both ways. */
function agree(x: unknown): boolean {
  const fast = isValidEnvelope(x);
  const zod = envelopeSchema.safeParse(x).success;
  expect(fast, `isValidEnvelope vs zod for ${describeValue(x)}`).toBe(zod);
  expect(envelopeIssues(x).length === 0).toBe(zod);
  return zod;
}

function describeValue(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? `${v}n` : v));
  } catch {
    return String(x);
  }
}

// ---- generators ---------------------------------------------------------------------------

const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
const nonEmpty = fc.oneof(fc.string({ minLength: 1 }), fc.string({ minLength: 1, unit: 'binary' }));
const nullableNonEmpty = fc.oneof(fc.constant(null), nonEmpty);
const seqArb = fc.oneof(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(1, Number.MAX_SAFE_INTEGER), fc.maxSafeNat().filter((n) => n >= 1));
const tsArb = fc.oneof(fc.constantFrom(0, -0, Number.MAX_SAFE_INTEGER, 1_700_000_000_000), fc.maxSafeNat());
const typeArb = fc.oneof(fc.constantFrom('order.filled', 'kill.cancel_attempt', 'risk.limit.breached', 'a.b'), fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\.[a-z][a-z0-9_]{0,6}){1,3}$/));

/** Values no JSON schema should take, plus a few odd-but-valid ones. */
const oddLeaf: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  undefined,
  () => 1,
  Symbol('s'),
  10n,
  new Date(0),
  new Date(Number.NaN),
  new Map([['a', 1]]),
  new Set([1]),
  /re/,
  new Thing(),
  new Bag(),
  new String('boxed'),
  new Number(1),
  new Boolean(true),
  new Uint8Array(2),
  Object.create(null) as unknown,
  Object.assign(Object.create(null) as object, { a: 1 }),
  Object.assign(Object.create(null) as object, { a: Number.NaN }),
  Object.create({ inherited: Number.NaN }) as unknown,
  { constructor: 'not a function' },
  { constructor: 5, x: 'y' },
  { constructor: Object },
  { constructor: () => 1 },
  Object.defineProperty({}, 'hidden', { value: Number.NaN, enumerable: false }),
  Object.defineProperty({}, '__proto__', { value: Number.NaN, enumerable: true, configurable: true, writable: true }),
  JSON.parse('{"__proto__": {"x": 1}}') as unknown,
  { [Symbol('k')]: 1 },
  Object.defineProperty({}, Symbol('k'), { value: 1, enumerable: false }),
  // eslint-disable-next-line no-sparse-arrays
  [1, , 3],
  new Array(2),
  Object.assign([1, 2], { extra: Number.NaN }),
  [undefined],
  [[[Number.NaN]]],
  [[[1, ['x', null, true]]]],
  { a: { b: { c: [1, { d: undefined }] } } },
  { a: { b: { c: [1, { d: 'ok' }] } } },
);

/** JSON-ish values: mostly valid, sometimes with an odd leaf somewhere deep. */
const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(anyString, fc.double(), fc.integer(), fc.boolean(), fc.constant(null)),
    oddLeaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(anyString, tie('v'), { maxKeys: 4 }),
    fc.dictionary(anyString, tie('v'), { maxKeys: 3, noNullPrototype: false }),
  ),
})).v;

const payloadArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(anyString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  fc.dictionary(anyString, jsonish, { maxKeys: 4 }),
  jsonish,
  oddLeaf,
  fc.constantFrom<unknown>(null, undefined, [], [1], {}, 'x', 1),
);

type Rec = Record<string, unknown>;

const validEnvelope: fc.Arbitrary<Rec> = fc.record({
  schemaVersion: fc.constant(ENVELOPE_SCHEMA_VERSION),
  eventId: nonEmpty,
  seq: seqArb,
  ts: tsArb,
  producer: nonEmpty,
  botId: nullableNonEmpty,
  correlationId: nonEmpty,
  causationId: nullableNonEmpty,
  traceId: nullableNonEmpty,
  type: typeArb,
  payload: fc.dictionary(anyString, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
});

/** Wrong values for a field: wrong types, empties, bad numbers, bad type strings. */
const badFieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    '',
    0,
    -0,
    -1,
    1.5,
    0.1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 60,
    Number.MIN_SAFE_INTEGER,
    -(2 ** 60),
    1,
    2,
    '1',
    1n,
    true,
    [],
    {},
    ['order.filled'],
    new String('order.filled'),
    new Number(1),
    'x',
    'order',
    'order.',
    '.order',
    'order..filled',
    'Order.filled',
    'order.Filled',
    '1order.filled',
    'order.1filled',
    'order-x.filled',
    ' order.filled',
    'order.filled ',
    'order.filled\n',
    'order.fille\u00e9',
    '\ud800',
    'a\u0000',
  ),
  fc.integer(),
  fc.double(),
  anyString,
  oddLeaf,
);

/** Near misses aimed at one field (boundaries, unsafe integers, almost-right type strings). */
const numberNearMiss: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    0,
    -0,
    -1,
    1,
    0.5,
    1.5,
    1e-300,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER - 0.5,
    Number.MAX_SAFE_INTEGER + 1,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 60,
    1e21,
    -Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER - 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    '1',
    1n,
  ),
  fc.integer({ min: -3, max: 3 }),
  fc.maxSafeInteger(),
  fc.double(),
  fc.double({ min: 2 ** 52, max: 2 ** 64, noNaN: true }),
  fc.double({ min: -(2 ** 64), max: -(2 ** 52), noNaN: true }),
);
const typeNearMiss: fc.Arbitrary<unknown> = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9_.\- ]{0,10}$/),
  fc.stringMatching(/^[a-z0-9_.]{0,8}$/),
  fc.tuple(typeArb, fc.nat(), fc.constantFrom('', '.', '..', 'A', '1', '-', ' ', '\n', '\u00e9', '_')).map(([t, i, c]) => {
    const at = i % (t.length + 1);
    return t.slice(0, at) + c + t.slice(at);
  }),
  fc.tuple(typeArb, fc.nat()).map(([t, i]) => t.slice(0, i % (t.length + 1))),
  // the first character of a segment swapped for one allowed only later in a segment, or not at all
  fc.tuple(typeArb, fc.constantFrom('1', '_', 'A', '.', '')).map(([t, c]) => t.replace(/\.[a-z]/, `.${c}`)),
  fc.constantFrom('order', 'order.', '.order', 'a..b', 'a.1b', 'a._b', '_a.b', '1a.b', 'a.b_', 'a.b1', 'a1.b', 'a_.b_', 'a.b.c', 'a.B', 'a.b\n', 'a.b.'),
  badFieldValue,
);
const stringNearMiss: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom<unknown>('', null, undefined, 0, ['x'], new String('x')), badFieldValue);
const fieldNearMiss = (k: (typeof FIELDS)[number]): fc.Arbitrary<unknown> => {
  switch (k) {
    case 'schemaVersion':
      return fc.oneof(fc.constantFrom<unknown>(0, 2, -1, 1.0000001, '1', 1n, true, null, undefined, Number.NaN, new Number(1)), badFieldValue);
    case 'seq':
    case 'ts':
      return numberNearMiss;
    case 'type':
      return typeNearMiss;
    case 'payload':
      return payloadArb;
    default:
      return stringNearMiss;
  }
};

const mutation: fc.Arbitrary<(e: Rec) => unknown> = fc.oneof(
  // one field gets a wrong (or almost wrong) value
  fc
    .constantFrom(...FIELDS)
    .chain((k) => fieldNearMiss(k).map((v) => [k, v] as const))
    .map(([k, v]) => (e: Rec) => ({ ...e, [k]: v })),
  fc.tuple(fc.constantFrom(...FIELDS), badFieldValue).map(([k, v]) => (e: Rec) => ({ ...e, [k]: v })),
  // a field goes missing
  fc.constantFrom(...FIELDS).map((k) => (e: Rec) => {
    const c = { ...e };
    delete c[k];
    return c;
  }),
  // an extra key, whatever its value (undefined included)
  fc.tuple(fc.oneof(anyString, fc.constantFrom('extra', 'constructor', 'toString', 'Payload', 'seq ')), fc.oneof(badFieldValue, fc.constant(undefined))).map(
    ([k, v]) => (e: Rec) => ({ ...e, [k]: v }),
  ),
  // the payload replaced
  payloadArb.map((p) => (e: Rec) => ({ ...e, payload: p })),
  // the payload gets one more entry, maybe odd
  fc.tuple(anyString, jsonish).map(([k, v]) => (e: Rec) => ({ ...e, payload: { ...(e['payload'] as Rec), [k]: v } })),
  // the envelope itself in an odd form
  fc
    .constantFrom(
      'classInstance',
      'nullProto',
      'inherited',
      'inheritedExtra',
      'hiddenExtra',
      'symbolExtra',
      'ownProtoKey',
      'array',
      'frozen',
      'getters',
      'proxyHasLies',
      'map',
      'payloadNullProto',
      'payloadClass',
      'payloadSymbolKey',
      'payloadHiddenBad',
      'payloadInheritedBad',
      'payloadOwnProtoBad',
    )
    .map((how) => (e: Rec): unknown => {
      switch (how) {
        case 'classInstance':
          return Object.assign(new Bag(), e);
        case 'nullProto':
          return Object.assign(Object.create(null) as Rec, e);
        case 'inherited':
          return Object.create(e) as unknown;
        case 'inheritedExtra':
          return Object.assign(Object.create({ extra: 1 }) as Rec, e);
        case 'hiddenExtra':
          return Object.defineProperty({ ...e }, 'extra', { value: 1, enumerable: false });
        case 'symbolExtra':
          return { ...e, [Symbol('extra')]: 1 };
        case 'ownProtoKey':
          return Object.defineProperty({ ...e }, '__proto__', { value: null, enumerable: true, configurable: true, writable: true });
        case 'array':
          return Object.assign([], e);
        case 'frozen':
          return Object.freeze({ ...e });
        case 'getters': {
          const o: Rec = {};
          for (const k of Object.keys(e)) Object.defineProperty(o, k, { get: () => e[k], enumerable: true });
          return o;
        }
        case 'proxyHasLies':
          return new Proxy({ ...e }, { has: (t, k) => k !== 'traceId' && k in t });
        case 'map':
          return new Map(Object.entries(e));
        case 'payloadNullProto':
          return { ...e, payload: Object.assign(Object.create(null) as Rec, e['payload']) };
        case 'payloadClass':
          return { ...e, payload: Object.assign(new Bag(), e['payload']) };
        case 'payloadSymbolKey':
          return { ...e, payload: { ...(e['payload'] as Rec), [Symbol('k')]: 1 } };
        case 'payloadHiddenBad':
          return { ...e, payload: Object.defineProperty({ ...(e['payload'] as Rec) }, 'bad', { value: Number.NaN, enumerable: false }) };
        case 'payloadInheritedBad':
          return { ...e, payload: Object.assign(Object.create({ bad: Number.NaN }) as Rec, e['payload']) };
        case 'payloadOwnProtoBad':
          return {
            ...e,
            payload: Object.defineProperty({ ...(e['payload'] as Rec) }, '__proto__', { value: Number.NaN, enumerable: true, configurable: true, writable: true }),
          };
      }
    }),
);

/** Valid envelopes, and near misses with one to three mutations applied. */
const candidate: fc.Arbitrary<unknown> = fc.oneof(
  validEnvelope,
  fc.tuple(validEnvelope, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([e, ms]) => ms.reduce<unknown>((acc, m) => m(acc as Rec), e)),
  fc.tuple(validEnvelope, mutation).map(([e, m]) => m(e)),
  fc.tuple(validEnvelope, mutation).map(([e, m]) => m(e)),
);

// ---- tests ---------------------------------------------------------------------------------

describe('isValidEnvelope', () => {
  it('accepts exactly what envelopeSchema accepts (valid envelopes and near misses)', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(candidate, (x) => {
        if (agree(x)) valid++;
        else invalid++;
      }),
      { numRuns: 5000 },
    );
    // the property is not vacuous: both sides were exercised in earnest
    expect(valid).toBeGreaterThan(500);
    expect(invalid).toBeGreaterThan(1000);
  });

  it('accepts a typical event, and parseEnvelope returns it as is', () => {
    const e = typical();
    expect(isValidEnvelope(e)).toBe(true);
    expect(envelopeIssues(e)).toEqual([]);
    expect(parseEnvelope(e)).toBe(e);
  });

  it('rejects an extra key even when its value is undefined (zod strictObject sees it)', () => {
    expect(agree({ ...typical(), extra: undefined })).toBe(false);
  });

  it('rejects a required key present with the value undefined, and a missing key', () => {
    expect(agree({ ...typical(), botId: undefined })).toBe(false);
    const { traceId: _t, ...missing } = typical();
    expect(agree(missing)).toBe(false);
  });

  it('payload numbers: finite only (NaN and ±Infinity rejected, -0 accepted)', () => {
    expect(agree({ ...typical(), payload: { x: Number.NaN } })).toBe(false);
    expect(agree({ ...typical(), payload: { x: Number.POSITIVE_INFINITY } })).toBe(false);
    expect(agree({ ...typical(), payload: { x: [1, [2, Number.NEGATIVE_INFINITY]] } })).toBe(false);
    expect(agree({ ...typical(), payload: { x: -0, y: 1e300 } })).toBe(true);
  });

  it('payload: plain objects only, at every depth; arrays without holes', () => {
    expect(agree({ ...typical(), payload: [] })).toBe(false);
    expect(agree({ ...typical(), payload: null })).toBe(false);
    expect(agree({ ...typical(), payload: { at: new Date(0) } })).toBe(false);
    expect(agree({ ...typical(), payload: { t: new Thing() } })).toBe(false);
    expect(agree({ ...typical(), payload: { a: { b: [{ c: undefined }] } } })).toBe(false);
    // eslint-disable-next-line no-sparse-arrays
    expect(agree({ ...typical(), payload: { a: [1, , 3] } })).toBe(false);
    expect(agree({ ...typical(), payload: { f: () => 1 } })).toBe(false);
    expect(agree({ ...typical(), payload: Object.assign(Object.create(null) as object, { a: { b: [1, 'x', null, true] } }) })).toBe(true);
  });

  it('numbers: seq ≥ 1 and ts ≥ 0, safe integers only', () => {
    expect(agree({ ...typical(), seq: 0 })).toBe(false);
    expect(agree({ ...typical(), seq: 1.5 })).toBe(false);
    expect(agree({ ...typical(), seq: Number.MAX_SAFE_INTEGER })).toBe(true);
    expect(agree({ ...typical(), seq: Number.MAX_SAFE_INTEGER + 1 })).toBe(false);
    expect(agree({ ...typical(), ts: -1 })).toBe(false);
    expect(agree({ ...typical(), ts: -0 })).toBe(true);
    expect(agree({ ...typical(), ts: Number.NaN })).toBe(false);
  });

  it('strings: non-empty, nullable where the schema says, type dotted lowercase', () => {
    expect(agree({ ...typical(), eventId: '' })).toBe(false);
    expect(agree({ ...typical(), producer: null })).toBe(false);
    expect(agree({ ...typical(), botId: null, causationId: null })).toBe(true);
    expect(agree({ ...typical(), traceId: '' })).toBe(false);
    expect(agree({ ...typical(), type: 'kill' })).toBe(false);
    expect(agree({ ...typical(), type: 'Kill.cancel' })).toBe(false);
    expect(agree({ ...typical(), schemaVersion: 2 })).toBe(false);
  });

  it('zod (and so the fast check) takes any non-array object for the envelope, inherited fields included', () => {
    expect(agree(Object.assign(new Bag(), typical()))).toBe(true);
    expect(agree(Object.create(typical()))).toBe(true);
    expect(agree(Object.assign(Object.create({ extra: 1 }) as object, typical()))).toBe(false);
    expect(agree(Object.assign([], typical()))).toBe(false);
  });
});

describe('envelopeIssues', () => {
  it('lets zod decide when the fast check throws', () => {
    let reads = 0;
    const e = typical();
    const tricky = Object.defineProperty({ ...e }, 'eventId', {
      enumerable: true,
      get: () => {
        reads++;
        if (reads === 1) throw new Error('first read fails');
        return e.eventId;
      },
    });
    expect(envelopeIssues(tricky)).toEqual([]);
    expect(reads).toBe(2);
  });

  it('still reports zod’s issues, naming the fields', () => {
    expect(envelopeIssues({ ...typical(), seq: 0, payload: { x: Number.NaN } }).map((i) => i.path)).toEqual(['seq', 'payload.x']);
    expect(() => parseEnvelope({ ...typical(), type: 'Bad' })).toThrow(EnvelopeValidationError);
    expect(envelopeIssues(42)).toEqual([{ path: '(event)', message: expect.any(String) as string }]);
  });
});
