/**
 * Errors of the bus adapters. Each is a fault (bad subject, bad payload, closed bus, no reply
 * in time), not an expected outcome: a denied command travels as a message, not as one of these.
 */

/** A subject or subject pattern is malformed, or a token (bot id, component) is unusable in one. */
export class InvalidSubjectError extends Error {
  override readonly name = 'InvalidSubjectError';
  constructor(
    readonly subject: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid subject ${JSON.stringify(subject)}: ${reason}`, options);
  }
}

/** A message or its headers cannot travel on the wire (not a JSON object, a cycle, a BigInt, a non-string header). Nothing is delivered. */
export class BusPayloadError extends Error {
  override readonly name = 'BusPayloadError';
  constructor(
    readonly subject: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot publish on ${subject}: ${reason}`, options);
  }
}

/** The bus was used after `close()`; pending requests are rejected with it too. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
  constructor(operation: string, options?: { cause?: unknown }) {
    super(`bus is closed (${operation})`, options);
  }
}

/** A request got no reply within its timeout. */
export class BusTimeoutError extends Error {
  override readonly name = 'BusTimeoutError';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`request on ${subject} timed out after ${timeoutMs} ms`, options);
  }
}

/** A request was published where nobody listens (NATS answers such a request at once with 503). */
export class BusNoRespondersError extends Error {
  override readonly name = 'BusNoRespondersError';
  constructor(
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    super(`no responders on ${subject}`, options);
  }
}

/** A subscriber's handler threw or rejected; reported through the bus's `onError`, never to the publisher. */
export class BusHandlerError extends Error {
  override readonly name = 'BusHandlerError';
  constructor(
    readonly subject: string,
    readonly pattern: string,
    options: { cause: unknown },
  ) {
    super(`handler for ${pattern} failed on ${subject}: ${describe(options.cause)}`, options);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
