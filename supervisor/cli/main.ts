/**
 * The `desk` command line. Each command lives in `commands/<name>.ts` and registers itself on
 * the program; actions report their exit code through `setExit` so `main` can return it
 * (tests call `main` in-process with a captured `CliIo`).
 */
import { Command, CommanderError } from 'commander';
import { type CliIo, CliError, EXIT, processIo } from './io.ts';

export interface CommandContext {
  readonly io: CliIo;
  setExit(code: number): void;
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/**
 * Each command module and the top-level names it registers, in help order. Only the module of the
 * command being run is loaded (ccxt alone takes ~0.75 s to load; `desk status` needs none of it);
 * `desk --help`, `desk help …` and an unknown name load them all, so help and suggestions are whole.
 */
const COMMANDS: readonly { readonly names: readonly string[]; readonly load: () => Promise<RegisterCommand> }[] = [
  { names: ['up'], load: async () => (await import('./commands/up.ts')).registerUp },
  { names: ['host', 'risk', 'killswitch'], load: async () => (await import('./commands/processes.ts')).registerProcesses },
  { names: ['config'], load: async () => (await import('./commands/config-check.ts')).registerConfigCheck },
  { names: ['data'], load: async () => (await import('./commands/data-inspect.ts')).registerDataInspect },
  { names: ['events'], load: async () => (await import('./commands/events-verify.ts')).registerEventsVerify },
  { names: ['spawn', 'stop', 'status', 'pause', 'resume', 'kill', 'rearm', 'target'], load: async () => (await import('./commands/operator.ts')).registerOperator },
  { names: ['venue-sim'], load: async () => (await import('./commands/venue-sim.ts')).registerVenueSim },
  { names: ['recon'], load: async () => (await import('./commands/recon.ts')).registerRecon },
  { names: ['backtest'], load: async () => (await import('./commands/backtest.ts')).registerBacktest },
  { names: ['soak'], load: async () => (await import('./commands/soak.ts')).registerSoak },
  { names: ['parity'], load: async () => (await import('./commands/parity.ts')).registerParity },
  { names: ['analyze'], load: async () => (await import('./commands/analyze.ts')).registerAnalyze },
  { names: ['gates'], load: async () => (await import('./commands/gates.ts')).registerGates },
  { names: ['replay'], load: async () => (await import('./commands/replay.ts')).registerReplay },
];

/** The top-level command names, in help order. */
export const COMMAND_NAMES: readonly string[] = COMMANDS.flatMap((c) => c.names);

/**
 * The program with the commands `argv` (as in `process.argv`) can reach: the named command's
 * module alone, or every module when no known command is named.
 */
export async function buildProgram(ctx: CommandContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('desk')
    .description('desk — a market-making desk runtime: supervised bots, paper and ccxt venues, risk, kill switch')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .exitOverride();
  const name = argv[2];
  if (name === '--version' || name === '-V') return program; // needs no command
  const one = COMMANDS.find((c) => name !== undefined && c.names.includes(name));
  for (const c of one === undefined ? COMMANDS : [one]) (await c.load())(program, ctx);
  return program;
}

/** Runs the CLI with `argv` as in `process.argv` and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exit: number = EXIT.ok;
  try {
    const program = await buildProgram({ io, setExit: (code) => (exit = code) }, argv);
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
