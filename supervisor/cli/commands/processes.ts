/**
 * The desk's long-running processes over NATS: `desk host` (runs bots spawned on it),
 * `desk risk` (portfolio risk) and `desk killswitch` (carries out risk kills). Each connects with
 * secrets from the environment (never flags), runs until SIGINT/SIGTERM, then stops cleanly —
 * a host cancels every order of its bots and flushes its events — and exits 130 / 143.
 * Exit 2 for bad flags or config, 1 when NATS cannot be reached.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { BotHost } from '../../../actors/host.ts';
import { createEventLog } from '../../../actors/event-log.ts';
import { KillSwitchService } from '../../../actors/kill-switch-service.ts';
import { PortfolioRiskActor } from '../../../actors/portfolio-risk.ts';
import { type BusHandlerError, BusPayloadError } from '../../../adapters/bus/errors.ts';
import { WallClock } from '../../../adapters/clock/wall-clock.ts';
import { NatsAuthError, NatsConfigError, NatsConnectError } from '../../../adapters/nats/connect.ts';
import { loadConfigFile } from '../../../config/load.ts';
import { toPortfolioLimits, portfolioLimitsSchema } from '../../../config/schema/portfolio.ts';
import type { PortfolioLimits } from '../../../domain/risk/portfolio.ts';
import { createLogger, type Logger } from '../../../otel/logger.ts';
import { openNatsRuntime, type NatsRuntime } from '../../nats-runtime.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

export interface NatsFlags {
  readonly nats?: string;
  readonly prefix?: string;
  readonly var: string;
}

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** Adds the flags every NATS process takes. */
export function natsOptions(cmd: Command): Command {
  return cmd
    .option('--nats <url>', 'NATS server URL (default $NATS_URL, else nats://127.0.0.1:4222); credentials come from the environment (see docs/security.md)')
    .option('--prefix <ns>', 'subject/stream namespace, to run several desks (or tests) on one server')
    .option('--var <dir>', 'directory for the log and the event spool', 'var');
}

/** A JSON logger to `<var>/<file>` plus warnings on stderr. */
export function processLogger(varDir: string, file: string): { logger: Logger; flush: () => Promise<void> } {
  const dest = pino.destination({ dest: join(varDir, file), sync: false, mkdir: true });
  const logger = createLogger([{ stream: dest, level: 'info' }, { stream: process.stderr, level: 'warn' }]);
  return { logger, flush: () => new Promise<void>((r) => dest.flush(() => r())) };
}

/** Opens NATS for a process, mapping connection problems to CLI errors. */
export async function openRuntime(flags: NatsFlags, name: string, varDir: string, logger: Logger, onBus?: (up: boolean) => void, onBusError?: (e: BusHandlerError) => void): Promise<NatsRuntime> {
  try {
    return await openNatsRuntime({
      ...(flags.nats !== undefined ? { url: flags.nats } : {}),
      ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
      name,
      spoolDir: join(varDir, `spool-${name}`),
      logger,
      ...(onBusError ? { onBusError } : {}),
      onStatus: (e) => {
        if (e.type === 'disconnect') onBus?.(false);
        if (e.type === 'reconnect') onBus?.(true);
        if (e.type === 'error') logger.warn({ error: e.message }, 'NATS error');
      },
    });
  } catch (e) {
    if (e instanceof NatsConfigError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    if (e instanceof NatsConnectError || e instanceof NatsAuthError) throw new CliError(e.message, EXIT.failure, { cause: e });
    throw e;
  }
}

/** Resolves on the first SIGINT/SIGTERM with its name; a second one exits at once. */
export function untilSignal(ctx: CommandContext, what: string): { readonly signal: Promise<'SIGINT' | 'SIGTERM'>; dispose(): void } {
  let got: 'SIGINT' | 'SIGTERM' | null = null;
  let resolveSignal!: (s: 'SIGINT' | 'SIGTERM') => void;
  const signal = new Promise<'SIGINT' | 'SIGTERM'>((r) => (resolveSignal = r));
  const on = (sig: 'SIGINT' | 'SIGTERM') => (): void => {
    if (got !== null) process.exit(SIGNAL_EXIT[sig]);
    got = sig;
    ctx.io.err(`desk: ${sig} received — stopping ${what} (again to exit at once)`);
    setTimeout(() => process.exit(SIGNAL_EXIT[sig]), 10_000).unref();
    resolveSignal(sig);
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

async function loadLimits(configArg: string | undefined, cwd: string): Promise<PortfolioLimits> {
  if (configArg === undefined) return toPortfolioLimits(portfolioLimitsSchema.parse({}));
  const loaded = await loadConfigFile(resolve(cwd, configArg), configArg);
  if (!loaded.ok) throw new CliError([`${configArg}: ${loaded.violations.length} problem(s)`, ...loaded.violations.map((v) => `  ${v.path ? `${v.path}: ` : ''}${v.message}`)].join('\n'));
  return loaded.config.portfolioLimits;
}

async function runHost(flags: NatsFlags & { name: string; controlPlaneTimeout?: string; requireRisk?: boolean }, ctx: CommandContext): Promise<void> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(flags.name)) throw new CliError(`--name: expected a host name of letters, digits, "-" and "_", got ${JSON.stringify(flags.name)}`);
  const timeoutS = flags.controlPlaneTimeout === undefined ? 10 : Number(flags.controlPlaneTimeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new CliError(`--control-plane-timeout: expected seconds > 0, got ${JSON.stringify(flags.controlPlaneTimeout)}`);
  const varDir = resolve(ctx.io.cwd, flags.var);
  const { logger, flush } = processLogger(varDir, `host-${flags.name}.log`);
  let host: BotHost | null = null;
  const rt = await openRuntime(flags, `host-${flags.name}`, varDir, logger, (up) => host?.setBusUp(up), (e) => {
    if (e.cause instanceof BusPayloadError) host?.auditUndecodable(e.subject, e.cause.message);
  });
  const stop = untilSignal(ctx, `host ${flags.name} (cancelling every order of its bots)`);
  try {
    host = new BotHost({
      name: flags.name, bus: rt.bus, sink: rt.sink, seqState: (p) => rt.seqState(p), daily: rt.daily, latches: rt.latches, logger,
      controlPlaneTimeoutMs: timeoutS * 1000, requireRisk: flags.requireRisk !== false,
    });
    await host.start();
    ctx.io.err(`desk host ${flags.name}: ready on ${flags.nats ?? process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222'}${flags.prefix ? ` (prefix ${flags.prefix})` : ''}`);
    const sig = await stop.signal;
    await host.close();
    ctx.setExit(SIGNAL_EXIT[sig]);
  } finally {
    await rt.close();
    await flush();
    stop.dispose();
  }
}

async function runRisk(flags: NatsFlags & { config?: string }, ctx: CommandContext): Promise<void> {
  const limits = await loadLimits(flags.config, ctx.io.cwd);
  const varDir = resolve(ctx.io.cwd, flags.var);
  const { logger, flush } = processLogger(varDir, 'risk.log');
  const rt = await openRuntime(flags, 'risk', varDir, logger);
  const stop = untilSignal(ctx, 'portfolio risk');
  try {
    const actor = new PortfolioRiskActor({ bus: rt.bus, limits, clock: new WallClock(), log: createEventLog(rt.sink, await rt.seqState(['desk.risk'])), logger });
    actor.start();
    ctx.io.err(`desk risk: monitoring${flags.prefix ? ` (prefix ${flags.prefix})` : ''}`);
    const sig = await stop.signal;
    actor.stop();
    ctx.setExit(SIGNAL_EXIT[sig]);
  } finally {
    await rt.close();
    await flush();
    stop.dispose();
  }
}

async function runKillSwitch(flags: NatsFlags, ctx: CommandContext): Promise<void> {
  const varDir = resolve(ctx.io.cwd, flags.var);
  const { logger, flush } = processLogger(varDir, 'killswitch.log');
  const rt = await openRuntime(flags, 'killswitch', varDir, logger);
  const stop = untilSignal(ctx, 'the kill-switch service');
  try {
    const svc = new KillSwitchService({ bus: rt.bus, clock: new WallClock(), log: createEventLog(rt.sink, await rt.seqState(['killswitch.service'])), logger });
    svc.start();
    ctx.io.err(`desk killswitch: armed${flags.prefix ? ` (prefix ${flags.prefix})` : ''}`);
    const sig = await stop.signal;
    svc.stop();
    ctx.setExit(SIGNAL_EXIT[sig]);
  } finally {
    await rt.close();
    await flush();
    stop.dispose();
  }
}

/** Registers `desk host`, `desk risk` and `desk killswitch`. */
export const registerProcesses: RegisterCommand = (program, ctx) => {
  natsOptions(program.command('host').description('run a bot host: bots spawned on it (desk spawn) trade here; fails closed without NATS or the risk heartbeat'))
    .requiredOption('--name <host>', 'this host\'s name (desk spawn --host <name>)')
    .option('--control-plane-timeout <s>', 'seconds without NATS or the risk heartbeat before the bots are soft-paused', '10')
    .option('--no-require-risk', 'trade without a portfolio-risk monitor (never in production)')
    .action(async (opts: NatsFlags & { name: string; controlPlaneTimeout?: string; requireRisk?: boolean }) => runHost(opts, ctx));
  natsOptions(program.command('risk').description('run the portfolio-risk monitor: cross-bot limits, decisions on desk.risk.decision, heartbeat'))
    .option('--config <file>', 'desk config whose portfolio_limits apply (default: the defaults in docs/config-reference.md)')
    .action(async (opts: NatsFlags & { config?: string }) => runRisk(opts, ctx));
  natsOptions(program.command('killswitch').description('run the kill-switch service: carries out portfolio kills on every scoped bot, retried until verified'))
    .action(async (opts: NatsFlags) => runKillSwitch(opts, ctx));
};
