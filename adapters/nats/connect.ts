/**
 * Opens the desk's NATS connection: validated options (zod), one auth method, a named
 * connection that reconnects forever with a bounded wait, and status events so a host can fail
 * closed while the control plane is gone.
 *
 * Secrets (password, token, nkey seed, creds) come from the environment (`natsAuthFromEnv`) or
 * from files named in the options, never from CLI argument values (they would show in `ps` and
 * shell history), and never from the URL. No error message here carries a secret.
 */
import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, ErrorCode, Events, NatsError, nkeyAuthenticator } from 'nats';
import type { ConnectionOptions, NatsConnection, Status } from 'nats';
import { Observable } from 'rxjs';
import { z } from 'zod';

/** Used when neither the `url` option nor `$NATS_URL` is set. */
export const NATS_DEFAULT_URL = 'nats://127.0.0.1:4222';

/** The options are invalid, or a secret file cannot be read. Lists every problem, never a secret. */
export class NatsConfigError extends Error {
  override readonly name = 'NatsConfigError';
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid NATS connection options: ${problems.join('; ')}`, options);
  }
}

/** The server could not be reached (refused, timed out, TLS, …). Names the URL. */
export class NatsConnectError extends Error {
  override readonly name = 'NatsConnectError';
  constructor(
    readonly url: string,
    options: { cause: unknown },
  ) {
    super(`cannot connect to NATS at ${url}: ${reason(options.cause)}`, options);
  }
}

/** The server refused the credentials. Names the URL and the auth method, never the secret. */
export class NatsAuthError extends Error {
  override readonly name = 'NatsAuthError';
  constructor(
    readonly url: string,
    readonly authKind: NatsAuth['kind'],
    options: { cause: unknown },
  ) {
    super(`NATS authorization failed at ${url} (auth: ${authKind})`, options);
  }
}

/** A secret is given either as a value (taken from the environment) or as a file path. */
const exactlyOne =
  (value: string, file: string) =>
  (a: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    if ((a[value] === undefined) === (a[file] === undefined)) {
      ctx.addIssue({ code: 'custom', path: [value], message: `give exactly one of ${value} and ${file}` });
    }
  };
const nonEmpty = z.string().min(1);

/** The auth part of the options: exactly one method (`kind`). */
export const natsAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({ kind: z.literal('user-password'), user: nonEmpty, password: nonEmpty.optional(), passwordFile: nonEmpty.optional() })
    .strict()
    .superRefine(exactlyOne('password', 'passwordFile')),
  z
    .object({ kind: z.literal('token'), token: nonEmpty.optional(), tokenFile: nonEmpty.optional() })
    .strict()
    .superRefine(exactlyOne('token', 'tokenFile')),
  z
    .object({ kind: z.literal('nkey'), seed: nonEmpty.optional(), seedFile: nonEmpty.optional() })
    .strict()
    .superRefine(exactlyOne('seed', 'seedFile')),
  z.object({ kind: z.literal('creds'), credsFile: nonEmpty }).strict(),
]);
/** How to authenticate. Secret values belong here only when read from the environment. */
export type NatsAuth = z.infer<typeof natsAuthSchema>;

/** Where `natsAuthFromEnv` found the auth: `none` or the env var(s) it read. */
export type NatsAuthSource = 'none' | 'env:NATS_USER+NATS_PASSWORD' | 'env:NATS_TOKEN' | 'env:NATS_NKEY_SEED' | 'env:NATS_CREDS';

/** Environment variables as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads the auth method from `NATS_USER`+`NATS_PASSWORD`, `NATS_TOKEN`, `NATS_NKEY_SEED` or
 * `NATS_CREDS` (a creds file path); empty values count as unset. Throws `NatsConfigError` when
 * more than one method is set, or only half of user/password.
 */
export function natsAuthFromEnv(env: Env): { readonly auth: NatsAuth; readonly source: NatsAuthSource } {
  const get = (k: string): string | undefined => (env[k] === undefined || env[k] === '' ? undefined : env[k]);
  const user = get('NATS_USER');
  const password = get('NATS_PASSWORD');
  const token = get('NATS_TOKEN');
  const seed = get('NATS_NKEY_SEED');
  const credsFile = get('NATS_CREDS');
  const found: { auth: NatsAuth; source: NatsAuthSource }[] = [];
  if (user !== undefined || password !== undefined) {
    if (user === undefined || password === undefined) {
      throw new NatsConfigError([`NATS_USER and NATS_PASSWORD must be set together (only ${user === undefined ? 'NATS_PASSWORD' : 'NATS_USER'} is set)`]);
    }
    found.push({ auth: { kind: 'user-password', user, password }, source: 'env:NATS_USER+NATS_PASSWORD' });
  }
  if (token !== undefined) found.push({ auth: { kind: 'token', token }, source: 'env:NATS_TOKEN' });
  if (seed !== undefined) found.push({ auth: { kind: 'nkey', seed }, source: 'env:NATS_NKEY_SEED' });
  if (credsFile !== undefined) found.push({ auth: { kind: 'creds', credsFile }, source: 'env:NATS_CREDS' });
  if (found.length > 1) {
    throw new NatsConfigError([`more than one NATS auth method in the environment: ${found.map((f) => f.source.slice(4)).join(', ')}; set exactly one`]);
  }
  return found[0] ?? { auth: { kind: 'none' }, source: 'none' };
}

/** A connection status change a host reacts to (e.g. pause trading on `disconnect`, resume on `reconnect`). */
export type NatsStatusEvent =
  | { readonly type: 'disconnect'; readonly server: string }
  | { readonly type: 'reconnect'; readonly server: string }
  /** The server announced lame-duck mode: it will go away soon. */
  | { readonly type: 'ldm'; readonly server: string }
  /** An async error from the server (e.g. a permissions violation). */
  | { readonly type: 'error'; readonly message: string }
  /** The connection is closed for good (closed by us, or reconnecting gave up, e.g. on auth). */
  | { readonly type: 'closed'; readonly error?: Error };

const optionsSchema = z
  .object({
    url: nonEmpty.optional(),
    name: nonEmpty,
    auth: natsAuthSchema.optional(),
    reconnectTimeWaitMs: z.number().int().min(10).max(60_000).default(2_000),
    connectTimeoutMs: z.number().int().min(10).max(120_000).default(5_000),
  })
  .passthrough();

/** Options for {@link connectNats}. */
export interface ConnectNatsOptions {
  /** Server URL(s), comma-separated for a cluster. Default `$NATS_URL`, else {@link NATS_DEFAULT_URL}. No credentials in it. */
  readonly url?: string;
  /** The connection's name, shown by the server's monitoring (`connz`). */
  readonly name: string;
  /** Default: `natsAuthFromEnv(env).auth`. Pass `{ kind: 'none' }` to ignore the environment. */
  readonly auth?: NatsAuth;
  /** Where `NATS_URL` and the auth variables are read. Default `process.env`. */
  readonly env?: Env;
  /** Wait between reconnect attempts (plus nats.js jitter); reconnecting never gives up. Default 2000. */
  readonly reconnectTimeWaitMs?: number;
  /** Timeout of the first connect. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Called on every status change, from before `connectNats` resolves until `closed`. */
  readonly onStatus?: (event: NatsStatusEvent) => void;
}

/**
 * Connects to NATS. Rejects with `NatsConfigError` (bad options, unreadable secret file),
 * `NatsAuthError` (credentials refused) or `NatsConnectError` (server unreachable); the first
 * connect is not retried, so a misconfigured host fails at start instead of hanging.
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsConnection> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new NatsConfigError(parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(options)'}: ${i.message}`));
  }
  const env = options.env ?? process.env;
  const servers = parseServers(parsed.data.url ?? (env['NATS_URL'] || undefined) ?? NATS_DEFAULT_URL);
  const auth = parsed.data.auth ?? natsAuthFromEnv(env).auth;
  const display = servers.join(',');
  // Outside the try: an unreadable secret file is a config error, not a connect error.
  const authOpts = authOptions(auth);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: parsed.data.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: parsed.data.reconnectTimeWaitMs,
      timeout: parsed.data.connectTimeoutMs,
      ...authOpts,
    });
  } catch (e) {
    if (isAuthFailure(e)) throw new NatsAuthError(display, auth.kind, { cause: e });
    throw new NatsConnectError(display, { cause: e });
  }
  if (options.onStatus) natsStatus$(nc).subscribe(options.onStatus);
  return nc;
}

/**
 * The connection's status changes as an Observable; it emits `closed` and completes when the
 * connection closes. Subscribe right after connecting: earlier changes are not replayed.
 */
export function natsStatus$(nc: NatsConnection): Observable<NatsStatusEvent> {
  return new Observable<NatsStatusEvent>((subscriber) => {
    const iterator = nc.status();
    let active = true;
    void (async () => {
      for await (const s of iterator) {
        if (!active) break;
        const event = toStatusEvent(s);
        if (event) subscriber.next(event);
      }
    })();
    void nc.closed().then((error) => {
      if (!active) return;
      subscriber.next(error ? { type: 'closed', error } : { type: 'closed' });
      subscriber.complete();
    });
    return () => {
      active = false;
      // nats.js's status iterator is a QueuedIterator with stop(); the AsyncIterable type hides it.
      (iterator as { stop?: () => void }).stop?.();
    };
  });
}

function toStatusEvent(s: Status): NatsStatusEvent | undefined {
  const data = typeof s.data === 'string' ? s.data : String(s.data);
  switch (s.type) {
    case Events.Disconnect:
      return { type: 'disconnect', server: data };
    case Events.Reconnect:
      return { type: 'reconnect', server: data };
    case Events.LDM:
      return { type: 'ldm', server: data };
    case Events.Error:
      return { type: 'error', message: data };
    default:
      // Cluster updates and debug events (reconnect attempts, pings) are noise for a host.
      return undefined;
  }
}

/** Splits and checks the URL list: nats:// or tls:// (or bare host:port), and no credentials in it. */
function parseServers(url: string): string[] {
  const servers = url.split(',').map((s) => s.trim());
  const problems: string[] = [];
  for (const s of servers) {
    let u: URL;
    try {
      u = new URL(/^[a-z]+:\/\//i.test(s) ? s : `nats://${s}`);
    } catch {
      problems.push(`url: ${JSON.stringify(s)} is not a URL`);
      continue;
    }
    if (u.username !== '' || u.password !== '') {
      // The URL is not echoed: it holds a secret.
      problems.push('url: credentials in the URL are not accepted; use NATS_USER/NATS_PASSWORD, NATS_TOKEN or a file');
    } else if (u.protocol !== 'nats:' && u.protocol !== 'tls:') {
      problems.push(`url: ${JSON.stringify(s)} must use nats:// or tls://`);
    }
  }
  if (problems.length > 0) throw new NatsConfigError(problems);
  return servers;
}

/** Turns the auth into nats.js options, reading secret files now so a bad path fails before connecting. */
function authOptions(auth: NatsAuth): Partial<ConnectionOptions> {
  switch (auth.kind) {
    case 'none':
      return {};
    case 'user-password':
      return { user: auth.user, pass: auth.password ?? readSecret('passwordFile', auth.passwordFile) };
    case 'token':
      return { token: auth.token ?? readSecret('tokenFile', auth.tokenFile) };
    case 'nkey': {
      const seed = auth.seed ?? readSecret('seedFile', auth.seedFile);
      return { authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) };
    }
    case 'creds':
      return { authenticator: credsAuthenticator(readFile('credsFile', auth.credsFile)) };
  }
}

function readFile(field: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new NatsConfigError([`auth.${field}: cannot read ${path} (${code})`], { cause });
  }
}

/** A secret file holds the secret alone; a trailing newline (as `echo` writes) is not part of it. */
function readSecret(field: string, path: string | undefined): string {
  // The schema guarantees the file is given when the value is not.
  return new TextDecoder().decode(readFile(field, path ?? '')).replace(/\r?\n$/, '');
}

const AUTH_CODES: ReadonlySet<string> = new Set([
  ErrorCode.AuthorizationViolation,
  ErrorCode.AuthenticationExpired,
  ErrorCode.AuthenticationTimeout,
  ErrorCode.BadAuthentication,
  ErrorCode.BadCreds,
  ErrorCode.AccountExpired,
]);

function isAuthFailure(e: unknown): boolean {
  return e instanceof NatsError && AUTH_CODES.has(e.code);
}

function reason(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // nats.js reports a refused connection as code CONNECTION_REFUSED with the socket error chained.
  const chained = cause instanceof NatsError ? cause.chainedError : undefined;
  return chained ? `${cause.message} (${chained.message})` : cause.message;
}
