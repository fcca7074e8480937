/**
 * The inspector endpoint over real sockets: a `ws` client sees the library's messages for a real
 * XState actor, late joiners get the current picture, browsers from other origins are refused,
 * and stop() frees the port.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { assign, createActor, setup } from 'xstate';
import { startInspector, type DeskInspector } from './inspect.ts';

const HOST = '127.0.0.1';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const counter = setup({
  types: { context: {} as { count: number }, events: {} as { type: 'bump' } },
}).createMachine({
  id: 'counter',
  initial: 'idle',
  context: { count: 0 },
  states: {
    idle: { on: { bump: { target: 'busy', actions: assign({ count: ({ context }) => context.count + 1 }) } } },
    busy: {},
  },
});

interface Message {
  readonly type: string;
  readonly sessionId: string;
  readonly _version: string;
  readonly name?: string;
  readonly event?: { readonly type: string };
  readonly snapshot?: { readonly value?: unknown; readonly context?: unknown; readonly status?: string };
}

async function start(): Promise<DeskInspector> {
  const inspector = await startInspector({ port: 0, host: HOST });
  cleanups.push(() => inspector.stop());
  return inspector;
}

/** A connected client collecting every message; `waitFor` resolves once a matching one arrived. */
async function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const received: Message[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    received.push(JSON.parse(String(data)) as Message);
    for (const w of waiters.splice(0)) w();
  });
  cleanups.push(async () => {
    ws.terminate();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitFor = async (pred: (m: Message) => boolean): Promise<Message> => {
    for (;;) {
      const hit = received.find(pred);
      if (hit) return hit;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { ws, received, waitFor };
}

async function portIsFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

const portOf = (url: string): number => Number(new URL(url).port);

describe('startInspector', () => {
  it('streams actor registration, events and snapshots of a real actor to a WebSocket client', async () => {
    const inspector = await start();
    expect(inspector.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(portOf(inspector.url)).toBeGreaterThan(0);
    expect(inspector.instructions).toContain(inspector.pageUrl);
    const client = await connect(inspector.url);

    const tracerSeen: string[] = [];
    const actor = createActor(counter, {
      inspect: (ev) => {
        tracerSeen.push(ev.type); // another observer alongside, as the runtime does
        inspector.inspect(ev);
      },
    });
    cleanups.push(async () => {
      actor.stop();
    });
    actor.start();
    actor.send({ type: 'bump' });

    const registered = await client.waitFor((m) => m.type === '@xstate.actor');
    expect(registered).toMatchObject({ name: 'counter', sessionId: actor.sessionId, _version: '0.7.2' });
    const event = await client.waitFor((m) => m.type === '@xstate.event' && m.event?.type === 'bump');
    expect(event.sessionId).toBe(actor.sessionId);
    const snapshot = await client.waitFor((m) => m.type === '@xstate.snapshot' && m.event?.type === 'bump');
    expect(snapshot).toMatchObject({ sessionId: actor.sessionId, snapshot: { value: 'busy', context: { count: 1 }, status: 'active' } });
    expect(tracerSeen).toContain('@xstate.snapshot');
  });

  it('gives a late client the registration and latest snapshot of each live actor', async () => {
    const inspector = await start();
    const actor = createActor(counter, { inspect: inspector.inspect });
    cleanups.push(async () => {
      actor.stop();
    });
    actor.start();
    actor.send({ type: 'bump' });
    await new Promise((resolve) => setTimeout(resolve, 20)); // the library delivers on a 0 ms timer

    const late = await connect(inspector.url);
    await late.waitFor((m) => m.type === '@xstate.snapshot');
    expect(late.received.map((m) => m.type)).toEqual(['@xstate.actor', '@xstate.snapshot']);
    expect(late.received[1]?.snapshot?.value).toBe('busy');
  });

  it('serves the bridge page, which embeds the inspector UI and reads the socket on its own origin', async () => {
    const inspector = await start();
    const res = await fetch(inspector.pageUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('src="https://stately.ai/inspect"');
    expect(html).toContain("new WebSocket('ws://' + location.host)");
    expect((await fetch(new URL('/nope', inspector.pageUrl))).status).toBe(404);
  });

  it('refuses browsers from other origins but accepts the bridge page origin', async () => {
    const inspector = await start();
    const port = portOf(inspector.url);
    await expect(connect(inspector.url, { origin: 'http://evil.example' })).rejects.toThrow(/401/) // ws answers a refused verifyClient with 401;
    const ok = await connect(inspector.url, { origin: `http://localhost:${port}` });
    expect(ok.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('stop() closes clients and frees the port; later inspection events are dropped', async () => {
    const inspector = await startInspector({ port: 0, host: HOST });
    const port = portOf(inspector.url);
    const client = await connect(inspector.url);
    const closed = new Promise<void>((resolve) => client.ws.once('close', () => resolve()));
    const actor = createActor(counter, { inspect: inspector.inspect });
    actor.start();

    await inspector.stop();
    await closed;
    expect(await portIsFree(port)).toBe(true);
    await expect(connect(inspector.url)).rejects.toThrow(/ECONNREFUSED/);
    expect(() => actor.send({ type: 'bump' })).not.toThrow();
    actor.stop();
    await inspector.stop(); // idempotent
  });
});
