/**
 * OHLCV fetched through ccxt with a local cache pinned by content hash:
 * `<cacheDir>/<venue>/<symbol>/<timeframe>/<since>-<until>.json` in ccxt `fetchOHLCV` JSON
 * (`[[ts_ms, open, high, low, close, volume], ...]`, one row a line) plus `<same>.json.sha256`
 * (`<hex>  <name>`, as `sha256sum` writes it). A later call reads the cache and verifies the
 * hash; a mismatch or a missing hash file is a {@link CacheIntegrityError} — never a silent
 * refetch, since the point of the pin is that a run's data cannot change under it.
 *
 * The rows are written as the exchange returned them (in [since, until)); they are validated
 * when loaded (`loadMarketData` with format `ohlcv-json`), like any user file.
 */
import { basename, join } from 'node:path';
import { sha256Hex } from './content-hash.ts';
import { CacheIntegrityError } from './errors.ts';
import { readIfExists, writeFileAtomic } from './files.ts';

/** The one ccxt method this needs (a ccxt `Exchange` satisfies it). */
export interface OhlcvExchange {
  fetchOHLCV(symbol: string, timeframe: string, since: number, limit: number): Promise<readonly (readonly (number | undefined)[])[]>;
}

export interface FetchOhlcvRequest {
  readonly exchange: OhlcvExchange;
  /** Cache key for the venue (e.g. `binance`); the exchange object is not asked for its id. */
  readonly venue: string;
  /** ccxt unified symbol, e.g. `BTC/USDT` (`/` and `:` become `-` in the path). */
  readonly symbol: string;
  readonly timeframe: string;
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive. */
  readonly until: number;
  readonly cacheDir: string;
  /** Rows asked per page (default 1000). */
  readonly pageLimit?: number;
}

export interface FetchOhlcvResult {
  /** The cached JSON file (load it with format `ohlcv-json`). */
  readonly path: string;
  /** `sha256:<hex>` of the file's bytes. */
  readonly contentHash: string;
  readonly rows: number;
  readonly fromCache: boolean;
}

/** A path component: anything but letters, digits, `.`, `_`, `-` becomes `-`; no leading dot. */
export function cachePathPart(s: string): string {
  const safe = s.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^\.+/, '-');
  if (safe === '') throw new RangeError(`cache key part ${JSON.stringify(s)} is empty`);
  return safe;
}

/** Where a request's rows are cached. */
export function cachePath(r: Pick<FetchOhlcvRequest, 'cacheDir' | 'venue' | 'symbol' | 'timeframe' | 'since' | 'until'>): string {
  return join(r.cacheDir, cachePathPart(r.venue), cachePathPart(r.symbol), cachePathPart(r.timeframe), `${r.since}-${r.until}.json`);
}

/** ccxt OHLCV JSON, one row a line (a missing value is written as null and rejected on load). */
export function ohlcvJson(rows: readonly (readonly (number | undefined)[])[]): string {
  return rows.length === 0 ? '[]\n' : `[\n${rows.map((r) => JSON.stringify(r.map((v) => v ?? null))).join(',\n')}\n]\n`;
}

/** Pages `fetchOHLCV` from `since` until a page is empty, reaches `until` or makes no progress. */
async function fetchAll(r: FetchOhlcvRequest): Promise<(readonly (number | undefined)[])[]> {
  const limit = r.pageLimit ?? 1000;
  const out: (readonly (number | undefined)[])[] = [];
  let cursor = r.since;
  while (cursor < r.until) {
    const page = await r.exchange.fetchOHLCV(r.symbol, r.timeframe, cursor, limit);
    const fresh = page.filter((row) => typeof row[0] === 'number' && row[0] >= cursor && row[0] < r.until);
    if (fresh.length === 0) break;
    out.push(...fresh);
    cursor = Math.max(...fresh.map((row) => row[0] as number)) + 1;
    if (page.length < limit || page.some((row) => (row[0] ?? -Infinity) >= r.until)) break;
  }
  return out;
}

async function readCached(path: string, bytes: Buffer): Promise<FetchOhlcvResult> {
  const hashFile = `${path}.sha256`;
  const recorded = await readIfExists(hashFile);
  if (recorded === null) throw new CacheIntegrityError(path, `cached OHLCV has no hash file ${hashFile}; delete the cache entry to refetch`);
  const want = recorded.toString('utf8').trim().split(/\s+/)[0] ?? '';
  const have = sha256Hex(bytes);
  if (want !== have) throw new CacheIntegrityError(path, `cached OHLCV sha256 ${have} does not match the recorded ${want}; the cache was modified — delete it to refetch`);
  const rows = (JSON.parse(bytes.toString('utf8')) as unknown[]).length;
  return { path, contentHash: `sha256:${have}`, rows, fromCache: true };
}

/** Fetches OHLCV through ccxt, or reads (and verifies) the cached copy. */
export async function fetchOhlcvCached(r: FetchOhlcvRequest): Promise<FetchOhlcvResult> {
  if (!Number.isSafeInteger(r.since) || !Number.isSafeInteger(r.until) || r.since >= r.until) {
    throw new RangeError(`since/until: expected integer epoch ms with since < until, got ${r.since} and ${r.until}`);
  }
  const path = cachePath(r);
  const cached = await readIfExists(path);
  if (cached !== null) return readCached(path, cached);
  const rows = await fetchAll(r);
  const text = ohlcvJson(rows);
  const hex = sha256Hex(text);
  // Hash first: a crash in between leaves a hash without data (refetched next time), never
  // data without its hash (which would read as tampering).
  await writeFileAtomic(`${path}.sha256`, `${hex}  ${basename(path)}\n`);
  await writeFileAtomic(path, text);
  return { path, contentHash: `sha256:${hex}`, rows: rows.length, fromCache: false };
}
