/**
 * The CLI's view of the terminal, injected so commands can be run in-process by tests.
 * Exit codes follow common conventions: 0 success, 1 runtime failure, 2 bad input or usage.
 */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Working directory relative paths are resolved against. */
  readonly cwd: string;
}

export const EXIT = { ok: 0, failure: 1, invalid: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  cwd: process.cwd(),
};

/** A CLI error that carries its exit code; thrown by commands, printed by `main`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.invalid,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
