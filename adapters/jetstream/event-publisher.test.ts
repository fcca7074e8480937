import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEventLog } from '../../actors/event-log.ts';
import { EnvelopeValidationError } from '../store/errors.ts';
import { EventSinkError } from './errors.ts';
import { openJetStreamEventSink } from './event-publisher.ts';
import { deleteStreams, eventMaker, uniquePrefix, useSharedNats } from './jetstream.fixtures.ts';
import { type DeskStreamNames, ensureDeskStreams } from './streams.ts';
import { verifyDeskStreams, verifyJetStream } from './verify.ts';

describe('JetStreamEventSink (real NATS)', () => {
  const conn = useSharedNats();
  let nc: NatsConnection;
  let spoolRoot = '';
  const streams: string[] = [];
  beforeAll(async () => {
    spoolRoot = await mkdtemp(join(tmpdir(), 'desk-js-sink-'));
  });
  beforeEach(() => {
    nc = conn();
  });
  afterAll(async () => {
    await deleteStreams(conn(), streams);
    await rm(spoolRoot, { recursive: true, force: true });
  });

  async function setup(): Promise<{ prefix: string; names: DeskStreamNames; spoolDir: string }> {
    const prefix = uniquePrefix();
    const { names } = await ensureDeskStreams(await nc.jetstreamManager(), { prefix });
    streams.push(names.events, names.audit);
    return { prefix, names, spoolDir: join(spoolRoot, prefix) };
  }

  it('publishes N events in order; audited types also land in DESK_AUDIT; verify is clean', async () => {
    const { prefix, names, spoolDir } = await setup();
    const sink = await openJetStreamEventSink({ nc, prefix, spoolDir, maxInFlight: 32 });
    const make = eventMaker(prefix);
    const types = ['order.filled', 'command.applied', 'risk.decision', 'kill.trigger', 'bot.tick'];
    const appended = Array.from({ length: 500 }, (_, i) => sink.append(make(i % 3 === 0 ? 'risk' : 'bot.a', types[i % types.length] ?? 'bot.tick')));
    expect(sink.pending).toBeGreaterThan(0);
    await sink.flush();
    expect(sink.pending).toBe(0);
    expect(sink.stats).toMatchObject({ acked: 500, duplicates: 0, spooled: 0, outages: 0 });
    await sink.close();

    const report = await verifyDeskStreams(nc, { names });
    expect(report.clean).toBe(true);
    expect(report.events).toMatchObject({ messages: 500, validEvents: 500, gaps: [], duplicateEventIds: [], denyDelete: true, denyPurge: true, correlationCoverage: 1 });
    expect(report.events.producers).toEqual({ 'bot.a': { events: 333, maxSeq: 333 }, risk: { events: 167, maxSeq: 167 } });
    expect(report.audit.messages).toBe(300);
    expect(report.audit.byType).toEqual({ 'command.applied': 100, 'risk.decision': 100, 'kill.trigger': 100 });

    // Stream order is append order.
    const consumer = await nc.jetstream().consumers.get(names.events);
    const ids: string[] = [];
    const it = await consumer.consume();
    for await (const m of it) {
      ids.push((m.json() as { eventId: string }).eventId);
      if (ids.length === 500) break;
    }
    await it.close();
    expect(ids).toEqual(appended.map((e) => e.eventId));
    expect(await readdir(spoolDir)).toEqual([]);
  });

  it('a publish that fails while connected (no stream yet) spools, and a retry publishes once the stream exists', async () => {
    const prefix = uniquePrefix();
    const spoolDir = join(spoolRoot, prefix);
    const sink = await openJetStreamEventSink({ nc, prefix, spoolDir, retryMs: 50 });
    const make = eventMaker(prefix);
    for (let i = 0; i < 20; i++) sink.append(make('bot-a', 'order.filled'));
    const flushed = sink.flush();
    while (sink.state !== 'offline') await new Promise((r) => setTimeout(r, 5));
    expect(sink.stats.lastError).not.toBeNull();
    const { names } = await ensureDeskStreams(await nc.jetstreamManager(), { prefix });
    streams.push(names.events, names.audit);
    await flushed;
    expect(sink.stats).toMatchObject({ acked: 20, spooled: 20, outages: 1 });
    await sink.close();
    expect(await readdir(spoolDir)).toEqual([]);
    expect(await verifyJetStream(nc, { stream: names.events })).toMatchObject({ messages: 20, clean: true });
  });

  it('the same eventId published twice is stored once', async () => {
    const { prefix, names, spoolDir } = await setup();
    const sink = await openJetStreamEventSink({ nc, prefix, spoolDir });
    const make = eventMaker(prefix);
    const e1 = make('bot-a', 'order.filled');
    const e2 = make('bot-a', 'command.applied');
    sink.append(e1);
    sink.append(e2);
    sink.append(e1);
    sink.append(e2);
    await sink.flush();
    expect(sink.stats).toMatchObject({ acked: 4, duplicates: 2 });
    await sink.close();
    const r = await verifyJetStream(nc, { stream: names.events });
    expect(r).toMatchObject({ messages: 2, duplicateEventIds: [], duplicateSeqs: [], clean: true });
    expect((await verifyJetStream(nc, { stream: names.audit, checkGaps: false })).messages).toBe(1);
  });

  it('works as the event log target; rejects invalid envelopes and appends after close', async () => {
    const { prefix, names, spoolDir } = await setup();
    const sink = await openJetStreamEventSink({ nc, prefix, spoolDir });
    const log = createEventLog(sink);
    for (let i = 0; i < 10; i++) log.append('supervisor', { type: 'bot.tick', ts: 1_700_000_000_000 + i, payload: { i } });
    expect(() => sink.append({ eventId: 'x' })).toThrow(EnvelopeValidationError);
    await sink.close();
    expect(() => log.append('supervisor', { type: 'bot.tick', ts: 1, payload: {} })).toThrow(EventSinkError);
    const r = await verifyJetStream(nc, { stream: names.events });
    expect(r).toMatchObject({ messages: 10, producers: { supervisor: { events: 10, maxSeq: 10 } }, clean: true });
  });

  it('verify reports gaps, duplicates by (producer, seq) and schema violations with stream locations', async () => {
    const { names } = await setup();
    const js = nc.jetstream();
    const make = eventMaker('v');
    const [a, b, c] = [make('p', 'order.filled'), make('p', 'order.filled'), make('p', 'order.filled')];
    const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
    const subject = `${names.eventsRoot}.p.order.filled`;
    await js.publish(subject, enc(a), { msgID: 'm1' });
    await js.publish(subject, enc(c), { msgID: 'm2' });
    await js.publish(subject, enc({ ...c, eventId: 'other' }), { msgID: 'm3' });
    await js.publish(subject, new TextEncoder().encode('not json'), { msgID: 'm4' });
    void b;
    const r = await verifyJetStream(nc, { stream: names.events });
    expect(r).toMatchObject({
      clean: false,
      gaps: [{ producer: 'p', from: 2, to: 2 }],
      duplicateSeqs: [{ key: 'p#3', first: `${names.events}#2`, again: `${names.events}#3` }],
      violations: [{ file: names.events, line: 4, reason: 'malformed JSON' }],
    });
  });
});
