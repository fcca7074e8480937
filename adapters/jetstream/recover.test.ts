import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventLog } from '../../actors/event-log.ts';
import { openJetStreamEventSink } from './event-publisher.ts';
import { deleteStreams, uniquePrefix, useSharedNats } from './jetstream.fixtures.ts';
import { recoverStreamSeqState } from './recover.ts';
import { ensureDeskStreams } from './streams.ts';
import { verifyJetStream } from './verify.ts';

describe('recoverStreamSeqState (real NATS)', () => {
  const conn = useSharedNats();
  const streams: string[] = [];
  afterAll(async () => {
    await deleteStreams(conn(), streams);
  });

  it('finds the last seq of each named producer, so a restarted producer continues without gaps or duplicates', async () => {
    const nc = conn();
    const prefix = uniquePrefix();
    const { names } = await ensureDeskStreams(await nc.jetstreamManager(), { prefix });
    streams.push(names.events, names.audit);
    const spool = await mkdtemp(join(tmpdir(), 'desk-js-recover-'));
    try {
      const sink = await openJetStreamEventSink({ nc, prefix, spoolDir: spool });
      const log = createEventLog(sink);
      const types = ['order.created', 'order.acked', 'state.snapshot', 'command.received'];
      for (let i = 0; i < 40; i++) log.append('bot.a', { type: types[i % types.length] as string, ts: 1_000 + i, payload: { i } });
      for (let i = 0; i < 7; i++) log.append('desk.h1.a', { type: 'desk.started', ts: 2_000 + i, payload: { i } });
      await sink.flush();

      const seq = await recoverStreamSeqState(nc, names, ['bot.a', 'desk.h1.a', 'bot.never']);
      expect(seq).toEqual({ 'bot.a': 40, 'desk.h1.a': 7 });

      // The "restarted" producer continues from there: the stream stays gap- and duplicate-free.
      const again = createEventLog(sink, seq);
      for (let i = 0; i < 5; i++) again.append('bot.a', { type: 'order.filled', ts: 3_000 + i, payload: { i } });
      await sink.close();
      const report = await verifyJetStream(nc, { stream: names.events });
      expect(report.producers['bot.a']).toBeDefined();
      expect([report.gaps, report.duplicateSeqs, report.duplicateEventIds, report.clean]).toEqual([[], [], [], true]);
      expect(report.validEvents).toBe(52);
    } finally {
      await rm(spool, { recursive: true, force: true });
    }
  });
});
