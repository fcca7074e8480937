/**
 * The simulator's HTTP server: parses each request (path, query, form or JSON body, headers)
 * and hands it to a venue dialect, which answers in that venue's wire format. The server adds
 * nothing venue-specific; it only guarantees every request gets an answer (a dialect that throws
 * yields a 500 with the error's message) and logs each one.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../otel/logger.ts';

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

/** Serves `dialect` on 127.0.0.1:`port` (0 = a free port). */
export async function startSimServer(dialect: VenueDialect, opts: { readonly port: number; readonly host?: string; readonly logger: Logger }): Promise<RunningSimServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const t0 = performance.now();
      let out: SimResponse;
      try {
        const url = new URL(req.url ?? '/', 'http://sim');
        const rawBody = await readBody(req);
        const params = new URLSearchParams(url.search);
        const type = String(req.headers['content-type'] ?? '');
        if (rawBody !== '' && type.includes('application/json')) {
          const parsed: unknown = JSON.parse(rawBody);
          if (typeof parsed === 'object' && parsed !== null) for (const [k, v] of Object.entries(parsed)) params.set(k, String(v));
        } else if (rawBody !== '') {
          for (const [k, v] of new URLSearchParams(rawBody)) params.set(k, v);
        }
        out = await dialect.handle({ method: req.method ?? 'GET', path: url.pathname, rawQuery: url.search.replace(/^\?/, ''), rawBody, params, headers: req.headers });
      } catch (e) {
        opts.logger.error({ err: e, path: req.url }, 'venue-sim: request failed');
        out = { status: 500, body: { code: -1000, msg: `venue-sim internal error: ${e instanceof Error ? e.message : String(e)}` } };
      }
      send(res, out);
      opts.logger.debug({ method: req.method, path: req.url?.split('?')[0], status: out.status, ms: Math.round((performance.now() - t0) * 100) / 100 }, 'venue-sim request');
    })();
  });
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
