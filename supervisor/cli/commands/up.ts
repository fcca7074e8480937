/**
 * `desk up` — runs the embedded desk: every bot of the config on the paper engine over the
 * recorded captures, with a live terminal view, metrics, tracing, the event store and a JSON
 * summary at the end.
 *
 * Exit codes: 0 the run ended (end of data or `--duration`); 2 bad input (config, flags, data);
 * 1 a runtime failure; 130 / 143 stopped by SIGINT / SIGTERM after a clean stop (orders
 * cancelled, store flushed). A second signal exits at once; a stop that takes longer than 10 s
 * is cut short.
 */
import { DailyStateFileError } from '../../../adapters/store/daily-state-file.ts';
import { VenueConfigError } from '../../../adapters/venue/venue-config.ts';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type InspectionEvent } from 'xstate';
import { pino } from 'pino';
import { Desk, type DeskSpeed } from '../../../actors/desk.ts';
import type { DeskSummary, DeskView } from '../../../actors/desk-view.ts';
import { runUpOverNats } from './up-nats.ts';
import { CaptureFormatError } from '../../../adapters/capture/errors.ts';
import { loadConfigFile } from '../../../config/load.ts';
import { startMetricsServer, type MetricsServer } from '../../../otel/http.ts';
import { startInspector, type DeskInspector } from '../../../otel/inspect.ts';
import { createLogger } from '../../../otel/logger.ts';
import { createDeskMetrics } from '../../../otel/metrics.ts';
import { startTracing } from '../../../otel/tracing.ts';
import { transitionTracer } from '../../../otel/transition-tracer.ts';
import { createLiveView } from '../live-view.ts';
import { CliError, EXIT } from '../io.ts';
import type { CommandContext, RegisterCommand } from '../main.ts';

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The embedded default: two paper bots on the bundled capture. */
export const DEFAULT_CONFIG = join(PACKAGE_ROOT, 'config/desk.default.yaml');

/** How long a signalled stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 10_000;
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

interface UpFlags {
  readonly config?: string;
  readonly speed?: string;
  readonly duration?: string;
  readonly seed?: string;
  readonly var: string;
  readonly summary?: string;
  readonly metricsPort?: string;
  readonly inspect?: boolean;
  readonly json?: boolean;
  readonly view?: boolean;
  readonly nats?: string;
  readonly prefix?: string;
}

function parseSpeed(v: string | undefined, fromConfig: number): DeskSpeed {
  if (v === undefined) return fromConfig === 0 ? 'max' : fromConfig;
  if (v === 'max') return 'max';
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || v.trim() === '') throw new CliError(`--speed: expected a positive factor (1, 20, …) or "max", got ${JSON.stringify(v)}`);
  return n;
}

function parseIntFlag(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`${name}: expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return n;
}

function parseDuration(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new CliError(`--duration: expected a positive number of seconds of market data, got ${JSON.stringify(v)}`);
  return n;
}

const combine =
  (...observers: ((e: InspectionEvent) => void)[]) =>
  (e: InspectionEvent): void => {
    for (const o of observers) o(e);
  };

function humanSummary(s: DeskSummary, summaryPath: string, eventsDir: string, eventsLine?: string): string {
  const rows = s.bots.map(
    (b) =>
      `  ${b.botId.padEnd(14)} ${b.finalState.padEnd(11)} placed ${String(b.ordersPlaced).padStart(5)}  cancelled ${String(b.ordersCancelled).padStart(5)}  fills ${String(b.fills).padStart(4)}  ` +
      `pnl ${Number(b.realizedPnl) + Number(b.unrealizedPnl) - Number(b.fees) >= 0 ? '+' : ''}${(Number(b.realizedPnl) + Number(b.unrealizedPnl) - Number(b.fees)).toFixed(2)}  ` +
      `maxDD ${(Number(b.maxDrawdownPct) * 100).toFixed(2)}%  inside-book ${b.insideBookPlacements}`,
  );
  return [`desk stopped (${s.endedBy}): ${s.messages} messages ${s.dataStart} → ${s.dataEnd}, ${s.events} events`, ...rows, `summary  ${summaryPath}`, eventsLine ?? `events   ${eventsDir}  (check: desk events verify ${eventsDir})`].join('\n');
}

async function run(flags: UpFlags, ctx: CommandContext): Promise<void> {
  const cwd = ctx.io.cwd;
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const configPath = flags.config === undefined ? DEFAULT_CONFIG : abs(flags.config);
  const configName = flags.config ?? relative(PACKAGE_ROOT, DEFAULT_CONFIG);
  const loaded = await loadConfigFile(configPath, configName);
  if (!loaded.ok) {
    const lines = loaded.violations.map((v) => `  ${v.line !== undefined ? `${configName}:${v.line}:${v.column ?? 1}  ` : ''}${v.path ? `${v.path}: ` : ''}${v.message}`);
    throw new CliError([`${configName}: ${loaded.violations.length} problem(s)`, ...lines].join('\n'));
  }
  const config = loaded.config;
  if (config.marketData === undefined) throw new CliError(`${configName}: market_data: expected a section (source: replay with captures, or source: live with ccxt bots)`);
  const liveMarket = config.marketData.source === 'live';
  if (liveMarket && flags.speed !== undefined) throw new CliError(`--speed: ${configName} trades live (market_data.source: live), which runs in real time`);
  const speed = liveMarket ? 1 : parseSpeed(flags.speed, config.marketData.speed);
  const seed = parseIntFlag('--seed', flags.seed, 0, 4294967295);
  const durationS = parseDuration(flags.duration);
  const metricsPort = parseIntFlag('--metrics-port', flags.metricsPort, 0, 65535);
  const varDir = abs(flags.var);
  const summaryPath = abs(flags.summary ?? join(flags.var, 'summary.json'));
  await mkdir(varDir, { recursive: true });

  const logFile = pino.destination({ dest: join(varDir, 'desk.log'), sync: false, mkdir: true });
  const logger = createLogger([{ stream: logFile, level: 'info' }, { stream: process.stderr, level: 'warn' }]);
  const metrics = createDeskMetrics();
  const tracing = startTracing({ serviceName: 'desk' });
  let inspector: DeskInspector | null = null;
  let server: MetricsServer | null = null;
  let desk: Desk | null = null;
  if (flags.inspect === true) {
    inspector = await startInspector({});
    ctx.io.err(inspector.instructions);
  }
  // One tracer per bot, so order machines' spans (whose context has no bot id) carry it too.
  const insp = inspector;
  const inspectFor = (botId: string): ((e: InspectionEvent) => void) =>
    insp === null ? transitionTracer({ botId }) : combine(transitionTracer({ botId }), insp.inspect);

  let signalled: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM'): void => {
    if (signalled !== null) {
      // Second signal: the operator wants out now.
      process.exit(SIGNAL_EXIT[sig]);
    }
    signalled = sig;
    ctx.io.err(`desk: ${sig} received — cancelling all orders and flushing the event store (again to exit at once)`);
    desk?.requestStop(sig);
    setTimeout(() => {
      ctx.io.err(`desk: stop took longer than ${STOP_DEADLINE_MS / 1000} s; exiting`);
      process.exit(SIGNAL_EXIT[sig]);
    }, STOP_DEADLINE_MS).unref();
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  let viewOf: () => DeskView = () => (desk as Desk).view();
  const live = flags.view === false || flags.json === true ? null : createLiveView({ stream: process.stdout, getView: () => viewOf() });
  if (flags.nats !== undefined || flags.prefix !== undefined) {
    // Over NATS: the same desk as a host + risk + kill switch on the bus (see up-nats.ts).
    let stopRun: (() => void) | null = null;
    const requestStop = (): void => stopRun?.();
    process.on('SIGINT', requestStop);
    process.on('SIGTERM', requestStop);
    try {
      const summary = await runUpOverNats({
        ...(flags.nats !== undefined ? { nats: flags.nats } : {}),
        ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
        configPath, config, speed, varDir, logger, metrics, inspectFor,
        ...(seed !== undefined ? { seed } : {}),
        ...(durationS !== undefined ? { durationS } : {}),
        onStoppable: (stop) => {
          stopRun = stop;
          if (signalled !== null) stop();
        },
        onView: (v) => {
          viewOf = v;
          live?.start();
        },
      });
      live?.stop();
      if (summary === null) throw new CliError('the desk failed (see desk.log)', EXIT.failure);
      const endedBy = signalled ?? summary.endedBy;
      const final = { ...summary, endedBy };
      await mkdir(dirname(summaryPath), { recursive: true });
      await writeFile(summaryPath, `${JSON.stringify(final, null, 2)}\n`, 'utf8');
      ctx.io.out(flags.json === true ? JSON.stringify(final, null, 2) : humanSummary(final, relative(cwd, summaryPath) || summaryPath, '', `events   JetStream ${flags.prefix ? `DESK_EVENTS_${flags.prefix}, DESK_AUDIT_${flags.prefix}` : 'DESK_EVENTS, DESK_AUDIT'}  (check: desk events verify --nats${flags.nats ? ` ${flags.nats}` : ''}${flags.prefix ? ` --prefix ${flags.prefix}` : ''})`));
      ctx.setExit(signalled !== null ? SIGNAL_EXIT[signalled] : EXIT.ok);
    } finally {
      process.off('SIGINT', requestStop);
      process.off('SIGTERM', requestStop);
      live?.stop();
      await inspector?.stop();
      await tracing.shutdown();
      await new Promise<void>((r) => logFile.flush(() => r()));
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
    return;
  }
  try {
    desk = new Desk({
      config, configName, speed, varDir, logger, metrics, inspectFor,
      ...(durationS !== undefined ? { durationS } : {}),
      ...(seed !== undefined ? { seed } : {}),
      onLoaded: () => live?.start(),
    });
    if (signalled !== null) desk.requestStop(signalled);
    if (metricsPort !== undefined) {
      const d = desk;
      server = await startMetricsServer({ port: metricsPort, registry: metrics.registry, health: () => ({ ok: true, details: { bots: d.view().bots.map((b) => ({ botId: b.botId, state: b.state })) } }) });
      ctx.io.err(`metrics  http://${server.host}:${server.port}/metrics  (health: /health)`);
    }
    let summary: DeskSummary;
    try {
      summary = await desk.run();
    } catch (e) {
      if (e instanceof CaptureFormatError) throw new CliError(e.message, EXIT.invalid, { cause: e });
      if (e instanceof VenueConfigError) throw new CliError(`${configName}: ${e.message}`, EXIT.invalid, { cause: e });
      if (e instanceof DailyStateFileError) throw new CliError(e.message, EXIT.invalid, { cause: e });
      if (e instanceof Error && e.message.startsWith('market_data:')) throw new CliError(`${configName}: ${e.message}`, EXIT.invalid, { cause: e });
      throw e;
    } finally {
      live?.stop();
    }
    await mkdir(dirname(summaryPath), { recursive: true });
    await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`, 'utf8');
    ctx.io.out(flags.json === true ? JSON.stringify(summary, null, 2) : humanSummary(summary, relative(cwd, summaryPath) || summaryPath, relative(cwd, join(varDir, 'events')) || join(varDir, 'events')));
    const inside = summary.bots.reduce((n, b) => n + b.insideBookPlacements, 0);
    if (inside > 0) ctx.io.err(`desk: ${inside} order(s) were placed at or through the opposite best — a bug: post-only quotes must never cross`);
    ctx.setExit(signalled !== null ? SIGNAL_EXIT[signalled] : inside > 0 ? EXIT.failure : EXIT.ok);
  } finally {
    await server?.close();
    await inspector?.stop();
    await tracing.shutdown();
    await new Promise<void>((r) => logFile.flush(() => r()));
    // Last: until here a second signal must still mean "exit now", not the default kill.
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/** Registers `desk up`. */
export const registerUp: RegisterCommand = (program, ctx) => {
  program
    .command('up')
    .description('run the embedded desk: paper bots replaying recorded market data, live view, metrics, event store, summary')
    .option('--config <file>', 'desk or bot config', undefined)
    .option('--speed <x|max>', 'replay speed: a factor of real time (1, 20, …) or max (default: the config\'s market_data.speed)')
    .option('--duration <s>', 'replay only the first <s> seconds of market data')
    .option('--seed <n>', 'seed for every bot\'s paper fill model (overrides paper.seed)')
    .option('--var <dir>', 'directory for the event store (<dir>/events), desk.log and the summary', 'var')
    .option('--summary <file>', 'where the JSON summary goes (default: <var>/summary.json)')
    .option('--metrics-port <p>', 'serve prom-client /metrics and /health on this port (0 = any free port)')
    .option('--inspect', 'serve live machine state to the Stately inspector (prints how to open it)')
    .option('--json', 'print the summary as JSON (and no live view)')
    .option('--no-view', 'no live terminal view')
    .option('--nats <url>', 'run over NATS: bots on a host, portfolio risk and the kill switch on the bus, events in JetStream (credentials from the environment)')
    .option('--prefix <ns>', 'with --nats: subject/stream namespace (several desks or tests on one server)')
    .addHelpText('after', `\nWith no --config it runs ${relative(process.cwd(), DEFAULT_CONFIG) || DEFAULT_CONFIG}: two paper bots on the bundled Binance capture.\nSet OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://127.0.0.1:4318) to export a span per machine transition.`)
    .action(async (opts: UpFlags) => run(opts, ctx));
};
