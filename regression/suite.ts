/**
 * The regression suite file (`version: 1`, YAML or JSON): its types and its validation. Every
 * problem is reported at once, each with its field path (`windows[2].data.start: …`), as a
 * `SuiteError` (exit 2). Relative paths (data files, configs) resolve against the suite file's
 * folder. The format is documented in docs/replay-regression.md.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { Decimal } from '../domain/money/decimal.ts';
import type { DataFormat } from '../backtest/types.ts';
import { SuiteError } from './errors.ts';
import { type BaselineEntry, METRIC_NAMES, type MetricName } from './metrics.ts';

export const SUITE_VERSION = 1;

/** The invariants, in the order a report lists them. */
export const INVARIANT_NAMES = ['no_order_inside_book', 'risk_denials_deterministic', 'intent_expiry', 'hard_stop', 'zero_orders'] as const;
export type InvariantName = (typeof INVARIANT_NAMES)[number];

const STRATEGIES = ['epp', 'ma-cross'] as const;
const FORMATS = ['auto', 'capture', 'ohlcv-csv', 'ohlcv-json', 'events'] as const;
const FILL_MODELS = ['limit', 'conservative'] as const;
const VARIANTS = ['normal', 'no_trade'] as const;
const HARD_STOP_REASONS = ['daily_loss', 'drawdown'] as const;
/** Invariants that read the EPP controller's state or its regimes' refresh_s. */
const EPP_ONLY: ReadonlySet<InvariantName> = new Set(['intent_expiry', 'hard_stop']);

export interface WindowData {
  readonly files: readonly string[];
  readonly format: DataFormat | 'auto';
  /** Epoch ms (start inclusive, end exclusive), null = open. */
  readonly start: number | null;
  readonly end: number | null;
}

export interface SuiteWindow {
  readonly id: string;
  readonly description: string | null;
  readonly data: WindowData;
  readonly strategy: (typeof STRATEGIES)[number];
  /** Desk or bot config file (relative to the suite file). */
  readonly config: string;
  readonly bot: string | null;
  readonly strategyConfig: string | null;
  readonly fillModel: (typeof FILL_MODELS)[number] | null;
  /** Deep-merged into the config file (mappings merge, anything else replaces). */
  readonly overrides: Readonly<Record<string, unknown>> | null;
  /** `no_trade`: the window must place zero orders (implies the `zero_orders` invariant). */
  readonly variant: (typeof VARIANTS)[number];
  /** The HARD_STOP reason the window must end in (implies the `hard_stop` invariant). */
  readonly hardStop: (typeof HARD_STOP_REASONS)[number] | null;
  /** Listed and implied invariants, in `INVARIANT_NAMES` order. */
  readonly invariants: readonly InvariantName[];
  /** Baseline metrics in the file's order. */
  readonly baseline: readonly { readonly name: MetricName; readonly entry: BaselineEntry }[];
}

export interface Suite {
  readonly version: number;
  readonly name: string;
  readonly windows: readonly SuiteWindow[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));
const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Collects problems with their paths while a value is read. */
class Reader {
  readonly problems: string[] = [];
  bad(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }
  unknownKeys(o: Obj, path: string, known: readonly string[]): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.bad(`${path === '' ? '' : `${path}.`}${k}`, `unknown field (expected one of ${known.join(', ')})`);
  }
  str(o: Obj, key: string, path: string, required: boolean): string | null {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.bad(path, 'required');
      return null;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.bad(path, `expected a non-empty string, got ${show(v)}`);
      return null;
    }
    return v;
  }
  choice<T extends string>(o: Obj, key: string, path: string, choices: readonly T[], fallback: T | null): T | null {
    const v = o[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
    this.bad(path, `expected one of ${choices.join(', ')}, got ${show(v)}`);
    return fallback;
  }
  time(o: Obj, key: string, path: string): number | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    let ms = Number.NaN;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) ms = v;
    else if (typeof v === 'string') {
      const m = ISO.exec(v.trim());
      if (m !== null) ms = Date.parse(m[2] === undefined ? `${m[1]}T00:00:00Z` : `${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
    }
    if (!Number.isFinite(ms)) this.bad(path, `expected an ISO time (2022-01-21T12:00:00Z; no zone = UTC) or epoch milliseconds, got ${show(v)}`);
    return Number.isFinite(ms) ? ms : null;
  }
  decimal(v: unknown, path: string, nonNegative: boolean): Decimal | null {
    const ok = (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && DECIMAL.test(v.trim()));
    if (!ok) {
      this.bad(path, `expected a decimal number (e.g. "12.5"), got ${show(v)}`);
      return null;
    }
    const d = new Decimal(typeof v === 'string' ? v.trim() : v);
    if (nonNegative && d.isNegative()) {
      this.bad(path, `expected a value ≥ 0, got ${show(v)}`);
      return null;
    }
    return d;
  }
}

function readData(r: Reader, v: unknown, path: string): WindowData | null {
  if (!isObj(v)) {
    r.bad(path, v === undefined ? 'required' : `expected a mapping with files, format, start, end; got ${show(v)}`);
    return null;
  }
  r.unknownKeys(v, path, ['files', 'format', 'start', 'end']);
  const files = v['files'];
  const okFiles = Array.isArray(files) && files.length > 0 && files.every((f) => typeof f === 'string' && f.trim() !== '');
  if (!okFiles) r.bad(`${path}.files`, `expected a non-empty list of data file paths, got ${show(files)}`);
  const format = r.choice(v, 'format', `${path}.format`, FORMATS, 'auto') ?? 'auto';
  const start = r.time(v, 'start', `${path}.start`);
  const end = r.time(v, 'end', `${path}.end`);
  if (start !== null && end !== null && end <= start) r.bad(`${path}.end`, `expected a time after start (${new Date(start).toISOString()}), got ${new Date(end).toISOString()}`);
  return okFiles ? { files: files as string[], format, start, end } : null;
}

function readBaseline(r: Reader, v: unknown, path: string): SuiteWindow['baseline'] {
  if (v === undefined || v === null) return [];
  if (!isObj(v)) {
    r.bad(path, `expected a mapping of metric → { expected, abs, rel }, got ${show(v)}`);
    return [];
  }
  const out: { name: MetricName; entry: BaselineEntry }[] = [];
  for (const [name, e] of Object.entries(v)) {
    const p = `${path}.${name}`;
    if (!(METRIC_NAMES as readonly string[]).includes(name)) {
      r.bad(p, `unknown metric (expected one of ${METRIC_NAMES.join(', ')})`);
      continue;
    }
    if (!isObj(e)) {
      r.bad(p, `expected { expected, abs, rel }, got ${show(e)}`);
      continue;
    }
    r.unknownKeys(e, p, ['expected', 'abs', 'rel']);
    const expected = e['expected'] === undefined ? (r.bad(`${p}.expected`, 'required'), null) : r.decimal(e['expected'], `${p}.expected`, false);
    const abs = e['abs'] === undefined ? new Decimal(0) : r.decimal(e['abs'], `${p}.abs`, true);
    const rel = e['rel'] === undefined ? new Decimal(0) : r.decimal(e['rel'], `${p}.rel`, true);
    if (expected !== null && abs !== null && rel !== null) out.push({ name: name as MetricName, entry: { expected, abs, rel } });
  }
  return out;
}

function readInvariants(r: Reader, v: unknown, path: string): InvariantName[] {
  if (!Array.isArray(v) || v.length === 0) {
    r.bad(path, `expected a non-empty list of invariants (${INVARIANT_NAMES.join(', ')}), got ${show(v)}`);
    return [];
  }
  const out: InvariantName[] = [];
  v.forEach((x, i) => {
    if (typeof x === 'string' && (INVARIANT_NAMES as readonly string[]).includes(x)) out.push(x as InvariantName);
    else r.bad(`${path}[${i}]`, `unknown invariant ${show(x)} (expected one of ${INVARIANT_NAMES.join(', ')})`);
  });
  return out;
}

const WINDOW_KEYS = ['id', 'description', 'data', 'strategy', 'config', 'bot', 'strategy_config', 'fill_model', 'overrides', 'variant', 'hard_stop', 'invariants', 'baseline'];

function readWindow(r: Reader, v: unknown, path: string, seen: Map<string, string>): SuiteWindow | null {
  if (!isObj(v)) {
    r.bad(path, `expected a window mapping, got ${show(v)}`);
    return null;
  }
  r.unknownKeys(v, path, WINDOW_KEYS);
  const id = r.str(v, 'id', `${path}.id`, true);
  if (id !== null && !ID.test(id)) r.bad(`${path}.id`, `expected lowercase letters, digits, - and _ (it names the window's output folder), got ${show(id)}`);
  else if (id !== null && seen.has(id)) r.bad(`${path}.id`, `expected a unique window id, got ${show(id)} (also ${seen.get(id) ?? ''})`);
  else if (id !== null) seen.set(id, `${path}.id`);
  const description = v['description'] === undefined ? null : r.str(v, 'description', `${path}.description`, false);
  const data = readData(r, v['data'], `${path}.data`);
  const strategy = r.choice(v, 'strategy', `${path}.strategy`, STRATEGIES, null);
  if (v['strategy'] === undefined) r.bad(`${path}.strategy`, `required (one of ${STRATEGIES.join(', ')})`);
  const config = r.str(v, 'config', `${path}.config`, true);
  const bot = r.str(v, 'bot', `${path}.bot`, false);
  const strategyConfig = r.str(v, 'strategy_config', `${path}.strategy_config`, false);
  const fillModel = r.choice(v, 'fill_model', `${path}.fill_model`, FILL_MODELS, null);
  const overrides = v['overrides'] === undefined || v['overrides'] === null ? null : isObj(v['overrides']) ? v['overrides'] : (r.bad(`${path}.overrides`, `expected a mapping merged into the config file, got ${show(v['overrides'])}`), null);
  const variant = r.choice(v, 'variant', `${path}.variant`, VARIANTS, 'normal') ?? 'normal';
  const hardStop = r.choice(v, 'hard_stop', `${path}.hard_stop`, HARD_STOP_REASONS, null);
  const listed = readInvariants(r, v['invariants'], `${path}.invariants`);
  if (listed.includes('hard_stop') && hardStop === null) r.bad(`${path}.hard_stop`, `required by the hard_stop invariant (one of ${HARD_STOP_REASONS.join(', ')})`);
  const implied = new Set<InvariantName>(listed);
  if (variant === 'no_trade') implied.add('zero_orders');
  if (hardStop !== null) implied.add('hard_stop');
  const invariants = INVARIANT_NAMES.filter((n) => implied.has(n));
  if (strategy !== null && strategy !== 'epp') {
    for (const n of invariants) if (EPP_ONLY.has(n)) r.bad(`${path}.invariants`, `${n} reads the EPP controller (its regimes' refresh_s, its HARD_STOP latch); strategy ${strategy} cannot be checked for it`);
  }
  if (strategyConfig !== null && strategy === 'epp') r.bad(`${path}.strategy_config`, `the EPP takes its parameters from the config's strategy section; drop strategy_config`);
  const baseline = readBaseline(r, v['baseline'], `${path}.baseline`);
  if (id === null || data === null || strategy === null || config === null) return null;
  return { id, description, data, strategy, config, bot, strategyConfig, fillModel, overrides, variant, hardStop, invariants, baseline };
}

/** Validates a parsed suite document; throws a `SuiteError` listing every problem. */
export function validateSuite(doc: unknown, file: string): Suite {
  const r = new Reader();
  if (!isObj(doc)) throw new SuiteError(file, [`expected a mapping with version, name, windows; got ${show(doc)}`]);
  r.unknownKeys(doc, '', ['version', 'name', 'windows']);
  if (doc['version'] !== SUITE_VERSION) r.bad('version', `expected ${SUITE_VERSION} (the suite format's version), got ${show(doc['version'])}`);
  const name = doc['name'] === undefined ? 'regression' : (r.str(doc, 'name', 'name', false) ?? 'regression');
  const ws = doc['windows'];
  const windows: SuiteWindow[] = [];
  if (!Array.isArray(ws) || ws.length === 0) r.bad('windows', `expected a non-empty list of windows, got ${show(ws)}`);
  else {
    const seen = new Map<string, string>();
    ws.forEach((w, i) => {
      const win = readWindow(r, w, `windows[${i}]`, seen);
      if (win !== null) windows.push(win);
    });
  }
  if (r.problems.length > 0) throw new SuiteError(file, r.problems);
  return { version: SUITE_VERSION, name, windows };
}

/** Reads and validates a suite file; returns it with its text (hashed into the report). */
export async function loadSuite(path: string, given: string): Promise<{ suite: Suite; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SuiteError(given, [`cannot read the suite (${code === 'ENOENT' ? 'no such file' : String(code ?? e)})`], { cause: e });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) as unknown;
  } catch (e) {
    throw new SuiteError(given, [`not YAML/JSON: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`], { cause: e });
  }
  return { suite: validateSuite(doc, given), text };
}
