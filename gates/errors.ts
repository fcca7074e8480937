/** Errors of the gate runner. Bad input (a flag, a missing suite or config file) is exit 2. */

export class GatesInputError extends Error {
  override readonly name = 'GatesInputError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
