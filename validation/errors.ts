/** Errors of the validation readers: each with a `name` and, where there is one, a `cause`. */

/** The events could not be read at all (missing directory, unreachable stream): bad input. */
export class EventSourceError extends Error {
  override readonly name = 'EventSourceError';
  constructor(
    readonly source: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${reason}`, options);
  }
}
