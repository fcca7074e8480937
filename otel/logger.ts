/**
 * The desk's structured logger (pino): JSON lines, with secrets redacted at the logger so no
 * code path can leak an API key into a log. Library code takes a `Logger` and never writes to
 * the console; the CLI decides where logs go (a file under `--var`, stderr for warnings).
 */
import { type DestinationStream, type Logger, type LevelWithSilent, multistream, pino } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, at any depth pino's redaction reaches. */
export const REDACTED_KEYS = ['apiKey', 'api_key', 'secret', 'apiSecret', 'api_secret', 'password', 'passphrase', 'token', 'authorization', 'privateKey'] as const;

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export interface LoggerTarget {
  readonly stream: DestinationStream;
  readonly level: LevelWithSilent;
}

/** A logger writing to each target at its own level. */
export function createLogger(targets: readonly LoggerTarget[], name = 'desk'): Logger {
  const level = targets.length === 0 ? 'silent' : lowest(targets.map((t) => t.level));
  const streams = targets.map((t) => ({ stream: t.stream, level: t.level === 'silent' ? 'fatal' : t.level }));
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' }, base: { name } }, multistream(streams));
}

const ORDER: readonly LevelWithSilent[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
function lowest(levels: readonly LevelWithSilent[]): LevelWithSilent {
  return levels.reduce((a, b) => (ORDER.indexOf(b) < ORDER.indexOf(a) ? b : a));
}

/** A logger that drops everything (tests, benches). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
