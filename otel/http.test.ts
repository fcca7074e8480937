import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer, type HealthReport, type MetricsServer } from './http.ts';
import { createDeskMetrics } from './metrics.ts';

const HOST = '127.0.0.1';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function start(health: () => HealthReport = () => ({ ok: true, details: { bots: 1 } }), registry = new Registry()): Promise<MetricsServer> {
  const server = await startMetricsServer({ port: 0, host: HOST, registry, health });
  cleanups.push(() => server.close());
  return server;
}

const url = (s: MetricsServer, path: string): string => `http://${HOST}:${s.port}${path}`;

describe('startMetricsServer', () => {
  it('binds port 0 to a real port on 127.0.0.1', async () => {
    const s = await start();
    expect(s.port).toBeGreaterThan(0);
    expect(s.host).toBe(HOST);
  });

  it('serves /metrics in Prometheus text format with current values', async () => {
    const m = createDeskMetrics();
    const s = await start(undefined, m.registry);
    m.ticksTotal.inc({ bot: 'b1' }, 5);
    m.setBotState('b1', 'Running');
    const res = await fetch(url(s, '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('desk_ticks_total{bot="b1"} 5');
    expect(text).toContain('desk_bot_state{bot="b1",state="Running"} 1');
  });

  it('/health answers 200 with JSON when ok and 503 when not', async () => {
    let report: HealthReport = { ok: true, details: { bots: 2 } };
    const s = await start(() => report);
    const ok = await fetch(url(s, '/health'));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ok.json()).toEqual({ ok: true, details: { bots: 2 } });
    report = { ok: false, details: { reason: 'kill switch' } };
    const bad = await fetch(url(s, '/health'));
    expect(bad.status).toBe(503);
    expect(await bad.json()).toEqual({ ok: false, details: { reason: 'kill switch' } });
  });

  it('/health answers 503 when the health callback throws', async () => {
    const s = await start(() => {
      throw new Error('boom');
    });
    const res = await fetch(url(s, '/health'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ok: false, details: { error: 'boom' } });
  });

  it('answers 404 for unknown paths and 405 for non-GET', async () => {
    const s = await start();
    expect((await fetch(url(s, '/nope'))).status).toBe(404);
    const post = await fetch(url(s, '/metrics'), { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await fetch(url(s, '/health'), { method: 'DELETE' })).status).toBe(405);
  });

  it('rejects with an error naming the port when it is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, HOST, resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const { port } = blocker.address() as AddressInfo;
    await expect(startMetricsServer({ port, host: HOST, registry: new Registry(), health: () => ({ ok: true }) })).rejects.toThrow(
      new RegExp(`port ${port}\\b.*already in use`),
    );
  });

  it('close() stops the server', async () => {
    const s = await startMetricsServer({ port: 0, host: HOST, registry: new Registry(), health: () => ({ ok: true }) });
    await s.close();
    await expect(fetch(url(s, '/health'))).rejects.toThrow();
  });
});
