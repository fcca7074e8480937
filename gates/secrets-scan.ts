/**
 * A small secrets scanner for the desk's artifacts (reports, event stores, logs, summaries).
 * It looks for two things (docs/promotion-gates.md, "Secrets scan"):
 *
 * 1. **The values of known secret variables** in the environment of the run — the venue's
 *    (`DESK_VENUE_API_KEY/SECRET/PASSPHRASE`), the simulator's (`DESK_SIM_*`), NATS's
 *    (`NATS_PASSWORD`, `NATS_TOKEN`, `NATS_NKEY_SEED`), every variable a bot's `execution`
 *    section names, and any variable whose name says it holds a secret (`*SECRET*`,
 *    `*PASSPHRASE*`, `*PASSWORD*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`) — whole, and the first
 *    12 characters of values of 20 or more (a truncated log line still leaks).
 * 2. **Shapes of secrets**, whoever they belong to: PEM private keys, NATS nkey seeds, a field
 *    named like a credential (`secret`, `apiSecret`, `passphrase`, `password`, `private_key`,
 *    `token`, …) holding a value of 8+ credential characters, exchange-style API keys (64
 *    alphanumerics mixing upper case, lower case and digits, as Binance issues), AWS access key
 *    ids, GitHub and Slack tokens. A bare 64-hex string is *not* flagged: sha256 digests (config
 *    and data hashes) look the same; a hex secret is caught by its field name or its env value.
 *
 * A finding names the file, the line and what matched — never the matched text.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface SecretNeedle {
  /** What it is, as reported (`$DESK_VENUE_API_SECRET`, `$DESK_VENUE_API_SECRET[0..12]`). */
  readonly name: string;
  readonly value: string;
}

export interface SecretPattern {
  readonly name: string;
  readonly re: RegExp;
}

export interface SecretFinding {
  readonly file: string;
  readonly line: number;
  /** The needle's or pattern's name. */
  readonly what: string;
}

export interface ScanResult {
  readonly files: number;
  readonly bytes: number;
  readonly findings: readonly SecretFinding[];
}

export const KNOWN_SECRET_ENV = [
  'DESK_VENUE_API_KEY', 'DESK_VENUE_API_SECRET', 'DESK_VENUE_API_PASSPHRASE',
  'DESK_SIM_API_KEY', 'DESK_SIM_API_SECRET', 'DESK_SIM_PASSPHRASE',
  'NATS_PASSWORD', 'NATS_TOKEN', 'NATS_NKEY_SEED',
] as const;

const SECRET_NAME = /(^|_)(SECRET|PASSPHRASE|PASSWORD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY)(_|$)/i;
/** The venue simulator's documented credentials (docs/venue-sim.md): public, not secrets. */
const PUBLIC_VALUES = new Set(['test-key', 'test-secret', 'test-pass']);
const MIN_VALUE = 8;
const PREFIX = 12;
const PREFIX_FROM = 20;

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  { name: 'private key (PEM)', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g },
  { name: 'NATS nkey seed', re: /(?<![A-Z0-9])S[UAOCNPX][A-Z2-7]{56}(?![A-Z2-7])/g },
  {
    name: 'credential field with a value',
    re: /(?<![A-Za-z0-9_])["']?(?:api[_-]?secret|secret[_-]?key|secret|passphrase|password|passwd|private[_-]?key|api[_-]?token|access[_-]?token|auth[_-]?token|token)["']?\s*[:=]\s*["']?(?![A-Z][A-Z0-9_]*["'\s,}]|\*+|<)[A-Za-z0-9+/=_.-]{8,}/gi,
  },
  { name: 'exchange-style API key (64 mixed-case alphanumerics)', re: /(?<![A-Za-z0-9])(?=[A-Za-z0-9]{64}(?![A-Za-z0-9]))(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{64}/g },
  { name: 'AWS access key id', re: /(?<![A-Z0-9])AKIA[0-9A-Z]{16}(?![A-Z0-9])/g },
  { name: 'GitHub token', re: /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{36,}/g },
  { name: 'Slack token', re: /(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}/g },
];

/**
 * The needles of `env`: the known secret variables, `extraNames` (e.g. a config's
 * `execution.api_*_env`), and every variable named like a secret, when set to 8+ characters
 * other than the simulator's public defaults.
 */
export function envSecretNeedles(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): SecretNeedle[] {
  const names = new Set<string>([...KNOWN_SECRET_ENV, ...extraNames, ...Object.keys(env).filter((k) => SECRET_NAME.test(k))]);
  const out: SecretNeedle[] = [];
  for (const name of [...names].sort()) {
    const value = env[name];
    if (value === undefined || value.length < MIN_VALUE || PUBLIC_VALUES.has(value)) continue;
    out.push({ name: `$${name}`, value });
    if (value.length >= PREFIX_FROM) out.push({ name: `$${name}[0..${PREFIX}]`, value: value.slice(0, PREFIX) });
  }
  return out;
}

/** Every regular file under `root` (not following symlinks; skipping node_modules and .git), sorted. */
export async function filesUnder(root: string): Promise<string[]> {
  let st;
  try {
    st = await lstat(root);
  } catch {
    return [];
  }
  if (st.isFile()) return [root];
  if (!st.isDirectory()) return [];
  const out: string[] = [];
  for (const e of (await readdir(root, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name === 'node_modules' || e.name === '.git') continue;
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const CHUNK = 1 << 20;
/** Carried between chunks so a match split by a chunk boundary is still seen (longer than any pattern's match needs). */
const OVERLAP = 4096;

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** Scans one file; at most one finding per (file, what): the first line it occurs on. */
export async function scanFile(file: string, needles: readonly SecretNeedle[], patterns: readonly SecretPattern[] = SECRET_PATTERNS): Promise<{ bytes: number; findings: SecretFinding[] }> {
  const found = new Map<string, number>();
  let carry = '';
  let carryLine = 1; // line number at the start of `carry`
  let bytes = 0;
  const look = (text: string, line0: number): void => {
    for (const n of needles) {
      if (found.has(n.name)) continue;
      const at = text.indexOf(n.value);
      if (at !== -1) found.set(n.name, line0 + countNewlines(text, at));
    }
    for (const p of patterns) {
      if (found.has(p.name)) continue;
      p.re.lastIndex = 0;
      const m = p.re.exec(text);
      if (m !== null) found.set(p.name, line0 + countNewlines(text, m.index));
    }
  };
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: CHUNK }) as AsyncIterable<string>) {
    bytes += chunk.length;
    const text = carry + chunk;
    look(text, carryLine);
    const keep = Math.max(0, text.length - OVERLAP);
    carryLine += countNewlines(text, keep);
    carry = text.slice(keep);
  }
  const findings = [...found].map(([what, line]) => ({ file, line, what })).sort((a, b) => a.line - b.line || (a.what < b.what ? -1 : 1));
  return { bytes, findings };
}

/** Scans every file under each root (each file once), except the absolute paths in `exclude`. */
export async function scanArtifacts(roots: readonly string[], needles: readonly SecretNeedle[], patterns: readonly SecretPattern[] = SECRET_PATTERNS, exclude: ReadonlySet<string> = new Set()): Promise<ScanResult> {
  const files = [...new Set((await Promise.all(roots.map(filesUnder))).flat())].filter((f) => !exclude.has(f)).sort();
  let bytes = 0;
  const findings: SecretFinding[] = [];
  for (const f of files) {
    const r = await scanFile(f, needles, patterns);
    bytes += r.bytes;
    findings.push(...r.findings);
  }
  return { files: files.length, bytes, findings };
}
