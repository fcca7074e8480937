/**
 * `desk gates [--out <dir>] [--level n] [--evidence <dir>] [--config <file>] [--suite <file>]
 * [--max-age <dur|input=dur,…>] [--json]`: the promotion gates (gates/, docs/promotion-gates.md).
 * Writes `<out>/gates.json` and `<out>/gates.md`.
 *
 * Exit codes: 0 PASS (the requested level reached), 1 FAIL (the failing checks are named),
 * 2 bad input (a flag, a missing config or suite file).
 */
import { GatesInputError } from '../../../gates/errors.ts';
import { DEFAULT_LEVEL, LADDER, MAX_LEVEL } from '../../../gates/ladder.ts';
import { DEFAULT_MAX_AGE, runGates } from '../../../gates/run-gates.ts';
import type { GatesReport } from '../../../gates/types.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

interface GatesFlags {
  readonly out: string;
  readonly level: string;
  readonly evidence: string;
  readonly config: string;
  readonly suite: string;
  readonly maxAge: string;
  readonly json?: boolean;
}

function levelOf(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new CliError(`--level: expected an integer 0..${MAX_LEVEL}, got ${JSON.stringify(text)}`, EXIT.invalid);
  return Number(text);
}

/** The text summary: verdict and level, then one line per check, reasons under failing ones. */
export function gatesText(r: GatesReport, files: readonly string[]): string {
  const reached = r.levelReached === null ? 'none' : `${r.levelReached} (${LADDER[r.levelReached]?.name ?? '?'})`;
  const lines = [`gates      ${r.verdict}  level reached ${reached}, requested ${r.requestedLevel}`];
  for (const c of r.checks) {
    lines.push(`  L${c.level} ${c.id.padEnd(15)} ${c.status.padEnd(4)} ${c.evidence[0] ?? ''}`.trimEnd());
    for (const why of c.reasons) lines.push(`       ${why}`);
  }
  lines.push(`report     ${files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

async function run(flags: GatesFlags, ctx: CommandContext): Promise<void> {
  const level = levelOf(flags.level);
  let result;
  try {
    result = await runGates({ cwd: ctx.io.cwd, outDir: flags.out, evidenceDir: flags.evidence, configFile: flags.config, suiteFile: flags.suite, level, maxAge: flags.maxAge });
  } catch (e) {
    if (e instanceof GatesInputError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    throw e;
  }
  const { report, jsonFile, markdownFile } = result;
  ctx.io.out(flags.json === true ? `${JSON.stringify({ reports: [jsonFile, markdownFile], ...report }, null, 2)}\n` : gatesText(report, [jsonFile, markdownFile]));
  ctx.setExit(report.verdict === 'PASS' ? EXIT.ok : EXIT.failure);
}

export const registerGates: RegisterCommand = (program, ctx) => {
  program
    .command('gates')
    .description('promotion gates: config, regression, paper smoke, store integrity, soak, parity, recon, analysis, secrets; the validation-ladder level reached (docs/promotion-gates.md)')
    .option('--out <dir>', 'where gates.json, gates.md and the run\'s own artifacts (regression/, smoke/) go', 'var/gates')
    .option('--level <n>', `the ladder level to reach, 0..${MAX_LEVEL}; checks above it are SKIP`, String(DEFAULT_LEVEL))
    .option('--evidence <dir>', 'root of earlier reports: <dir>/reports/{paper_soak,parity,reconciliation,analysis}/', 'var')
    .option('--config <file>', 'the desk config to check and smoke-test', 'config/desk.default.yaml')
    .option('--suite <file>', 'the regression suite', 'regression/suite.yaml')
    .option('--max-age <spec>', 'max age of evidence: a duration for all (24h), and/or input=duration pairs (paper_soak=48h,reconciliation=1h)', DEFAULT_MAX_AGE)
    .option('--json', 'print the report as one JSON document')
    .addHelpText('after', '\nExit codes: 0 PASS (level reached), 1 FAIL (failing checks named), 2 bad input.')
    .action(async (flags: GatesFlags) => run(flags, ctx));
};
