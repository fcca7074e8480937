/**
 * Loads a config file (YAML or JSON), validates it, and returns a result value: the desk in
 * file and domain form, or every problem found — unreadable file, syntax errors with line and
 * column, or schema violations with their path and, where the node exists, its position.
 * Never throws for a user's mistake.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { DeskConfig, DeskFile } from './schema/desk.ts';
import { validateConfig } from './schema/validate.ts';
import type { FileForm, Violation } from './schema/validate.ts';

/** The syntax a config file is written in. */
export type ConfigFormat = 'yaml' | 'json';

/** Where loading stopped: the file could not be read, did not parse, or did not validate. */
export type LoadStage = 'read' | 'syntax' | 'schema';

/** The outcome of loading one config file. */
export type LoadResult =
  | { readonly ok: true; readonly file: string; readonly format: ConfigFormat; readonly form: FileForm; readonly desk: DeskFile; readonly config: DeskConfig }
  | { readonly ok: false; readonly file: string; readonly format?: ConfigFormat; readonly stage: LoadStage; readonly violations: readonly Violation[] };

/** `.json` is JSON, `.yaml`/`.yml` YAML; otherwise a text starting with `{` or `[` is JSON. */
export function detectFormat(file: string, text: string): ConfigFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^\s*[[{]/.test(text) ? 'json' : 'yaml';
}

function at(message: string, line?: number, column?: number): Violation {
  return { path: '', message, segments: [], ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

interface YamlParsed {
  readonly value: unknown;
  readonly doc: Document;
  readonly counter: LineCounter;
}

function parseYaml(text: string): YamlParsed | { errors: Violation[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return at(`YAML syntax error: ${e.message.split('\n')[0] ?? e.code}`, pos.line, pos.col);
      }),
    };
  }
  return { value: doc.contents === null ? undefined : doc.toJS({ maxAliasCount: 1000 }), doc, counter };
}

/**
 * Offset of the offending character when `JSON.parse` does not say (Node 20's "Unexpected
 * token" messages carry no position): the shortest prefix that fails before its own end
 * ends with it.
 */
function badJsonOffset(text: string): number {
  const bad = (p: number): boolean => {
    try {
      JSON.parse(text.slice(0, p));
      return false;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/end of JSON input/.test(msg)) return false;
      const at = /at position (\d+)/.exec(msg);
      return at === null || Number(at[1]) < p;
    }
  };
  let lo = 1;
  let hi = text.length;
  if (!bad(hi)) return text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bad(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

function parseJson(text: string): { value: unknown } | { errors: Violation[] } {
  try {
    return { value: text.trim() === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(msg);
    const pos = lineCol(text, m ? Number(m[1]) : badJsonOffset(text));
    const clean = msg
      .replace(/\s*(in JSON )?at position \d+.*$/s, '')
      .replace(/,\s*".*" is not valid JSON$/s, '');
    return { errors: [at(`JSON syntax error: ${clean}`, pos.line, pos.column)] };
  }
}

/**
 * Finds the deepest node of `segments` in the document: the key of the last mapping entry
 * found (so a message points at `key: value`), or a list item.
 */
function locate(doc: Document, counter: LineCounter, segments: readonly (string | number)[]): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let mark: YamlNode | undefined = isMap(node) || isSeq(node) ? node : undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      mark = isScalar(pair.key) ? pair.key : mark;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (!isMap(item) && !isSeq(item) && !isScalar(item)) break;
      mark = item;
      node = item;
    } else break;
  }
  const offset = mark?.range?.[0];
  if (offset === undefined) return undefined;
  const p = counter.linePos(offset);
  return { line: p.line, column: p.col };
}

/** Parses and validates config text; `file` names it in results (it is not read). */
export function parseConfigText(text: string, file: string, format: ConfigFormat = detectFormat(file, text)): LoadResult {
  const parsed = format === 'json' ? parseJson(text) : parseYaml(text);
  if ('errors' in parsed) return { ok: false, file, format, stage: 'syntax', violations: parsed.errors };
  const r = validateConfig(parsed.value);
  if (r.ok) return { ok: true, file, format, form: r.form, desk: r.file, config: r.config };
  return withPositions({ ok: false, file, format, stage: 'schema', violations: r.violations }, text);
}

/** Adds line and column to violations whose node (or nearest parent) is in the source. */
function withPositions(r: Extract<LoadResult, { ok: false }>, text: string): LoadResult {
  // JSON is (almost always) YAML too: the YAML parser finds node positions in both.
  const parsed = parseYaml(text);
  if (!('doc' in parsed)) return r;
  const violations = r.violations.map((v) => {
    const pos = locate(parsed.doc, parsed.counter, v.segments);
    return pos ? { ...v, ...pos } : v;
  });
  return { ...r, violations };
}

/**
 * Resolves capture file paths against the config file's folder and reports the ones that do
 * not exist (as violations at `market_data.captures[i].files[j]`).
 */
async function resolveCaptures(r: Extract<LoadResult, { ok: true }>, configPath: string): Promise<LoadResult> {
  const md = r.config.marketData;
  if (!md) return r;
  const base = dirname(configPath);
  const missing: Violation[] = [];
  const captures = await Promise.all(
    md.captures.map(async (c, i) => ({
      ...c,
      files: await Promise.all(
        c.files.map(async (f, j) => {
          const abs = isAbsolute(f) ? f : resolve(base, f);
          const exists = await access(abs).then(() => true, () => false);
          if (!exists) missing.push({ path: `market_data.captures[${i}].files[${j}]`, segments: ['market_data', 'captures', i, 'files', j], message: `expected an existing capture file, got ${JSON.stringify(f)} (${abs})` });
          return abs;
        }),
      ),
    })),
  );
  if (missing.length > 0) return { ok: false, file: r.file, format: r.format, stage: 'schema', violations: missing };
  return { ...r, config: { ...r.config, marketData: { ...md, captures } } };
}

/**
 * Reads, parses and validates a config file. A missing or unreadable file is a `read` failure.
 * Capture files named under `market_data` must exist; in the returned domain config their
 * paths are absolute (resolved against the config file's folder).
 */
export async function loadConfigFile(path: string, displayName: string = path): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : e instanceof Error ? e.message : String(e);
    return { ok: false, file: displayName, stage: 'read', violations: [at(`cannot read the file: ${reason}`)] };
  }
  const r = parseConfigText(text, displayName, detectFormat(path, text));
  if (!r.ok) return r;
  const resolved = await resolveCaptures(r, path);
  return resolved.ok ? resolved : withPositions(resolved, text);
}
