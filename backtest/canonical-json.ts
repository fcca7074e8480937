/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, at every depth), Decimals as plain
 * fixed-point strings, `undefined` members dropped, non-finite numbers refused. `indent` 2 is the
 * report's pretty form; 0 is one line (bars.jsonl). Same value ⇒ same bytes, on any machine —
 * unlike `JSON.stringify`, whose key order follows insertion (and puts integer-like keys first).
 */
import { isDecimal } from '../domain/money/decimal.ts';

/** Serializes `value` canonically (no trailing newline). Throws a TypeError on what JSON cannot hold. */
export function canonicalJson(value: unknown, indent: 0 | 2 = 2): string {
  return write(value, indent, '', '$');
}

function write(v: unknown, indent: number, pad: string, path: string): string {
  if (v === null) return 'null';
  if (isDecimal(v)) {
    if (!v.isFinite()) throw new TypeError(`canonical JSON: ${path} is a non-finite Decimal`);
    return JSON.stringify(v.toFixed());
  }
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`canonical JSON: ${path} is ${v}`);
      return JSON.stringify(Object.is(v, -0) ? 0 : v);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON: ${path} is a ${typeof v}`);
  }
  const inner = indent === 0 ? '' : `${pad}${' '.repeat(indent)}`;
  const nl = indent === 0 ? '' : '\n';
  const sep = indent === 0 ? ':' : ': ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x, i) => `${inner}${write(x === undefined ? null : x, indent, inner, `${path}[${i}]`)}`);
    return `[${nl}${items.join(`,${nl}`)}${nl}${indent === 0 ? '' : pad}]`;
  }
  const rec = v as Record<string, unknown>;
  const keys = Object.keys(rec)
    .filter((k) => rec[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{}';
  const members = keys.map((k) => `${inner}${JSON.stringify(k)}${sep}${write(rec[k], indent, inner, `${path}.${k}`)}`);
  return `{${nl}${members.join(`,${nl}`)}${nl}${indent === 0 ? '' : pad}}`;
}
