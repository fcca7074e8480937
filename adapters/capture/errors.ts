/**
 * Errors of the capture/OHLCV file adapters. Each names the file and, where known, the line,
 * so the CLI can print `file:line: reason` and exit 2 (bad input).
 */

/** A file could not be opened or decoded (missing, unreadable, truncated or corrupt gzip). */
export class CaptureReadError extends Error {
  override readonly name = 'CaptureReadError';
  constructor(
    readonly file: string,
    /** Last line read completely before the failure (0 = none). */
    readonly line: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A line was read but its content is not valid input (bad JSON, missing field, bad row…). */
export class CaptureFormatError extends Error {
  override readonly name = 'CaptureFormatError';
  constructor(
    readonly file: string,
    /** 1-based line, or 0 when the problem is the file as a whole. */
    readonly line: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`, options);
  }
}
