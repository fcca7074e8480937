/**
 * A window's configuration: its config file, with the window's `overrides` deep-merged in
 * (mappings merge key by key; lists and scalars replace). With overrides the merged file is
 * written beside the window's report (`<window>/config.yaml`) — the evidence of what ran — and
 * the backtest reads that file.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { WindowInputError } from './errors.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `base` with `over` merged in; neither is modified. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

export interface EffectiveConfig {
  /** The file the backtest reads, and its name in messages. */
  readonly path: string;
  readonly name: string;
  /** The merged file, relative to the report folder (null without overrides). */
  readonly written: string | null;
}

/** Resolves a window's config; with overrides, writes the merged file into `dir`. */
export async function effectiveConfig(opts: {
  readonly windowId: string;
  readonly path: string;
  readonly name: string;
  readonly overrides: Readonly<Obj> | null;
  readonly dir: string;
  /** `dir` relative to the report folder. */
  readonly dirRel: string;
}): Promise<EffectiveConfig> {
  if (opts.overrides === null) return { path: opts.path, name: opts.name, written: null };
  let text: string;
  try {
    text = await readFile(opts.path, 'utf8');
  } catch (e) {
    throw new WindowInputError(opts.windowId, `config: cannot read ${opts.name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(e)}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) as unknown;
  } catch (e) {
    throw new WindowInputError(opts.windowId, `config: ${opts.name}: not YAML/JSON: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`, { cause: e });
  }
  const merged = deepMerge(doc, opts.overrides);
  const header = `# ${opts.name} with the window's overrides (written by desk replay; this is what ran)\n`;
  const path = join(opts.dir, 'config.yaml');
  await writeFile(path, header + stringifyYaml(merged), 'utf8');
  const written = `${opts.dirRel}/config.yaml`;
  return { path, name: `${opts.name} + overrides (${written})`, written };
}
