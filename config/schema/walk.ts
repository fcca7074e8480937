/**
 * Walks the config schemas: the sections and fields the reference is generated from, and the
 * keys an object accepts at a path (for "did you mean" hints on unknown keys).
 */
import { z } from 'zod';
import { fieldDocs } from './fields.ts';
import type { FieldDoc } from './fields.ts';

type Schema = z.core.$ZodType;

/** One row of a section: a leaf field, or a nested mapping/list documented in its own section. */
export interface FieldRow {
  readonly key: string;
  readonly type: string;
  /** Displayed default; `undefined` when required or optional without one. */
  readonly default?: string;
  readonly required: boolean;
  readonly constraint: string;
  readonly description: string;
}

/** One object of the schema: its dotted path (`bots[].strategy`) and its fields. */
export interface Section {
  readonly path: string;
  readonly description: string;
  readonly rows: readonly FieldRow[];
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch']);

interface Unwrapped {
  readonly core: Schema;
  readonly leaf?: FieldDoc;
  readonly description: string;
  /** The value may be left out (optional, or a default/prefault applies). */
  readonly omittable: boolean;
  readonly prefaulted: boolean;
}

function unwrap(schema: Schema): Unwrapped {
  let s = schema;
  let description = '';
  let omittable = false;
  let prefaulted = false;
  for (;;) {
    description ||= z.globalRegistry.get(s)?.description ?? '';
    const leaf = fieldDocs.get(s);
    if (leaf) return { core: s, leaf, description, omittable, prefaulted };
    const def = s._zod.def as { type: string; innerType?: Schema };
    if (!WRAPPERS.has(def.type) || !def.innerType) return { core: s, description, omittable, prefaulted };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') omittable = true;
    if (def.type === 'prefault' || def.type === 'default') prefaulted = true;
    s = def.innerType;
  }
}

function shapeOf(s: Schema): Readonly<Record<string, Schema>> | undefined {
  const def = s._zod.def as { type: string; shape?: Record<string, Schema> };
  return def.type === 'object' ? def.shape : undefined;
}

function elementOf(s: Schema): Schema | undefined {
  const def = s._zod.def as { type: string; element?: Schema };
  return def.type === 'array' ? def.element : undefined;
}

/**
 * Lists every object section under `schema` (depth first, parents before children) with one
 * row per field. Throws when a leaf has no description, so an undocumented field cannot ship.
 */
export function sections(schema: Schema, path = '', description = ''): Section[] {
  const shape = shapeOf(unwrap(schema).core);
  if (!shape) return [];
  const rows: FieldRow[] = [];
  const nested: Section[] = [];
  for (const [key, child] of Object.entries(shape)) {
    const u = unwrap(child);
    const childPath = path ? `${path}.${key}` : key;
    if (!u.description) throw new Error(`config schema: field ${childPath} has no description`);
    if (u.leaf) {
      rows.push({ key, type: u.leaf.type, required: u.leaf.required, constraint: u.leaf.constraint, description: u.description, ...(u.leaf.default !== undefined ? { default: u.leaf.default } : {}) });
      continue;
    }
    const element = elementOf(u.core);
    const target = element ? `${childPath}[]` : childPath;
    rows.push({
      key,
      type: element ? 'list of mapping' : 'mapping',
      required: !u.omittable,
      constraint: `see \`${target}\``,
      description: u.description,
      ...(u.prefaulted ? { default: element ? '[]' : '(defaults below)' } : {}),
    });
    nested.push(...sections(element ?? u.core, target, u.description));
  }
  return [{ path, description, rows }, ...nested];
}

/** The keys the object at `path` (zod issue path) accepts, or `[]` when the path leads elsewhere. */
export function keysAt(schema: Schema, path: readonly PropertyKey[]): string[] {
  let s: Schema | undefined = schema;
  for (const seg of path) {
    if (!s) return [];
    const core: Schema = unwrap(s).core;
    s = typeof seg === 'number' ? elementOf(core) : shapeOf(core)?.[String(seg)];
  }
  const shape = s ? shapeOf(unwrap(s).core) : undefined;
  return shape ? Object.keys(shape) : [];
}
