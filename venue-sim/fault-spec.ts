/**
 * The venue simulator's fault spec (docs/venue-sim.md, "Fault injection"): which faults to
 * inject, where (routes), when (a window after the spec is installed) and how often (a count),
 * with the seed of the PRNG that makes a fault run reproducible. Validated with zod; a bad spec
 * is refused with the path of the offending field (`faults[2].rate: …`), never half-applied.
 * Specs come from a file (`--faults`, JSON or YAML) or from `PUT /__sim/faults`.
 *
 * Most faults act on requests (routes); `delayedFills` and `partialFills` act on the matching
 * (per market): a fill reported late by every view, and fills cut into pieces.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const FAULT_TYPES = [
  'latency', 'errorRate', 'rateLimit429', 'timeout', 'lostAck', 'fillOnCancelled', 'phantomTrades', 'missingTrades', 'disconnect', 'delayedFills', 'partialFills',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** "POST /api/v3/order" (one route), "/api/v3/order" (any method), a trailing `*` for a prefix. */
const ROUTE = /^(?:(?:GET|POST|PUT|DELETE) )?\/[^\s*]*\*?$/;

const ms = z.number().finite().min(0);
const probability = z.number().min(0).max(1);

/** Fields every fault may carry. */
const common = {
  /** Routes the fault applies to (default: every route, or the fault type's own default). */
  endpoints: z.array(z.string().regex(ROUTE, 'expected a route like "POST /api/v3/order", "/api/v3/order" or a prefix ending in *')).min(1).optional(),
  /** The window, in ms after the spec was installed: from (default 0) until (default forever). */
  fromMs: ms.optional(),
  untilMs: ms.optional(),
  /** At most this many injections (default unlimited). */
  count: z.number().int().min(1).optional(),
};

/** Markets (venue ids, e.g. "BTCUSDT") a matching fault applies to (default: every market). */
const markets = z.array(z.string().min(1)).min(1);

/** A delay in ms: fixed, or drawn uniformly from [min, max] (seeded). */
const delayMs = z.union([ms, z.strictObject({ min: ms, max: ms }).refine((d) => d.min <= d.max, { message: 'min must be ≤ max', path: ['max'] })], {
  error: () => 'expected a number of ms ≥ 0 or {min, max} (ms, min ≤ max)',
});

const fraction = z.number().gt(0).max(1);

/** The matching faults act on fills, not on requests; the key is typed (absent) so every fault has it. */
const noEndpoints = z.never({ error: 'delayedFills and partialFills act on fills, not on routes: give markets instead of endpoints' }).optional();

const distribution = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), ms }),
  z.strictObject({ kind: z.literal('uniform'), minMs: ms, maxMs: ms }).refine((d) => d.minMs <= d.maxMs, { message: 'minMs must be ≤ maxMs', path: ['maxMs'] }),
  z.strictObject({ kind: z.literal('normal'), meanMs: ms, sdMs: ms }),
]);

const fault = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ ...common, type: z.literal('latency'), probability: probability.optional(), distribution }),
    z.strictObject({
      ...common,
      type: z.literal('errorRate'),
      rate: probability,
      status: z.number().int().min(400).max(599).optional(),
      code: z.number().int().optional(),
      msg: z.string().optional(),
    }),
    z
      .strictObject({
        ...common,
        type: z.literal('rateLimit429'),
        /** A burst is N consecutive matching requests… */
        requests: z.number().int().min(1).optional(),
        /** …or every matching request for T ms. */
        durationMs: z.number().finite().gt(0).optional(),
        /** Chance that a request outside a burst starts one (default 1). */
        probability: probability.optional(),
        /** How many bursts (default 1). */
        bursts: z.number().int().min(1).optional(),
        retryAfterSec: z.number().int().min(0).optional(),
      })
      .refine((f) => (f.requests === undefined) !== (f.durationMs === undefined), { message: 'give exactly one of requests or durationMs', path: ['requests'] }),
    z.strictObject({ ...common, type: z.literal('timeout'), probability: probability.optional(), holdMs: ms.optional() }),
    z.strictObject({ ...common, type: z.literal('lostAck'), probability: probability.optional(), mode: z.enum(['destroy', 'hold']).optional() }),
    z.strictObject({ ...common, type: z.literal('fillOnCancelled'), probability: probability.optional(), fraction: z.number().gt(0).lt(1).optional() }),
    z.strictObject({ ...common, type: z.literal('phantomTrades'), probability: probability.optional(), perAnswer: z.number().int().min(1).max(100).optional() }),
    z.strictObject({ ...common, type: z.literal('missingTrades'), rate: probability }),
    z.strictObject({ ...common, type: z.literal('disconnect'), probability: probability.optional() }),
    // The two matching faults act on fills, not on requests: no `endpoints`.
    z.strictObject({
      type: z.literal('delayedFills'),
      endpoints: noEndpoints,
      /** How long the venue withholds a fill from every report (orders, trades, balances). */
      delayMs,
      probability: probability.optional(),
      markets: markets.optional(),
      fromMs: ms.optional(),
      untilMs: ms.optional(),
      count: z.number().int().min(1).optional(),
    }),
    z
      .strictObject({
        type: z.literal('partialFills'),
        endpoints: noEndpoints,
        /** Upper bound of the fraction of the remaining amount one fill takes. */
        maxFraction: fraction,
        /** Lower bound (default: the model's start-time lower bound, capped at maxFraction). */
        minFraction: fraction.optional(),
        markets: markets.optional(),
      })
      .refine((f) => f.minFraction === undefined || f.minFraction <= f.maxFraction, { message: 'minFraction must be ≤ maxFraction', path: ['minFraction'] }),
  ],
  { error: () => `expected type to be one of ${FAULT_TYPES.join(', ')}` },
);

export const faultSpecSchema = z.strictObject({
  /** Seed of the fault PRNG (mulberry32): the same seed and the same requests ⇒ the same faults. */
  seed: z.number().int().min(0).max(0xffff_ffff).default(1),
  faults: z.array(fault).default([]),
});

export type FaultSpec = z.output<typeof faultSpecSchema>;
export type FaultSpecInput = z.input<typeof faultSpecSchema>;
export type Fault = FaultSpec['faults'][number];

export const EMPTY_FAULT_SPEC: FaultSpec = { seed: 1, faults: [] };

/** A refused spec: `message` lists each bad field by its path. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
  constructor(
    message: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[],
  ) {
    super(message);
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : `${out === '' ? '' : '.'}${String(k)}`;
  return out === '' ? '(spec)' : out;
}

/** Validates a parsed spec; FaultSpecError naming each bad field otherwise. */
export function parseFaultSpec(input: unknown): FaultSpec {
  const r = faultSpecSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
  throw new FaultSpecError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/** Parses JSON or YAML text (JSON is YAML) and validates it. */
export function parseFaultSpecText(text: string): FaultSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new FaultSpecError(`not JSON or YAML: ${e instanceof Error ? e.message : String(e)}`, [{ path: '(spec)', message: 'not JSON or YAML' }]);
  }
  return parseFaultSpec(doc ?? {});
}

/** Reads and validates a fault file; errors name the file and the field. */
export async function loadFaultSpecFile(file: string): Promise<FaultSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new RangeError(`--faults ${file}: cannot read: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    return parseFaultSpecText(text);
  } catch (e) {
    throw new RangeError(`--faults ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
