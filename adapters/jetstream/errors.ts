/**
 * Errors of the JetStream adapters. Each has a `name` and chains its `cause`.
 */

/** An existing stream cannot be brought to the desk's settings (e.g. memory storage, foreign subjects). */
export class DeskStreamConfigError extends Error {
  override readonly name = 'DeskStreamConfigError';
  constructor(
    readonly stream: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`stream ${stream}: ${problems.join('; ')}`, options);
  }
}

/** The local spool could not be written or read; events are not safe until it can. */
export class SpoolError extends Error {
  override readonly name = 'SpoolError';
  constructor(
    readonly dir: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`spool ${dir}: ${message}`, options);
  }
}

/** The JetStream sink was used after `close()`, or its spool failed (the cause says why). */
export class EventSinkError extends Error {
  override readonly name = 'EventSinkError';
}

/** A KV value is not what the desk wrote (bad JSON, wrong shape) or a key is unusable. */
export class DeskKvError extends Error {
  override readonly name = 'DeskKvError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${bucket}/${key}: ${message}`, options);
  }
}
