/**
 * Errors of the event store adapters. An invalid envelope is bad input (nothing is written);
 * a missing or unreadable store directory is bad input for `verify`.
 */

/** One problem with an envelope, with the dotted path of the field (`payload.qty`, `seq`). */
export interface EnvelopeIssue {
  readonly path: string;
  readonly message: string;
}

/** An event failed envelope validation; the message names every offending field. */
export class EnvelopeValidationError extends Error {
  override readonly name = 'EnvelopeValidationError';
  constructor(
    readonly issues: readonly EnvelopeIssue[],
    options?: { cause?: unknown },
  ) {
    super(`invalid event envelope: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, options);
  }
}

/** The store directory (or one of its files) could not be read. */
export class StoreReadError extends Error {
  override readonly name = 'StoreReadError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** The writer was used after `close()`, or an earlier flush failed (the cause says why). */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
}
