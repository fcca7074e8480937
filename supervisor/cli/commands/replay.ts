/**
 * `desk replay --suite <file> [--out <dir>] [--update-baselines]` — the replay regression
 * (docs/replay-regression.md): every window of a versioned suite run through the backtest
 * harness twice, its invariants checked on the decision log and its metrics against the
 * suite's baselines; writes `<out>/regression.json` (canonical: two runs, same bytes) and
 * `<out>/regression.md`, the windows' evidence under `<out>/<window>/`.
 *
 * Progress: one line per window on stderr. Exit codes: 0 PASS; 1 FAIL (each failed check on
 * stdout, naming window and check); 2 bad input (the suite file — naming the field — or a
 * window's config or data).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { SuiteError, WindowInputError, reportJson, runReplay } from '../../../regression/index.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

/** Where the report goes without --out. */
export const DEFAULT_REPLAY_OUT = 'reports/regression';

interface ReplayFlags {
  readonly suite: string;
  readonly out?: string;
  readonly updateBaselines?: boolean;
  readonly json?: boolean;
}

async function run(flags: ReplayFlags, ctx: CommandContext): Promise<void> {
  const cwd = ctx.io.cwd;
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const out = abs(flags.out ?? DEFAULT_REPLAY_OUT);
  const shown = (p: string): string => relative(cwd, p) || '.';
  let outcome;
  try {
    outcome = await runReplay({
      suitePath: abs(flags.suite),
      suiteGiven: flags.suite,
      out,
      updateBaselines: flags.updateBaselines === true,
      now: () => performance.now(),
      onWindow: ({ index, total, id, result, ms }) => {
        const head = `replay [${index + 1}/${total}] ${id}`;
        if (result === undefined) return ctx.io.err(`${head}: running (2 runs)…`);
        const fails = result.failures.length;
        ctx.io.err(`${head}: ${result.verdict}${fails > 0 ? ` (${fails} failed check${fails === 1 ? '' : 's'})` : ''} in ${((ms ?? 0) / 1000).toFixed(1)} s`);
      },
    });
  } catch (e) {
    if (e instanceof SuiteError || e instanceof WindowInputError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    throw e;
  }
  const r = outcome.report;
  if (outcome.updateRefused !== null) ctx.io.err(`desk: --update-baselines refused: ${outcome.updateRefused}; ${flags.suite} is unchanged`);
  else if (outcome.baselineChanges !== null) {
    const n = outcome.baselineChanges.length;
    ctx.io.err(`desk: --update-baselines: ${n === 0 ? 'no baseline changed' : `${n} baseline value${n === 1 ? '' : 's'} rewritten in ${flags.suite} — review its diff before committing`}`);
    for (const c of outcome.baselineChanges) ctx.io.err(`  ${c.window}.${c.metric}: ${c.from ?? '(new)'} → ${c.to}`);
  }
  if (flags.json === true) ctx.io.out(reportJson(r).trimEnd());
  else {
    const lines = [`replay ${r.verdict}: ${r.windows.length} windows, ${r.failures.length} failed checks; report ${shown(outcome.paths.json)}, ${shown(outcome.paths.md)}`];
    for (const f of r.failures) lines.push(`  FAIL ${f}`);
    ctx.io.out(lines.join('\n'));
  }
  ctx.setExit(r.verdict === 'PASS' && outcome.updateRefused === null ? EXIT.ok : EXIT.failure);
}

/** Registers `desk replay`. */
export const registerReplay: RegisterCommand = (program, ctx) => {
  program
    .command('replay')
    .description('replay regression: run a versioned suite of market-data windows, check invariants and baseline metrics, write regression.json + regression.md (exit 0 PASS, 1 FAIL, 2 bad input)')
    .requiredOption('--suite <file>', 'the regression suite (YAML, version 1), e.g. regression/suite.yaml')
    .option('--out <dir>', `report folder: regression.json, regression.md, one folder per window (default ${DEFAULT_REPLAY_OUT})`)
    .option('--update-baselines', "deliberately rewrite the suite's baseline values from this run (refused when an invariant fails; review the diff)")
    .option('--json', 'print regression.json on stdout instead of the summary')
    .action(async (opts: ReplayFlags) => run(opts, ctx));
};
