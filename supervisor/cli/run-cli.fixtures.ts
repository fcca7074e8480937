/** Test fixture: `desk <args…>` run in-process (`main`), its exit code and what it wrote to stdout and stderr. */
import type { CliIo } from './io.ts';
import { main } from './main.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `desk ...args` with relative paths resolved against `cwd`; the output is kept as written. */
export async function runCli(cwd: string, ...args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s), err: (s) => (err += s), cwd };
  const code = await main(['node', 'desk', ...args], io);
  return { code, out, err };
}
