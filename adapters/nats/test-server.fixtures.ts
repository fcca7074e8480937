/**
 * Test fixture: a private `nats-server` on a free loopback port, for tests that need their own
 * server (auth configs, restarts, permissions) instead of the shared one on 127.0.0.1:4222.
 * Like nats.js's own test helper, it runs the real binary: auth and reconnect behaviour are the
 * server's, and a mock would only test our assumptions about it.
 *
 * The binary is `$NATS_SERVER_BIN`, else `nats-server` on the PATH.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options for {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Server config file contents (written to a temp file and passed with `-c`); `-a`/`-p` still win. */
  readonly config?: string;
  /** Enables JetStream with a store dir in a fresh temp dir (kept across `restart()`). */
  readonly jetstream?: boolean;
  /** How long to wait for the port to accept connections. Default 10 s. */
  readonly startTimeoutMs?: number;
}

/** A running private server. */
export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The JetStream store dir, when JetStream is on. */
  readonly storeDir: string | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** Stops, then starts again on the same port with the same config and store dir. */
  restart(): Promise<void>;
  /** Stops and removes the temp dir (config and store). Call once, in `afterAll`/`afterEach`. */
  dispose(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts `nats-server -a 127.0.0.1 -p <free port> [-js -sd <tmp>] [-c <file>]` and waits until it listens. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'desk-nats-'));
  let port = await freePort();
  const args = ['-a', HOST, '-p', String(port)];
  let storeDir: string | undefined;
  if (options.jetstream === true) {
    storeDir = join(dir, 'store');
    args.push('-js', '-sd', storeDir);
  }
  if (options.config !== undefined) {
    const file = join(dir, 'server.conf');
    await writeFile(file, options.config, { mode: 0o600 });
    args.push('-c', file);
  }
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  // The free port can be taken by another process before the server binds it: try a new one.
  for (let attempt = 1; child === undefined; attempt++) {
    try {
      child = await launch(args, port, timeoutMs);
    } catch (e) {
      if (attempt >= 3 || !(e instanceof Error) || !/address already in use/i.test(e.message)) throw e;
      port = await freePort();
      args[3] = String(port);
    }
  }

  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (c) await terminate(c);
  };
  return {
    url: `nats://${HOST}:${port}`,
    port,
    storeDir,
    stop,
    async restart() {
      await stop();
      child = await launch(args, port, timeoutMs);
    },
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Asks the OS for a free port. Another process could take it before the server binds; rare on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function launch(args: readonly string[], port: number, timeoutMs: number): Promise<ChildProcess> {
  const bin = process.env['NATS_SERVER_BIN'] ?? 'nats-server';
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let ready = false;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    if (!ready && /Server is ready/.test(stderr)) ready = true;
    // Keep only the tail: enough to explain a failed start without growing forever.
    stderr = stderr.slice(-4_000);
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited (code ${String(code)}, signal ${String(signal)})`));
  child.once('error', (e) => (exited = `failed to spawn ${bin}: ${e.message}`));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`nats-server ${args.join(' ')} ${exited}\n${stderr}`);
    // Ready only when THIS server says so: a port that accepts could belong to another process.
    if (ready && (await accepts(port))) return child;
    if (Date.now() > deadline) {
      await terminate(child);
      throw new Error(`nats-server did not listen on ${HOST}:${port} within ${timeoutMs} ms\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
