import type { NatsConnection } from 'nats';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AsyncJetStreamPublisher, JetStreamPublishError } from './async-publish.ts';
import { deleteStreams, uniquePrefix, useSharedNats } from './jetstream.fixtures.ts';
import { ensureDeskStreams } from './streams.ts';

const data = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('AsyncJetStreamPublisher (real NATS)', () => {
  const conn = useSharedNats();
  let nc: NatsConnection;
  const streams: string[] = [];
  beforeEach(() => {
    nc = conn();
  });
  afterAll(async () => {
    await deleteStreams(conn(), streams);
  });

  async function stream(): Promise<{ subject: string; name: string }> {
    const prefix = uniquePrefix();
    const { names } = await ensureDeskStreams(await nc.jetstreamManager(), { prefix });
    streams.push(names.events, names.audit);
    return { subject: `${names.eventsRoot}.p.test.event`, name: names.events };
  }

  it('acks each publish with its stream sequence; the same msg id again is a duplicate, stored once', async () => {
    const s = await stream();
    const pub = new AsyncJetStreamPublisher(nc, 2000);
    const acks = await Promise.all([1, 2, 3].map((i) => pub.publish(s.subject, data(`m${i}`), { msgID: `id-${i}`, streamName: s.name })));
    expect(acks.map((a) => [a.stream, a.seq, a.duplicate])).toEqual([
      [s.name, 1, false],
      [s.name, 2, false],
      [s.name, 3, false],
    ]);
    const again = await pub.publish(s.subject, data('m2 again'), { msgID: 'id-2', streamName: s.name });
    expect(again).toEqual({ stream: s.name, seq: 2, duplicate: true });
    const info = await (await nc.jetstreamManager()).streams.info(s.name);
    expect(info.state.messages).toBe(3);
    expect(pub.pending).toBe(0);
    pub.close();
  });

  it('rejects, naming the subject, when no stream takes the subject, when the expected stream differs, and on timeout', async () => {
    const s = await stream();
    const pub = new AsyncJetStreamPublisher(nc, 300);
    await expect(pub.publish(`${uniquePrefix()}.nowhere`, data('x'), { msgID: 'a', streamName: s.name })).rejects.toThrow(/no JetStream stream answered .*nowhere/);
    await expect(pub.publish(s.subject, data('x'), { msgID: 'b', streamName: 'NOT_THIS_STREAM' })).rejects.toThrow(/refused: .*expected stream/i);
    // A subscriber that never answers stands in for a server that never acks.
    const silent = `${uniquePrefix()}.silent`;
    const sub = nc.subscribe(silent);
    const t0 = performance.now();
    await expect(pub.publish(silent, data('x'), { msgID: 'c', streamName: s.name })).rejects.toThrow(/no ack within 300 ms/);
    expect(performance.now() - t0).toBeLessThan(2000);
    sub.unsubscribe();
    expect(pub.pending).toBe(0);
    pub.close();
  });

  it('close rejects what is still waiting and refuses later publishes', async () => {
    const pub = new AsyncJetStreamPublisher(nc, 5000);
    const silent = `${uniquePrefix()}.silent`;
    const sub = nc.subscribe(silent);
    const waiting = pub.publish(silent, data('x'), { msgID: 'a', streamName: 'S' });
    pub.close();
    await expect(waiting).rejects.toBeInstanceOf(JetStreamPublishError);
    await expect(pub.publish(silent, data('y'), { msgID: 'b', streamName: 'S' })).rejects.toThrow(/closed/);
    sub.unsubscribe();
  });
});
