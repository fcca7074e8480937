/**
 * Errors of the backtest data layer. Expected data-quality problems are {@link DataFinding}
 * values; these classes are for what stops a load: error findings ({@link DataError}), a file
 * that cannot be read ({@link DataReadError}) and a tampered OHLCV cache ({@link CacheIntegrityError}).
 */
import type { DataFinding } from '../types.ts';

function describe(f: DataFinding): string {
  const where = f.line === undefined ? f.file : `${f.file}:${f.line}`;
  return `${where}: ${f.code}: ${f.message}`;
}

/** The data has error findings; the message lists every one of them, one a line. */
export class DataError extends Error {
  override readonly name = 'DataError';
  /** All findings (errors and warnings) of the load that failed. */
  readonly findings: readonly DataFinding[];
  constructor(findings: readonly DataFinding[], options?: { cause?: unknown }) {
    const errors = findings.filter((f) => f.severity === 'error');
    super(`bad market data (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${errors.map(describe).join('\n')}`, options);
    this.findings = findings;
  }
}

/** A data file (or events directory) could not be read: missing, unreadable, corrupt gzip. */
export class DataReadError extends Error {
  override readonly name = 'DataReadError';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options);
  }
}

/** A cached OHLCV file does not match its recorded sha256 (or the hash file is missing). */
export class CacheIntegrityError extends Error {
  override readonly name = 'CacheIntegrityError';
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${reason}`, options);
  }
}
