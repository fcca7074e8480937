/**
 * NatsBus against the real server on 127.0.0.1:4222. The behavioural cases run as a contract
 * against both NatsBus and InProcessBus, so the two implementations are held to the same
 * semantics; NATS delivery is asynchronous, so the contract waits instead of expecting
 * synchronous delivery. Every NatsBus gets a unique prefix, so runs never see each other.
 * If NATS is unreachable these tests fail (connecting in beforeAll throws); they never skip.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Context, ContextManager } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { NatsConnection } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../nats/connect.ts';
import { startNatsServer } from '../nats/test-server.fixtures.ts';
import {
  BusClosedError,
  BusNoRespondersError,
  BusPayloadError,
  BusTimeoutError,
  InvalidSubjectError,
} from './errors.ts';
import type { BusHandlerError } from './errors.ts';
import { InProcessBus } from './in-process.ts';
import { contextFromHeaders, NatsBus } from './nats.ts';
import type { Bus, BusMsg } from './types.ts';

const NATS_URL = 'nats://127.0.0.1:4222';
let nc: NatsConnection;
let seq = 0;
const uniquePrefix = (): string => `t${process.pid}x${Math.random().toString(36).slice(2, 8)}x${++seq}`;

beforeAll(async () => {
  nc = await connectNats({ url: NATS_URL, name: 'desk-bus-test', auth: { kind: 'none' } });
});
afterAll(async () => {
  await nc?.drain();
});

/** Polls until `cond` holds; fails the test after `ms`. */
async function until(cond: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Publishes a sentinel on `subject` after whatever came before and waits for it: what has not arrived by then never will. */
async function barrier(bus: Bus, subject = 'barrier.done'): Promise<void> {
  let done = false;
  const sub = bus.subscribe(subject, () => void (done = true));
  bus.publish(subject, {});
  await until(() => done);
  sub.unsubscribe();
}

interface Harness {
  readonly bus: Bus;
  readonly errors: BusHandlerError[];
}

function busContract(name: string, make: () => Harness): void {
  describe(`${name}: the Bus contract`, () => {
    const open: Bus[] = [];
    const setup = (): Harness => {
      const h = make();
      open.push(h.bus);
      return h;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });

    it('delivers to matching subscribers only, with * and >, in publish order', async () => {
      const { bus } = setup();
      const seen: string[] = [];
      bus.subscribe('desk.bot.*.fill', (m) => seen.push(`fills:${m.subject}:${String(m.data.n)}`));
      bus.subscribe('desk.>', (m) => seen.push(`all:${m.subject}:${String(m.data.n)}`));
      bus.publish('desk.bot.a.fill', { n: 1 });
      bus.publish('desk.bot.a.snapshot', { n: 2 });
      bus.publish('other.x', { n: 3 });
      bus.publish('desk.bot.b.fill', { n: 4 });
      bus.publish('desk', { n: 5 }); // '>' needs at least one more token
      await barrier(bus);
      expect(seen.filter((s) => s.startsWith('fills:'))).toEqual(['fills:desk.bot.a.fill:1', 'fills:desk.bot.b.fill:4']);
      expect(seen.filter((s) => s.startsWith('all:'))).toEqual([
        'all:desk.bot.a.fill:1',
        'all:desk.bot.a.snapshot:2',
        'all:desk.bot.b.fill:4',
      ]);
    });

    it('passes headers through; a plain publish has no reply', async () => {
      const { bus } = setup();
      const got: BusMsg[] = [];
      bus.subscribe('t', (m) => got.push(m));
      const headers = { 'x-correlation-id': 'c-1', 'X-Mixed-Case': 'v' };
      bus.publish('t', {}, headers);
      await until(() => got.length === 1);
      expect(got[0]?.headers).toEqual(headers);
      expect(got[0]?.headers).not.toBe(headers);
      expect(got[0]?.reply).toBeUndefined();
      expect(got[0]?.respond({})).toBe(false);
    });

    it('unsubscribe stops delivery and is idempotent', async () => {
      const { bus } = setup();
      const seen: number[] = [];
      const sub = bus.subscribe('t', (m) => seen.push(m.data.n as number));
      bus.publish('t', { n: 1 });
      await until(() => seen.length === 1);
      sub.unsubscribe();
      sub.unsubscribe();
      expect(sub.closed).toBe(true);
      bus.publish('t', { n: 2 });
      await barrier(bus);
      expect(seen).toEqual([1]);
    });

    it('rejects bad subjects and patterns', () => {
      const { bus } = setup();
      expect(() => bus.publish('desk.*', {})).toThrow(InvalidSubjectError);
      expect(() => bus.publish('desk.>', {})).toThrow(InvalidSubjectError);
      expect(() => bus.publish('', {})).toThrow(InvalidSubjectError);
      expect(() => bus.publish('a..b', {})).toThrow(InvalidSubjectError);
      expect(() => bus.subscribe('a.>.b', () => undefined)).toThrow(InvalidSubjectError);
      expect(() => bus.subscribe('a b', () => undefined)).toThrow(InvalidSubjectError);
    });

    it('a throwing or rejecting subscriber never stops the others nor reaches the publisher', async () => {
      const { bus, errors } = setup();
      const seen: string[] = [];
      bus.subscribe('t', () => {
        throw new Error('sync boom');
      });
      bus.subscribe('t', async () => {
        throw new Error('async boom');
      });
      bus.subscribe('t', (m) => void seen.push(m.subject));
      expect(() => bus.publish('t', {})).not.toThrow();
      expect(() => bus.publish('t', {})).not.toThrow();
      await until(() => seen.length === 2 && errors.length === 4);
      expect(errors.every((e) => e.name === 'BusHandlerError' && e.pattern === 't' && e.subject === 't')).toBe(true);
      expect(errors.map((e) => (e.cause as Error).message).sort()).toEqual(['async boom', 'async boom', 'sync boom', 'sync boom']);
    });

    it('each subscriber gets its own copy, as the wire gives it', async () => {
      const { bus } = setup();
      const original = { nested: { qty: '1.5' }, list: [1, 2], a: undefined, d: new Date(0), p: { toJSON: () => '1.50' } };
      // NATS does not order delivery across subscriptions, so each subscriber keeps its own.
      let mutator: BusMsg | undefined;
      let reader: BusMsg | undefined;
      bus.subscribe('t', (m) => {
        mutator = m;
        (m.data.nested as { qty: string }).qty = 'mutated';
      });
      bus.subscribe('t', (m) => void (reader = m));
      bus.publish('t', original);
      await until(() => mutator !== undefined && reader !== undefined);
      expect(original.nested.qty).toBe('1.5');
      expect(reader?.data).toEqual({ nested: { qty: '1.5' }, list: [1, 2], d: '1970-01-01T00:00:00.000Z', p: '1.50' });
      expect(mutator?.data).not.toBe(reader?.data);
    });

    it('rejects what cannot cross the wire, delivering nothing', async () => {
      const { bus } = setup();
      let count = 0;
      bus.subscribe('t', () => void count++);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      expect(() => bus.publish('t', cyclic)).toThrow(BusPayloadError);
      expect(() => bus.publish('t', { n: 1n })).toThrow(BusPayloadError);
      expect(() => bus.publish('t', [1, 2])).toThrow(/must serialize to a JSON object/);
      expect(() => bus.publish('t', new String('x'))).toThrow(BusPayloadError);
      expect(() => bus.publish('t', {}, { n: 1 } as never)).toThrow(/header "n" is not a string/);
      await barrier(bus);
      expect(count).toBe(0);
    });

    it('request resolves with the first reply, headers included', async () => {
      const { bus } = setup();
      bus.subscribe('desk.cmd.a', async (m) => {
        await Promise.resolve();
        m.respond({ ack: m.data.id }, { 'x-h': 'v' });
        m.respond({ ack: 'second' });
      });
      const reply = await bus.request('desk.cmd.a', { id: 'c1' }, { timeoutMs: 2_000 });
      expect(reply.data).toEqual({ ack: 'c1' });
      expect(reply.headers).toMatchObject({ 'x-h': 'v' });
    });

    it('request times out with BusTimeoutError', async () => {
      const { bus } = setup();
      bus.subscribe('q', () => undefined);
      const started = Date.now();
      const p = bus.request('q', {}, { timeoutMs: 100 });
      await expect(p).rejects.toBeInstanceOf(BusTimeoutError);
      await expect(p).rejects.toThrow('request on q timed out after 100 ms');
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    });

    it('request fails fast with BusNoRespondersError', async () => {
      const { bus } = setup();
      const started = Date.now();
      await expect(bus.request('nobody.home', {}, { timeoutMs: 5_000 })).rejects.toBeInstanceOf(BusNoRespondersError);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('close rejects pending requests, ends subscriptions, and refuses further use', async () => {
      const { bus } = setup();
      let seen = 0;
      const sub = bus.subscribe('t', () => void seen++);
      const pending = bus.request('t', {}, { timeoutMs: 5_000 });
      const outcome = pending.then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await until(() => seen === 1);
      await Promise.all([bus.close(), bus.close()]);
      await bus.close(); // idempotent
      expect(await outcome).toBeInstanceOf(BusClosedError);
      expect(sub.closed).toBe(true);
      expect(() => bus.publish('t', {})).toThrow('bus is closed (publish t)');
      expect(() => bus.subscribe('t', () => undefined)).toThrow(BusClosedError);
      await expect(bus.request('t', {}, { timeoutMs: 50 })).rejects.toBeInstanceOf(BusClosedError);
    });
  });
}

busContract('InProcessBus', () => {
  const errors: BusHandlerError[] = [];
  return { bus: new InProcessBus({ onError: (e) => errors.push(e) }), errors };
});

busContract('NatsBus', () => {
  const errors: BusHandlerError[] = [];
  return { bus: new NatsBus(nc, { prefix: uniquePrefix(), onError: (e) => errors.push(e) }), errors };
});

describe('NatsBus on the wire', () => {
  const open: NatsBus[] = [];
  const bus = (prefix: string = uniquePrefix()): NatsBus => {
    const b = new NatsBus(nc, { prefix, onError: () => undefined });
    open.push(b);
    return b;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('puts the prefix on the wire and strips it on receipt', async () => {
    const prefix = uniquePrefix();
    const b = bus(prefix);
    const raw: string[] = [];
    const rawSub = nc.subscribe(`${prefix}.>`, { callback: (_e, m) => void raw.push(m.subject) });
    const got: BusMsg[] = [];
    b.subscribe('desk.cmd.*', (m) => got.push(m));
    b.publish('desk.cmd.bot1', { n: 1 });
    await until(() => got.length === 1 && raw.length === 1);
    rawSub.unsubscribe();
    expect(raw).toEqual([`${prefix}.desk.cmd.bot1`]);
    expect(got[0]?.subject).toBe('desk.cmd.bot1');
  });

  it('a bus with another prefix sees nothing', async () => {
    const a = bus();
    const b = bus();
    const seenByB: string[] = [];
    b.subscribe('>', (m) => void seenByB.push(m.subject));
    a.publish('desk.cmd.x', {});
    a.publish('other', {});
    // Same connection, so the server processes a's publishes before b's barrier.
    await barrier(b);
    expect(seenByB).toEqual(['barrier.done']);
  });

  it('replies travel on a prefixed inbox, exposed un-prefixed', async () => {
    const prefix = uniquePrefix();
    const b = bus(prefix);
    let reply: string | undefined;
    b.subscribe('q', (m) => {
      reply = m.reply;
      m.respond({ ok: true });
    });
    await expect(b.request('q', {}, { timeoutMs: 2_000 })).resolves.toMatchObject({ data: { ok: true } });
    expect(reply).toMatch(/^_INBOX\./);
  });

  it('reports an incoming message that is not a JSON object, and keeps the subscription', async () => {
    const prefix = uniquePrefix();
    const errors: BusHandlerError[] = [];
    const b = new NatsBus(nc, { prefix, onError: (e) => errors.push(e) });
    open.push(b);
    const seen: unknown[] = [];
    b.subscribe('t', (m) => void seen.push(m.data));
    nc.publish(`${prefix}.t`, new TextEncoder().encode('[1]'));
    nc.publish(`${prefix}.t`, new TextEncoder().encode('not json'));
    b.publish('t', { ok: 1 });
    await until(() => seen.length === 1 && errors.length === 2);
    expect(errors.map((e) => (e.cause as Error).name)).toEqual(['BusPayloadError', 'BusPayloadError']);
  });

  it('answers a request whose body is not a JSON object with an invalid_json error reply', async () => {
    const prefix = uniquePrefix();
    const b = new NatsBus(nc, { prefix, onError: () => undefined });
    open.push(b);
    let handled = 0;
    b.subscribe('desk.cmd.bot1', () => void (handled += 1));
    const r = await nc.request(`${prefix}.desk.cmd.bot1`, new TextEncoder().encode('{"id": "x", oops'), { timeout: 2_000 });
    const body = JSON.parse(new TextDecoder().decode(r.data)) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.message).toContain('desk.cmd.bot1');
    expect(handled).toBe(0);
  });

  it('rejects header keys or values the protocol cannot carry', () => {
    const b = bus();
    expect(() => b.publish('t', {}, { 'bad:key': 'v' })).toThrow(BusPayloadError);
    expect(() => b.publish('t', {}, { k: 'line\r\nbreak' })).toThrow(BusPayloadError);
  });

  it('answers a request from a plain NATS client (un-prefixed inbox)', async () => {
    const b = new NatsBus(nc, { onError: () => undefined });
    open.push(b);
    const subject = `${uniquePrefix()}.echo`;
    b.subscribe(subject, (m) => m.respond({ echo: m.data.v }));
    const r = await nc.request(subject, new TextEncoder().encode('{"v":7}'), { timeout: 2_000 });
    expect(JSON.parse(new TextDecoder().decode(r.data))).toEqual({ echo: 7 });
  });

  it('close() drains and closes the connection when the bus owns it', async () => {
    const own = await connectNats({ url: NATS_URL, name: 'desk-bus-owner', auth: { kind: 'none' } });
    const b = new NatsBus(own, { prefix: uniquePrefix(), ownsConnection: true });
    const seen: number[] = [];
    b.subscribe('t', (m) => void seen.push(m.data.n as number));
    b.publish('t', { n: 1 });
    await b.flush();
    await b.close();
    expect(own.isClosed()).toBe(true);
    expect(seen).toEqual([1]);
  });

  it('a subscription the server refuses is reported and ends', async () => {
    const server = await startNatsServer({
      config: 'authorization { users: [ { user: u, password: p, permissions: { subscribe: "ok.>", publish: ">" } } ] }\n',
    });
    try {
      const limited = await connectNats({ url: server.url, name: 'desk-perm-test', auth: { kind: 'user-password', user: 'u', password: 'p' } });
      const errors: BusHandlerError[] = [];
      const b = new NatsBus(limited, { onError: (e) => errors.push(e), ownsConnection: true });
      const denied = b.subscribe('desk.>', () => undefined);
      const allowed: BusMsg[] = [];
      b.subscribe('ok.>', (m) => void allowed.push(m));
      await until(() => errors.length === 1);
      expect(denied.closed).toBe(true);
      expect(String((errors[0]?.cause as Error).message)).toMatch(/permissions violation/i);
      b.publish('ok.x', {});
      await until(() => allowed.length === 1);
      await b.close();
    } finally {
      await server.dispose();
    }
  });

  it('a bad prefix is refused', () => {
    expect(() => new NatsBus(nc, { prefix: 'a.*' })).toThrow(InvalidSubjectError);
    expect(() => new NatsBus(nc, { prefix: '' })).toThrow(InvalidSubjectError);
  });
});

/** Minimal AsyncLocalStorage context manager (the package @opentelemetry/context-async-hooks is not installed). */
class AlsContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

describe('NatsBus trace context', () => {
  const provider = new BasicTracerProvider();
  const tracer = provider.getTracer('nats-bus-test');
  beforeAll(() => {
    context.setGlobalContextManager(new AlsContextManager().enable());
  });
  afterEach(() => {
    propagation.disable();
  });
  afterAll(async () => {
    context.disable();
    await provider.shutdown();
  });

  async function roundTrip(): Promise<{ sent: string; got: BusMsg }> {
    const b = new NatsBus(nc, { prefix: uniquePrefix() });
    try {
      const got: BusMsg[] = [];
      b.subscribe('desk.bot.a.fill', (m) => void got.push(m));
      const span = tracer.startSpan('publish');
      context.with(trace.setSpan(context.active(), span), () => b.publish('desk.bot.a.fill', { n: 1 }));
      span.end();
      await until(() => got.length === 1);
      return { sent: span.spanContext().traceId, got: got[0] as BusMsg };
    } finally {
      await b.close();
    }
  }

  it('propagates the active span with a registered W3C propagator', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const { sent, got } = await roundTrip();
    expect(got.headers['traceparent']).toMatch(new RegExp(`^00-${sent}-[0-9a-f]{16}-0[01]$`));
    expect(trace.getSpanContext(contextFromHeaders(got.headers))?.traceId).toBe(sent);
  });

  it('falls back to W3C trace context when no propagator is registered', async () => {
    const { sent, got } = await roundTrip();
    expect(trace.getSpanContext(contextFromHeaders(got.headers))?.traceId).toBe(sent);
  });

  it('propagates through request and reply; explicit headers win', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const b = new NatsBus(nc, { prefix: uniquePrefix() });
    try {
      let seenTrace: string | undefined;
      b.subscribe('q', (m) => {
        seenTrace = trace.getSpanContext(contextFromHeaders(m.headers))?.traceId;
        m.respond({});
      });
      const span = tracer.startSpan('request');
      await context.with(trace.setSpan(context.active(), span), () => b.request('q', {}, { timeoutMs: 2_000 }));
      span.end();
      expect(seenTrace).toBe(span.spanContext().traceId);

      const forwarded = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      let seenHeader: string | undefined;
      b.subscribe('fwd', (m) => void (seenHeader = m.headers['traceparent']));
      context.with(trace.setSpan(context.active(), tracer.startSpan('x')), () =>
        b.publish('fwd', {}, { traceparent: forwarded }),
      );
      await until(() => seenHeader !== undefined);
      expect(seenHeader).toBe(forwarded);
    } finally {
      await b.close();
    }
  });

  it('sends no trace headers without an active span', async () => {
    const b = new NatsBus(nc, { prefix: uniquePrefix() });
    try {
      const got: BusMsg[] = [];
      b.subscribe('t', (m) => void got.push(m));
      b.publish('t', {});
      await until(() => got.length === 1);
      expect(got[0]?.headers).toEqual({});
    } finally {
      await b.close();
    }
  });
});
