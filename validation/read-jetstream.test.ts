/**
 * Reading the DESK_EVENTS stream of a prefixed desk on the shared local NATS server
 * (127.0.0.1:4222 or $NATS_URL). Fails — never skips — when the server is unreachable.
 */
import { readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_NATS_URL, deleteStreams, uniquePrefix, useSharedNats } from '../adapters/jetstream/jetstream.fixtures.ts';
import { ensureDeskStreams, eventSubject } from '../adapters/jetstream/streams.ts';
import type { CliIo } from '../supervisor/cli/io.ts';
import { main } from '../supervisor/cli/main.ts';
import { readJetStreamEvents } from './read-jetstream.ts';
import type { SoakReport } from './soak-report.ts';
import { scenario } from './synthetic.fixtures.ts';

const conn = useSharedNats();
const streams: string[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await deleteStreams(conn(), streams);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('validation from JetStream', () => {
  it('reads a prefixed DESK_EVENTS stream (duplicates once) and soak-validates it through the CLI', async () => {
    const nc = conn();
    const prefix = uniquePrefix();
    const { names } = await ensureDeskStreams(await nc.jetstreamManager(), { prefix });
    streams.push(names.events, names.audit);
    const js = nc.jetstream();
    const events = scenario({ minutes: 12 });
    const enc = new TextEncoder();
    for (const e of events) await js.publish(eventSubject(names, e.producer, e.type), enc.encode(JSON.stringify(e)), { msgID: e.eventId });
    // A re-publish under another message id is a duplicate event: counted once, reported.
    const first = events[0];
    if (first === undefined) throw new Error('no events');
    await js.publish(eventSubject(names, first.producer, first.type), enc.encode(JSON.stringify(first)), { msgID: 'again' });

    const read = await readJetStreamEvents(nc, prefix);
    expect(read.source).toBe(`nats:${names.events}`);
    expect(read.events).toHaveLength(events.length);
    expect(read.findings).toMatchObject([{ code: 'duplicate_events' }]);

    const out = await mkdtemp(join(tmpdir(), 'desk-validation-nats-'));
    dirs.push(out);
    let text = '';
    const io: CliIo = { out: (s) => (text += s), err: (s) => (text += s), cwd: out };
    const code = await main(['node', 'desk', 'soak', 'validate', '--events', SHARED_NATS_URL, '--prefix', prefix, '--window', '10m', '--out', '.'], io);
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(out, 'reports', 'paper_soak', 'latest.json'), 'utf8')) as SoakReport;
    expect(report).toMatchObject({ status: 'PASS', source: `nats:${names.events}`, bots: [{ botId: 'bot-a' }] });
    // A prefix with no stream is bad input.
    expect(await main(['node', 'desk', 'soak', 'validate', '--events', SHARED_NATS_URL, '--prefix', `${prefix}x`, '--out', '.'], io)).toBe(2);
  });
});
