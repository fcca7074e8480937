/**
 * `desk config check <file...> [--json]`: validates YAML/JSON config files and prints every
 * violation with its file, position, path and what was expected. Exit 0 when every file is
 * valid, 2 when any is invalid or cannot be read.
 */
import type { Command } from 'commander';
import { isAbsolute, resolve } from 'node:path';
import { loadConfigFile } from '../../../config/load.ts';
import type { LoadResult } from '../../../config/load.ts';
import { EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

/** One file's outcome in `--json` output. */
export interface CheckedFile {
  readonly file: string;
  readonly ok: boolean;
  readonly format?: string;
  readonly stage?: string;
  readonly bots?: readonly string[];
  readonly violations: readonly { readonly path: string; readonly message: string; readonly line?: number; readonly column?: number }[];
}

function toChecked(r: LoadResult): CheckedFile {
  if (r.ok) return { file: r.file, ok: true, format: r.format, bots: r.config.bots.map((b) => b.id), violations: [] };
  return {
    file: r.file,
    ok: false,
    stage: r.stage,
    ...(r.format ? { format: r.format } : {}),
    violations: r.violations.map((v) => ({ path: v.path, message: v.message, ...(v.line !== undefined ? { line: v.line, column: v.column } : {}) })),
  };
}

/** Renders one file's outcome as text: a heading line, then one line per violation. */
export function formatChecked(c: CheckedFile): string {
  if (c.ok) {
    const bots = c.bots ?? [];
    return `${c.file}: ok (${bots.length} bot${bots.length === 1 ? '' : 's'}: ${bots.join(', ')})`;
  }
  const n = c.violations.length;
  const what = c.stage === 'read' ? 'cannot be read' : c.stage === 'syntax' ? `${n} syntax error${n === 1 ? '' : 's'}` : `${n} violation${n === 1 ? '' : 's'}`;
  const lines = c.violations.map((v) => {
    const where = v.line !== undefined ? `${c.file}:${v.line}:${v.column ?? 1}` : c.file;
    return `  ${where}  ${v.path ? `${v.path}: ` : ''}${v.message}`;
  });
  return [`${c.file}: ${what}`, ...lines].join('\n');
}

async function check(files: readonly string[], json: boolean, ctx: CommandContext): Promise<void> {
  const results: CheckedFile[] = [];
  for (const file of files) {
    const path = isAbsolute(file) ? file : resolve(ctx.io.cwd, file);
    results.push(toChecked(await loadConfigFile(path, file)));
  }
  const invalid = results.filter((r) => !r.ok).length;
  if (json) {
    ctx.io.out(`${JSON.stringify({ ok: invalid === 0, files: results }, null, 2)}\n`);
  } else {
    ctx.io.out(`${results.map(formatChecked).join('\n')}\n`);
    if (invalid > 0) ctx.io.err(`config check: ${invalid} of ${results.length} file${results.length === 1 ? '' : 's'} invalid\n`);
  }
  ctx.setExit(invalid === 0 ? EXIT.ok : EXIT.invalid);
}

/** Registers the `config` command group and its `check` subcommand. */
export const registerConfigCheck: RegisterCommand = (program: Command, ctx: CommandContext) => {
  const config = program.command('config').description('work with desk config files');
  config
    .command('check')
    .description('validate YAML/JSON config files; print every violation with its path; exit 0 valid, 2 invalid')
    .argument('<file...>', 'config files (.yaml, .yml or .json; other names are sniffed)')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], opts: { json?: boolean }) => {
      await check(files, opts.json === true, ctx);
    });
};
