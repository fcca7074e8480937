/**
 * A bot host that loses NATS: a private nats-server is stopped mid-stream and restarted; the
 * sink spools, re-publishes on reconnect, and the stream ends up with every event exactly once,
 * in order per producer.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../domain/events/index.ts';
import { type NatsServerHandle, startNatsServer } from '../nats/test-server.fixtures.ts';
import { openJetStreamEventSink } from './event-publisher.ts';
import { connectTest, eventMaker, uniquePrefix } from './jetstream.fixtures.ts';
import { type DeskStreamNames, ensureDeskStreams } from './streams.ts';
import { verifyJetStream } from './verify.ts';

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const untilAsync = async (cond: () => Promise<boolean>, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Every message of the stream, in stream order. */
async function readAll(nc: NatsConnection, stream: string): Promise<EventEnvelope[]> {
  const jsm = await nc.jetstreamManager();
  const n = (await jsm.streams.info(stream)).state.messages;
  const out: EventEnvelope[] = [];
  if (n === 0) return out;
  const it = await (await nc.jetstream().consumers.get(stream)).consume();
  for await (const m of it) {
    out.push(m.json<EventEnvelope>());
    if (out.length === n) break;
  }
  await it.close();
  return out;
}

function expectInOrderOnce(stored: readonly EventEnvelope[], appended: readonly EventEnvelope[]): void {
  expect(new Set(stored.map((e) => e.eventId)).size).toBe(stored.length);
  expect([...stored.map((e) => e.eventId)].sort()).toEqual([...appended.map((e) => e.eventId)].sort());
  const producers = new Set(appended.map((e) => e.producer));
  for (const p of producers) {
    expect(stored.filter((e) => e.producer === p).map((e) => e.seq)).toEqual(appended.filter((e) => e.producer === p).map((e) => e.seq));
  }
}

describe('JetStreamEventSink across a NATS outage (private nats-server)', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let names: DeskStreamNames;
  let prefix = '';
  let spoolDir = '';
  // One server per test: a test that fails while the server is stopped must not take the next one down.
  beforeEach(async () => {
    server = await startNatsServer({ jetstream: true });
    nc = await connectTest(server.url, 'desk-jetstream-outage-test');
    prefix = uniquePrefix();
    names = (await ensureDeskStreams(await nc.jetstreamManager(), { prefix })).names;
    spoolDir = await mkdtemp(join(tmpdir(), 'desk-js-outage-'));
  });
  afterEach(async () => {
    await nc.close();
    await rm(spoolDir, { recursive: true, force: true });
    await server.dispose();
  });

  it('server stopped mid-stream: events spool, re-publish on restart, each stored once, in order', async () => {
    const sink = await openJetStreamEventSink({ nc, prefix, spoolDir, publishTimeoutMs: 2000 });
    const make = eventMaker(prefix);
    const appended: EventEnvelope[] = [];
    const add = (n: number): void => {
      for (let i = 0; i < n; i++) appended.push(sink.append(make(i % 2 === 0 ? 'bot-a' : 'kill-switch', i % 5 === 0 ? 'kill.trigger' : 'order.filled')));
    };
    add(300);
    await sink.flush();
    add(200); // still in flight when the server goes away
    await server.stop();
    await until(() => sink.state === 'offline');
    add(300); // appended while NATS is down
    await until(() => sink.stats.spooled >= 300);
    // `spooled` counts appends as they are queued; the fsync'd segment file lands a moment later.
    await untilAsync(async () => (await readdir(spoolDir)).length > 0);
    expect(sink.pending).toBeGreaterThanOrEqual(300);

    await server.restart();
    await sink.flush();
    expect(sink.pending).toBe(0);
    expect(sink.stats.outages).toBeGreaterThanOrEqual(1);
    await sink.close();
    expect(await readdir(spoolDir)).toEqual([]);

    expectInOrderOnce(await readAll(nc, names.events), appended);
    const report = await verifyJetStream(nc, { stream: names.events });
    expect(report).toMatchObject({ messages: 800, validEvents: 800, gaps: [], duplicateEventIds: [], duplicateSeqs: [], clean: true });
    expect(report.producers).toEqual({ 'bot-a': { events: 400, maxSeq: 400 }, 'kill-switch': { events: 400, maxSeq: 400 } });
    const audit = await verifyJetStream(nc, { stream: names.audit, checkGaps: false });
    expect(audit).toMatchObject({ messages: 160, duplicateEventIds: [], clean: true });
  });

  it('a host that stops while offline leaves a spool the next host re-publishes', async () => {
    const make = eventMaker(prefix);
    const first = await openJetStreamEventSink({ nc, prefix, spoolDir });
    const appended: EventEnvelope[] = [];
    for (let i = 0; i < 50; i++) appended.push(first.append(make('bot-a', 'order.filled')));
    await first.flush();
    await server.stop();
    await until(() => first.state === 'offline');
    for (let i = 0; i < 100; i++) appended.push(first.append(make('bot-a', i % 10 === 0 ? 'command.applied' : 'order.filled')));
    await first.close({ timeoutMs: 200 });
    expect((await readdir(spoolDir)).length).toBe(1);

    await server.restart();
    await until(() => !nc.isClosed() && nc.info !== undefined);
    const second = await openJetStreamEventSink({ nc, prefix, spoolDir });
    expect(second.stats.recovered).toBe(100);
    const more = make('bot-a', 'order.filled');
    appended.push(second.append(more));
    await second.flush();
    await second.close();
    expect(await readdir(spoolDir)).toEqual([]);
    expectInOrderOnce(await readAll(nc, names.events), appended);
    expect(await verifyJetStream(nc, { stream: names.events })).toMatchObject({ messages: 151, clean: true, gaps: [] });
  });
});
