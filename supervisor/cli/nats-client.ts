/**
 * The operator commands' NATS connection: `--nats <url>` (default `$NATS_URL`, else
 * nats://127.0.0.1:4222) and `--prefix <ns>` (a subject namespace, for tests and several desks
 * sharing one server). Credentials come from the environment only (`NATS_USER`+`NATS_PASSWORD`,
 * `NATS_TOKEN`, `NATS_NKEY_SEED`, `NATS_CREDS`), never from a flag: they would show in `ps` and
 * in shell history. Connection failures become a `CliError` naming the URL, never a secret.
 */
import { InvalidSubjectError } from '../../adapters/bus/errors.ts';
import { NatsBus } from '../../adapters/bus/nats.ts';
import { assertSubject } from '../../adapters/bus/subjects.ts';
import { connectNats, NATS_DEFAULT_URL, NatsAuthError, NatsConfigError, NatsConnectError, type Env } from '../../adapters/nats/connect.ts';
import { CliError, EXIT } from './io.ts';

/** The flags every NATS-backed command takes. */
export interface NatsFlags {
  readonly nats?: string;
  readonly prefix?: string;
}

export interface OpenedBus {
  readonly bus: NatsBus;
  /** The server URL(s) connected to (never holds credentials: those are refused in a URL). */
  readonly url: string;
  /** Drains the subscriptions and closes the connection. Idempotent. */
  close(): Promise<void>;
}

/** The URL the flags (or the environment) name. */
export function natsUrlOf(flags: NatsFlags, env: Env = process.env): string {
  return flags.nats ?? (env['NATS_URL'] || undefined) ?? NATS_DEFAULT_URL;
}

/**
 * Connects and wraps the connection in a `NatsBus` (which owns it). Exit codes: 1 when the server
 * is unreachable or refuses the credentials; 2 for bad input (an invalid URL, credentials in the
 * URL, conflicting auth variables, an invalid `--prefix`).
 */
export async function openNatsBus(flags: NatsFlags, name: string, env: Env = process.env): Promise<OpenedBus> {
  const url = natsUrlOf(flags, env);
  if (flags.prefix !== undefined) {
    // Checked before connecting, so a bad prefix fails as bad input whatever the server does.
    try {
      assertSubject(flags.prefix);
    } catch (e) {
      if (e instanceof InvalidSubjectError) throw new CliError(`--prefix: ${e.message}`, EXIT.invalid, { cause: e });
      throw e;
    }
  }
  let nc: Awaited<ReturnType<typeof connectNats>>;
  try {
    nc = await connectNats({ url, name, env, connectTimeoutMs: 5_000 });
  } catch (e) {
    if (e instanceof NatsConfigError) throw new CliError(e.message, EXIT.invalid, { cause: e });
    if (e instanceof NatsAuthError || e instanceof NatsConnectError) throw new CliError(e.message, EXIT.failure, { cause: e });
    throw e;
  }
  const bus = new NatsBus(nc, {
    ownsConnection: true,
    // Anyone may publish on our subjects; a malformed message is skipped, not a warning on the terminal.
    onError: () => undefined,
    ...(flags.prefix !== undefined ? { prefix: flags.prefix } : {}),
  });
  return { bus, url, close: () => bus.close() };
}
