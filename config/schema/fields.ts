/**
 * Building blocks of the config schemas: leaf fields (decimal, integer, number, enum, string)
 * with uniform "expected …, got …" messages, strict objects, and the documentation registry
 * the config reference is generated from.
 *
 * Every leaf is a zod schema that validates `unknown` input itself, so the message names
 * exactly what was expected (bounds included) and what the file held. Each leaf records its
 * type, constraint and default in {@link fieldDocs}, and carries a `.describe()` text.
 */
import { z } from 'zod';
import { Decimal } from '../../domain/money/decimal.ts';

/** What the config reference shows for one leaf field. */
export interface FieldDoc {
  /** Human type name: `decimal`, `integer`, `number`, `enum`, `string`, `list of string`. */
  readonly type: string;
  /** The accepted values in words, e.g. `≥ 0 and < 1`. */
  readonly constraint: string;
  /** The default as displayed (Decimals as strings); `undefined` when the field is required or optional without a default. */
  readonly default?: string;
  /** True when the field must be given. */
  readonly required: boolean;
}

/** Registry of leaf-field docs, keyed by the schema instance that sits in its object's shape. */
export const fieldDocs = z.registry<FieldDoc>();

/**
 * Where a default comes from: a section of `strategy-epp.md` (`'§4'`), the desk's own choice
 * (`'desk'`), or nowhere because the field is required (`'required'`) or optional (`'optional'`).
 */
export type DefaultSource = `§${number}` | 'desk' | 'required' | 'optional';

function sourceText(src: DefaultSource): string {
  if (src === 'required') return 'Required.';
  if (src === 'optional') return 'Optional.';
  if (src === 'desk') return 'Default: desk default.';
  return `Default: strategy-epp.md ${src}.`;
}

/** Renders a value from a config file for a message: strings quoted, containers by kind. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

/** A numeric interval in the compact notation `[0,1)`, `(0,∞)`, `[-1,1]`, `[1,∞)`. */
export type Range = `${'[' | '('}${string},${string}${']' | ')'}`;

interface Bounds {
  readonly lo?: { readonly v: Decimal; readonly incl: boolean };
  readonly hi?: { readonly v: Decimal; readonly incl: boolean };
}

function parseRange(r: Range): Bounds {
  const m = /^([[(])\s*(-?∞|-?[\d.]+)\s*,\s*(∞|-?[\d.]+)\s*([\])])$/.exec(r);
  if (!m) throw new Error(`bad range notation ${r}`);
  const [, open = '[', lo = '', hi = '', close = ']'] = m;
  return {
    ...(lo.includes('∞') ? {} : { lo: { v: new Decimal(lo), incl: open === '[' } }),
    ...(hi.includes('∞') ? {} : { hi: { v: new Decimal(hi), incl: close === ']' } }),
  };
}

function rangeText(b: Bounds): string {
  const parts: string[] = [];
  if (b.lo) parts.push(`${b.lo.incl ? '≥' : '>'} ${b.lo.v.toString()}`);
  if (b.hi) parts.push(`${b.hi.incl ? '≤' : '<'} ${b.hi.v.toString()}`);
  return parts.length > 0 ? parts.join(' and ') : 'any finite value';
}

function inRange(x: Decimal, b: Bounds): boolean {
  if (b.lo && (b.lo.incl ? x.lt(b.lo.v) : x.lte(b.lo.v))) return false;
  if (b.hi && (b.hi.incl ? x.gt(b.hi.v) : x.gte(b.hi.v))) return false;
  return true;
}

/** Plain decimal notation only: no hex, no `Infinity`/`NaN`, optional exponent. */
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

type Check<T> = (v: unknown) => { ok: true; value: T } | { ok: false; expected: string };

/** Options of a leaf field: its meaning, where its default comes from, and the default. */
export interface LeafOpts<T> {
  readonly doc: string;
  readonly src: DefaultSource;
  /** Default in output form; required when `src` is a spec section or `'desk'`. */
  readonly def?: T;
}

/** The schema of a leaf: a validating transform, wrapped in a default when the field has one. */
export type LeafPipe<T> = z.ZodPipe<z.ZodUnknown, z.ZodTransform<T, unknown>>;
/** A leaf with a default or with source `'optional'` may be left out of the file; any other is required. */
export type Leaf<T, O> = O extends { readonly def: unknown }
  ? z.ZodDefault<LeafPipe<T>>
  : O extends { readonly src: 'optional' }
    ? z.ZodOptional<LeafPipe<T>>
    : LeafPipe<T>;

function leaf<T, O extends LeafOpts<T>>(check: Check<T>, type: string, constraint: string, opts: O, display: (v: T) => string): Leaf<T, O> {
  const base: LeafPipe<T> = z.unknown().transform((v, ctx): T => {
    const r = check(v);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: `expected ${r.expected}, got ${show(v)}`, input: v });
    return z.NEVER;
  });
  const def = opts.def;
  if ((opts.src === 'required' || opts.src === 'optional') === (def !== undefined)) {
    throw new Error(`field "${opts.doc}": a default needs a source and a source needs a default`);
  }
  const description = `${opts.doc} ${sourceText(opts.src)}`;
  const doc: FieldDoc = { type, constraint, required: opts.src === 'required', ...(def !== undefined ? { default: display(def) } : {}) };
  // The doc and description sit on the instance that ends up in the object's shape.
  const s =
    def !== undefined
      ? base.default(() => def as z.core.util.NoUndefined<T>).describe(description)
      : opts.src === 'optional'
        ? base.optional().describe(description)
        : base.describe(description);
  fieldDocs.add(s, doc);
  return s as Leaf<T, O>;
}

/** A decimal (string in plain decimal notation, or a finite number) within `range`, parsed to `Decimal`. */
export function decimalField<const O extends LeafOpts<Decimal>>(range: Range, opts: O): Leaf<Decimal, O> {
  const b = parseRange(range);
  const expected = `a decimal ${rangeText(b)}`;
  const check: Check<Decimal> = (v) => {
    let d: Decimal | undefined;
    if (typeof v === 'number' && Number.isFinite(v)) d = new Decimal(v);
    else if (typeof v === 'string' && DECIMAL_RE.test(v.trim())) d = new Decimal(v.trim());
    return d !== undefined && inRange(d, b) ? { ok: true, value: d } : { ok: false, expected };
  };
  return leaf(check, 'decimal', rangeText(b), opts, (d) => d.toString());
}

function numberField<O extends LeafOpts<number>>(integer: boolean, range: Range, opts: O): Leaf<number, O> {
  const b = parseRange(range);
  const expected = `${integer ? 'an integer' : 'a number'} ${rangeText(b)}`;
  const check: Check<number> = (v) =>
    typeof v === 'number' && Number.isFinite(v) && (!integer || Number.isInteger(v)) && inRange(new Decimal(v), b)
      ? { ok: true, value: v }
      : { ok: false, expected };
  return leaf(check, integer ? 'integer' : 'number', rangeText(b), opts, String);
}

/** An integer (counts, periods, ticks, ms) within `range`. */
export function intField<const O extends LeafOpts<number>>(range: Range, opts: O): Leaf<number, O> {
  return numberField(true, range, opts);
}

/** A finite number (durations in seconds) within `range`. */
export function numField<const O extends LeafOpts<number>>(range: Range, opts: O): Leaf<number, O> {
  return numberField(false, range, opts);
}

/** One of a fixed set of strings; a near miss gets a "did you mean" hint. */
export function enumField<const T extends readonly [string, ...string[]], const O extends LeafOpts<T[number]> = LeafOpts<T[number]>>(values: T, opts: O): Leaf<T[number], O> {
  const list = values.join(' | ');
  const check: Check<T[number]> = (v) => {
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return { ok: true, value: v as T[number] };
    const hint = typeof v === 'string' ? didYouMean(v, values) : '';
    return { ok: false, expected: `one of ${list}${hint}` };
  };
  return leaf(check, 'enum', `one of ${list}`, opts, String);
}

/** A non-empty string matching `pattern`, described by `what` in messages. */
export function stringField<const O extends LeafOpts<string>>(pattern: RegExp, what: string, opts: O): Leaf<string, O> {
  const check: Check<string> = (v) => (typeof v === 'string' && pattern.test(v) ? { ok: true, value: v } : { ok: false, expected: what });
  return leaf(check, 'string', what, opts, (s) => s);
}

/** A non-empty list of non-empty strings (file paths and the like). */
export function stringListField<const O extends LeafOpts<readonly string[]>>(what: string, opts: O): Leaf<readonly string[], O> {
  const expected = `a non-empty list of ${what}`;
  const check: Check<readonly string[]> = (v) =>
    Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s.length > 0)
      ? { ok: true, value: v as readonly string[] }
      : { ok: false, expected };
  return leaf(check, 'list of string', expected, opts, (l) => l.join(', '));
}

/**
 * A strict object: unknown keys are rejected (a typo must not silently fall back to a
 * default). A non-mapping value gets an "expected a mapping" message.
 */
export function strictObject<S extends z.core.$ZodLooseShape>(shape: S, what: string) {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'invalid_type' ? `expected ${what} (a mapping), got ${show(iss.input)}` : undefined),
  });
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * ` (did you mean "x"?)` for a candidate the word is a prefix of, or else the closest one
 * within about a third of the word's length; `` when nothing is close.
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const w = word.toLowerCase();
  const prefixed = w.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(w)) : [];
  if (prefixed.length === 1) return ` (did you mean "${prefixed[0]}"?)`;
  let best: string | undefined;
  let bestD = Math.max(2, Math.ceil(word.length / 3)) + 1;
  for (const c of candidates) {
    const dd = distance(word.toLowerCase(), c.toLowerCase());
    if (dd < bestD) [best, bestD] = [c, dd];
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/** True for a plain mapping (what an object schema's refinements may look into). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Adds an issue at `path` unless `a rel b` holds. Runs only when both values parsed; a field that failed on
 * their own are skipped (their own violation is already reported).
 */
export function requireOrder(ctx: z.core.$RefinementCtx, v: Record<string, unknown>, a: string, b: string, rel: '<' | '≤', path: string): void {
  const x = v[a];
  const y = v[b];
  const isNum = (n: unknown): n is Decimal | number => n instanceof Decimal || (typeof n === 'number' && Number.isFinite(n));
  if (!isNum(x) || !isNum(y)) return;
  const dx = new Decimal(x);
  const dy = new Decimal(y);
  const ok = rel === '<' ? dx.lt(dy) : dx.lte(dy);
  if (!ok) {
    ctx.addIssue({ code: 'custom', path: [path], input: v[path], message: `expected ${a} ${rel} ${b}, got ${a} ${dx.toString()} and ${b} ${dy.toString()}` });
  }
}

/** Runs a cross-field refinement whenever the value is a mapping, even if some fields failed, so all violations surface at once. */
export const WHEN_MAPPING = { when: (p: { value: unknown }) => isRecord(p.value) };
