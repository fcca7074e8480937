import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.ts';
import {
  BusClosedError,
  BusNoRespondersError,
  BusPayloadError,
  BusTimeoutError,
  InvalidSubjectError,
} from './errors.ts';
import { InProcessBus } from './in-process.ts';
import type { BusHandlerError } from './errors.ts';
import type { BusMsg } from './types.ts';

function setup() {
  const errors: BusHandlerError[] = [];
  const clock = new VirtualClock(1_000);
  const bus = new InProcessBus({ clock, onError: (e) => errors.push(e) });
  return { bus, clock, errors };
}

describe('InProcessBus delivery', () => {
  it('delivers to matching subscribers only, synchronously, in publish order', () => {
    const { bus } = setup();
    const seen: string[] = [];
    bus.subscribe('desk.bot.*.fill', (m) => seen.push(`fills:${m.subject}:${String(m.data.n)}`));
    bus.subscribe('desk.>', (m) => seen.push(`all:${m.subject}:${String(m.data.n)}`));
    bus.publish('desk.bot.a.fill', { n: 1 });
    bus.publish('desk.bot.a.snapshot', { n: 2 });
    bus.publish('other.x', { n: 3 });
    bus.publish('desk.bot.b.fill', { n: 4 });
    expect(seen).toEqual([
      'fills:desk.bot.a.fill:1',
      'all:desk.bot.a.fill:1',
      'all:desk.bot.a.snapshot:2',
      'fills:desk.bot.b.fill:4',
      'all:desk.bot.b.fill:4',
    ]);
  });

  it('a message published from inside a handler reaches every subscriber after the current one', () => {
    const { bus } = setup();
    const first: number[] = [];
    const second: number[] = [];
    bus.subscribe('t', (m) => {
      first.push(m.data.n as number);
      if (m.data.n === 1) bus.publish('t', { n: 2 });
    });
    bus.subscribe('t', (m) => second.push(m.data.n as number));
    bus.publish('t', { n: 1 });
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([1, 2]);
  });

  it('passes headers through as a copy', () => {
    const { bus } = setup();
    const got: BusMsg[] = [];
    bus.subscribe('t', (m) => got.push(m));
    const headers = { traceparent: '00-abc-def-01' };
    bus.publish('t', {}, headers);
    expect(got[0]?.headers).toEqual(headers);
    expect(got[0]?.headers).not.toBe(headers);
    expect(got[0]?.reply).toBeUndefined();
    expect(got[0]?.respond({})).toBe(false);
  });

  it('unsubscribe stops delivery, also of messages already queued', () => {
    const { bus } = setup();
    const seen: number[] = [];
    const sub = bus.subscribe('t', (m) => seen.push(m.data.n as number));
    bus.subscribe('t', (m) => {
      if (m.data.n === 1) {
        bus.publish('t', { n: 2 });
        sub.unsubscribe();
      }
    });
    bus.publish('t', { n: 1 });
    bus.publish('t', { n: 3 });
    expect(seen).toEqual([1]);
    expect(sub.closed).toBe(true);
    sub.unsubscribe(); // idempotent
  });

  it('rejects bad subjects and patterns', () => {
    const { bus } = setup();
    expect(() => bus.publish('desk.*', {})).toThrow(InvalidSubjectError);
    expect(() => bus.publish('', {})).toThrow(InvalidSubjectError);
    expect(() => bus.subscribe('a.>.b', () => undefined)).toThrow(InvalidSubjectError);
  });
});

describe('InProcessBus isolation', () => {
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
    expect(seen).toEqual(['t', 't']);
    await Promise.resolve();
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => e.name === 'BusHandlerError' && e.pattern === 't' && e.subject === 't')).toBe(true);
    expect(errors.map((e) => (e.cause as Error).message).sort()).toEqual(['async boom', 'async boom', 'sync boom', 'sync boom']);
  });

  it('a throwing onError does not break delivery either', () => {
    const bus = new InProcessBus({
      onError: () => {
        throw new Error('reporter down');
      },
    });
    const seen: number[] = [];
    bus.subscribe('t', () => {
      throw new Error('x');
    });
    bus.subscribe('t', () => void seen.push(1));
    expect(() => bus.publish('t', {})).not.toThrow();
    expect(seen).toEqual([1]);
  });
});

describe('InProcessBus copy semantics', () => {
  it('each subscriber gets its own copy; the publisher object is never shared', () => {
    const { bus } = setup();
    const original = { nested: { qty: '1.5' }, list: [1, 2] };
    const got: BusMsg[] = [];
    bus.subscribe('t', (m) => {
      got.push(m);
      (m.data.nested as { qty: string }).qty = 'mutated';
    });
    bus.subscribe('t', (m) => got.push(m));
    bus.publish('t', original);
    expect(original).toEqual({ nested: { qty: '1.5' }, list: [1, 2] });
    expect(got[1]?.data).toEqual({ nested: { qty: '1.5' }, list: [1, 2] });
    expect(got[0]?.data).not.toBe(got[1]?.data);
  });

  it('behaves like the wire: undefined fields vanish, toJSON applies, Dates become strings', () => {
    const { bus } = setup();
    let data: unknown;
    bus.subscribe('t', (m) => (data = m.data));
    bus.publish('t', { a: undefined, d: new Date(0), p: { toJSON: () => '1.50' } });
    expect(data).toEqual({ d: '1970-01-01T00:00:00.000Z', p: '1.50' });
  });

  it('rejects what cannot cross the wire, delivering nothing', () => {
    const { bus } = setup();
    let count = 0;
    bus.subscribe('t', () => void count++);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => bus.publish('t', cyclic)).toThrow(BusPayloadError);
    expect(() => bus.publish('t', { n: 1n })).toThrow(BusPayloadError);
    expect(() => bus.publish('t', [1, 2])).toThrow(/must serialize to a JSON object/);
    expect(() => bus.publish('t', {}, { n: 1 } as never)).toThrow(/header "n" is not a string/);
    expect(count).toBe(0);
  });
});

describe('InProcessBus request/reply', () => {
  it('resolves with the reply, headers included', async () => {
    const { bus } = setup();
    bus.subscribe('desk.cmd.a', (m) => {
      m.respond({ ack: m.data.id }, { 'x-h': 'v' });
    });
    const reply = await bus.request('desk.cmd.a', { id: 'c1' }, { timeoutMs: 50 });
    expect(reply.data).toEqual({ ack: 'c1' });
    expect(reply.headers).toEqual({ 'x-h': 'v' });
  });

  it('an async responder works; only the first reply counts', async () => {
    const { bus } = setup();
    bus.subscribe('q', async (m) => {
      await Promise.resolve();
      m.respond({ n: 1 });
      m.respond({ n: 2 });
    });
    const reply = await bus.request('q', {}, { timeoutMs: 50 });
    expect(reply.data).toEqual({ n: 1 });
  });

  it('times out with BusTimeoutError on the injected clock', async () => {
    const { bus, clock } = setup();
    bus.subscribe('q', () => undefined);
    const p = bus.request('q', {}, { timeoutMs: 25 });
    clock.advanceBy(24);
    let settled = false;
    void p.then(
      () => (settled = true),
      () => (settled = true),
    );
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advanceBy(1);
    await expect(p).rejects.toBeInstanceOf(BusTimeoutError);
    await expect(p).rejects.toThrow('request on q timed out after 25 ms');
  });

  it('times out on the wall clock by default', async () => {
    const bus = new InProcessBus();
    bus.subscribe('q', () => undefined);
    await expect(bus.request('q', {}, { timeoutMs: 20 })).rejects.toBeInstanceOf(BusTimeoutError);
  });

  it('fails fast with no responders', async () => {
    const { bus } = setup();
    await expect(bus.request('nobody', {}, { timeoutMs: 50 })).rejects.toBeInstanceOf(BusNoRespondersError);
  });
});

describe('InProcessBus close', () => {
  it('rejects pending requests, stops delivery, and refuses further use', async () => {
    const { bus } = setup();
    const seen: number[] = [];
    const sub = bus.subscribe('t', () => void seen.push(1));
    const pending = bus.request('t', {}, { timeoutMs: 50 });
    await bus.close();
    await bus.close(); // idempotent
    await expect(pending).rejects.toBeInstanceOf(BusClosedError);
    expect(sub.closed).toBe(true);
    expect(() => bus.publish('t', {})).toThrow(BusClosedError);
    expect(() => bus.publish('t', {})).toThrow('bus is closed (publish t)');
    expect(() => bus.subscribe('t', () => undefined)).toThrow(BusClosedError);
    await expect(bus.request('t', {}, { timeoutMs: 50 })).rejects.toBeInstanceOf(BusClosedError);
    expect(seen).toEqual([1]);
  });
});
