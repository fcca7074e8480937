/**
 * Errors of the replay regression (docs/replay-regression.md). A bad suite is the user's
 * mistake, reported with every problem and its field path at once (exit 2); a failing check is
 * not an error but a FAIL verdict in the report.
 */

/** The suite file cannot be used: unreadable, not YAML, or fields that do not validate. */
export class SuiteError extends Error {
  override readonly name = 'SuiteError';
  constructor(
    /** The suite file as the user gave it. */
    readonly file: string,
    /** Each problem as `<field path>: <message>` (the path is empty for the file itself). */
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problems.length === 1 ? (problems[0] ?? '') : `${problems.length} problems\n${problems.map((p) => `  ${p}`).join('\n')}`}`, options);
  }
}

/** A window could not run because of its inputs (config, data): names the window and the field. */
export class WindowInputError extends Error {
  override readonly name = 'WindowInputError';
  constructor(
    readonly windowId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
