/**
 * Errors of the backtest run itself (the data layer's are in data/errors.ts). A
 * `BacktestInputError` is a user's mistake — a flag, a config field or a data/config mismatch —
 * and its message names it; the CLI exits 2 on it.
 */

/** Bad input to a run; `field` is the flag or config path it is about (`--bot`, `strategy.bar_interval_s`). */
export class BacktestInputError extends Error {
  override readonly name = 'BacktestInputError';
  constructor(
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
  }
}

/** The harness wired wrongly (a bug, not the user's input): e.g. a perp strategy given a spot view. */
export class BacktestFault extends Error {
  override readonly name = 'BacktestFault';
}
