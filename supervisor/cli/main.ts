/**
 * The `desk` command line. Each command lives in `commands/<name>.ts` and registers itself on
 * the program; actions report their exit code through `setExit` so `main` can return it
 * (tests call `main` in-process with a captured `CliIo`).
 */
import { Command, CommanderError } from 'commander';
import { type CliIo, CliError, EXIT, processIo } from './io.ts';
import { registerConfigCheck } from './commands/config-check.ts';
import { registerDataInspect } from './commands/data-inspect.ts';
import { registerEventsVerify } from './commands/events-verify.ts';
import { registerUp } from './commands/up.ts';
import { registerProcesses } from './commands/processes.ts';
import { registerOperator } from './commands/operator.ts';
import { registerVenueSim } from './commands/venue-sim.ts';
import { registerRecon } from './commands/recon.ts';
import { registerBacktest } from './commands/backtest.ts';
import { registerSoak } from './commands/soak.ts';
import { registerParity } from './commands/parity.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerReplay } from './commands/replay.ts';
import { registerGates } from './commands/gates.ts';

export interface CommandContext {
  readonly io: CliIo;
  setExit(code: number): void;
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

const COMMANDS: readonly RegisterCommand[] = [registerUp, registerProcesses, registerConfigCheck, registerDataInspect, registerEventsVerify, registerOperator, registerVenueSim, registerRecon, registerBacktest, registerSoak, registerParity, registerAnalyze, registerGates, registerReplay];

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('desk')
    .description('desk — a market-making desk runtime: supervised bots, paper and ccxt venues, risk, kill switch')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .exitOverride();
  for (const register of COMMANDS) register(program, ctx);
  return program;
}

/** Runs the CLI with `argv` as in `process.argv` and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exit: number = EXIT.ok;
  const program = buildProgram({ io, setExit: (code) => (exit = code) });
  try {
    await program.parseAsync([...argv]);
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version are successful exits; usage errors are invalid input.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.invalid;
    }
    if (e instanceof CliError) {
      io.err(`desk: ${e.message}`);
      return e.exitCode;
    }
    io.err(`desk: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.failure;
  }
}
