/**
 * The simulator's HTTP server: parses each request (path, query, form or JSON body, headers)
 * and hands it to a venue dialect, which answers in that venue's wire format. The server adds
 * nothing venue-specific; it guarantees every request gets an answer (a dialect that throws
 * yields a 500 with the error's message) unless a fault injector (faults.ts) says otherwise —
 * delay, drop, hold, or replace it — and logs each one. With an injector it also serves the
 * fault control endpoint (fault-control.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../otel/logger.ts';
import { FAULT_CONTROL_PATH, faultControl } from './fault-control.ts';
import type { FaultInjector } from './faults.ts';

export interface SimRequest {
  readonly method: string;
  readonly path: string;
  /** The query string as sent (signatures are computed over the raw text). */
  readonly rawQuery: string;
  readonly rawBody: string;
  /** Query and form-body parameters together (body wins on a clash, as venues read them). */
  readonly params: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
}

export interface SimResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface VenueDialect {
  handle(req: SimRequest): Promise<SimResponse>;
}

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, r: SimResponse): void {
  const text = JSON.stringify(r.body);
  res.writeHead(r.status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text), ...(r.headers ?? {}) });
  res.end(text);
}

export interface RunningSimServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Waits `ms` (or until the client goes away); true when the client is still there. */
function wait(res: ServerResponse, ms: number | null): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve(false);
    const timer = ms === null ? null : setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    const onClose = (): void => {
      if (timer !== null) clearTimeout(timer);
      resolve(false);
    };
    res.once('close', onClose);
  });
}

export interface SimServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  /** Fault injection (faults.ts) and its control endpoint `/__sim/faults`; none when absent. */
  readonly faults?: FaultInjector;
  /** Other unsigned control endpoints by path (e.g. `/__sim/funding`), never faulted. */
  readonly controls?: Readonly<Record<string, SimControl>>;
}

/** A control endpoint: the method and the raw body in, the answer out. */
export type SimControl = (method: string, rawBody: string) => SimResponse;

/** Serves `dialect` on 127.0.0.1:`port` (0 = a free port). */
export async function startSimServer(dialect: VenueDialect, opts: SimServerOptions): Promise<RunningSimServer> {
  const { faults, logger } = opts;
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const t0 = performance.now();
    const method = req.method ?? 'GET';
    const path = req.url?.split('?')[0];
    const done = (status: number | string): void => logger.debug({ method, path, status, ms: Math.round((performance.now() - t0) * 100) / 100 }, 'venue-sim request');
    let out: SimResponse;
    try {
      const url = new URL(req.url ?? '/', 'http://sim');
      const rawBody = await readBody(req);
      const route = `${method} ${url.pathname}`;
      const control = opts.controls?.[url.pathname];
      if (control !== undefined) {
        send(res, control(method, rawBody));
        return done(res.statusCode);
      }
      if (faults !== undefined && url.pathname === FAULT_CONTROL_PATH) {
        send(res, faultControl(faults, method, rawBody));
        return done(res.statusCode);
      }
      // Faults act before the venue sees the request…
      const pre = faults?.before(route) ?? { kind: 'handle', delayMs: 0 };
      if (pre.delayMs > 0 && !(await wait(res, pre.delayMs))) return done('client gone');
      if (pre.kind === 'destroy') {
        req.socket.destroy();
        return done('fault: disconnected');
      }
      if (pre.kind === 'hold' && !(await wait(res, pre.ms))) return done('fault: held until the client gave up');
      if (pre.kind === 'answer') {
        out = pre.answer;
      } else {
        const params = new URLSearchParams(url.search);
        const type = String(req.headers['content-type'] ?? '');
        if (rawBody !== '' && type.includes('application/json')) {
          const parsed: unknown = JSON.parse(rawBody);
          if (typeof parsed === 'object' && parsed !== null) for (const [k, v] of Object.entries(parsed)) params.set(k, String(v));
        } else if (rawBody !== '') {
          for (const [k, v] of new URLSearchParams(rawBody)) params.set(k, v);
        }
        out = await dialect.handle({ method, path: url.pathname, rawQuery: url.search.replace(/^\?/, ''), rawBody, params, headers: req.headers });
        // …and after: the venue acted, its answer is lost.
        const post = faults?.after(route, out.status) ?? 'send';
        if (post === 'destroy') {
          req.socket.destroy();
          return done(`fault: answer ${out.status} lost (disconnected)`);
        }
        if (post === 'hold') {
          await wait(res, null);
          return done(`fault: answer ${out.status} lost (held)`);
        }
      }
    } catch (e) {
      logger.error({ err: e, path: req.url }, 'venue-sim: request failed');
      out = { status: 500, body: { code: -1000, msg: `venue-sim internal error: ${e instanceof Error ? e.message : String(e)}` } };
    }
    if (res.destroyed) return done('client gone');
    send(res, out);
    done(out.status);
  };
  const server = createServer((req, res) => {
    void serve(req, res);
  });
  // Idle keep-alive connections live 2 minutes, as at a venue's edge. Node's default (5 s) lets a
  // client whose event loop was busy for a few seconds reuse a socket the server has just closed
  // ("other side closed"): a failure of the simulator, not of the venue it plays.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
