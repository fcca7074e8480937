/**
 * Validates a parsed config value (from YAML or JSON) as a desk file or a single-bot file and
 * reports every violation at once, each with a readable path. Never throws for user mistakes.
 */
import type { z } from 'zod';
import { deskSchema, singleBotSchema, toDeskConfig } from './desk.ts';
import type { DeskConfig, DeskFile } from './desk.ts';
import { didYouMean, isRecord, show } from './fields.ts';
import { keysAt } from './walk.ts';

/** One problem in a config file. `path` is `''` for the file as a whole. */
export interface Violation {
  /** Dotted path with list indices: `bots[0].strategy.regimes.up.spread_min`. */
  readonly path: string;
  /** What was expected and what the file held: `expected …, got …`. */
  readonly message: string;
  /** 1-based position in the source file, when known. */
  readonly line?: number;
  readonly column?: number;
  /** The same path as segments, for locating the node in the source. */
  readonly segments: readonly (string | number)[];
}

/** Which form the file had: a desk file (`bots: [...]`) or a single bot. */
export type FileForm = 'desk' | 'bot';

/** The outcome of validation: the desk in file and domain form, or every violation. */
export type ValidationResult =
  | { readonly ok: true; readonly form: FileForm; readonly file: DeskFile; readonly config: DeskConfig }
  | { readonly ok: false; readonly form: FileForm; readonly violations: readonly Violation[] };

/** Formats issue path segments as `bots[0].strategy["odd key"]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

const toSegments = (path: readonly PropertyKey[]): (string | number)[] => path.map((p) => (typeof p === 'number' ? p : String(p)));

function violation(segments: (string | number)[], message: string): Violation {
  return { path: formatPath(segments), message, segments };
}

/** Turns zod issues into violations; an unknown-keys issue becomes one violation per key, with a hint. */
function toViolations(schema: z.core.$ZodType, issues: readonly z.core.$ZodIssue[]): Violation[] {
  const out: Violation[] = [];
  for (const iss of issues) {
    const at = toSegments(iss.path);
    if (iss.code === 'unrecognized_keys') {
      const known = keysAt(schema, iss.path);
      for (const key of iss.keys) {
        const hint = didYouMean(key, known) || (known.length > 0 ? ` (allowed: ${known.join(', ')})` : '');
        out.push(violation([...at, key], `expected a known key${hint}, got unknown key "${key}"`));
      }
    } else {
      out.push(violation(at, iss.message));
    }
  }
  return out;
}

/**
 * Validates `value` as a desk file (it has a `bots` key) or else as a single-bot file, applies
 * the defaults and converts to domain form. Every violation is reported, none thrown.
 */
export function validateConfig(value: unknown): ValidationResult {
  if (!isRecord(value)) {
    const message = `expected a desk file (a mapping with "bots") or a bot file (a mapping with "id" and "instrument"), got ${value === undefined ? 'an empty file' : show(value)}`;
    return { ok: false, form: 'desk', violations: [violation([], message)] };
  }
  if ('bots' in value) {
    const r = deskSchema.safeParse(value);
    if (!r.success) return { ok: false, form: 'desk', violations: toViolations(deskSchema, r.error.issues) };
    return { ok: true, form: 'desk', file: r.data, config: toDeskConfig(r.data) };
  }
  const r = singleBotSchema.safeParse(value);
  if (!r.success) return { ok: false, form: 'bot', violations: toViolations(singleBotSchema, r.error.issues) };
  const { market_data, runtime, portfolio_limits, ...bot } = r.data;
  const file: DeskFile = { bots: [bot], runtime, portfolio_limits, ...(market_data ? { market_data } : {}) };
  return { ok: true, form: 'bot', file, config: toDeskConfig(file) };
}
