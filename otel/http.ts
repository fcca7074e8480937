/**
 * A minimal node:http server exposing `GET /metrics` (Prometheus text format) and `GET /health`.
 * Binds 127.0.0.1 by default; port 0 picks a free port, reported back as `port`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthReport {
  readonly ok: boolean;
  readonly details?: unknown;
}

export interface MetricsServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly registry: Registry;
  readonly health: () => HealthReport;
}

export interface MetricsServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: MetricsServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const known = path === '/metrics' || path === '/health';
  if (!known) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  if (req.method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET' });
  if (path === '/metrics') {
    const body = await opts.registry.metrics();
    return send(res, 200, opts.registry.contentType, body);
  }
  let report: HealthReport;
  try {
    report = opts.health();
  } catch (err) {
    report = { ok: false, details: { error: err instanceof Error ? err.message : String(err) } };
  }
  const body = JSON.stringify({ ok: report.ok, details: report.details ?? null });
  return send(res, report.ok ? 200 : 503, 'application/json; charset=utf-8', body);
}

export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', `internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new Error(`metrics server: port ${opts.port} on ${host} is already in use`, { cause: err }));
      else reject(new Error(`metrics server: cannot listen on ${host}:${opts.port}: ${err.message}`, { cause: err }));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port, host);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
