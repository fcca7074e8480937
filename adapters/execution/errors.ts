/**
 * Errors of the execution adapters. Each is a fault, not an expected outcome: a venue reject or
 * a cancel of an unknown order travels as a value with a reason, never as one of these.
 */

/** The adapter was used after `close()`; places still waiting for an ack are rejected with it too. */
export class ExecutionClosedError extends Error {
  override readonly name = 'ExecutionClosedError';
  constructor(operation: string, options?: { cause?: unknown }) {
    super(`execution adapter is closed (${operation})`, options);
  }
}

/** A symbol the adapter does not trade was asked for (a configuration fault). */
export class UnknownSymbolError extends Error {
  override readonly name = 'UnknownSymbolError';
  constructor(
    readonly symbol: string,
    options?: { cause?: unknown },
  ) {
    super(`unknown symbol ${JSON.stringify(symbol)}`, options);
  }
}

/** The simulated venue could not apply an input (e.g. a malformed market event); `cause` holds the model's error. */
export class PaperInputError extends Error {
  override readonly name = 'PaperInputError';
  constructor(
    readonly input: string,
    options: { cause: unknown },
  ) {
    super(`paper execution could not apply ${input}: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
  }
}
