/**
 * Reads the desk's DESK_EVENTS stream (named with the desk's `--prefix`, adapters/jetstream/
 * streams.ts) in full with an ordered consumer, the way `desk events verify --nats` does.
 */
import type { NatsConnection } from 'nats';
import { deskStreamNames } from '../adapters/jetstream/streams.ts';
import { EventCollector } from './envelope-shape.ts';
import { EventSourceError } from './errors.ts';
import type { Finding } from './findings.ts';
import type { ReadResult } from './read-events.ts';

/** Reads every message of the desk's event stream on `nc`. */
export async function readJetStreamEvents(nc: NatsConnection, prefix?: string): Promise<ReadResult> {
  const names = deskStreamNames(prefix);
  const source = `nats:${names.events}`;
  let info;
  try {
    info = await (await nc.jetstreamManager()).streams.info(names.events);
  } catch (e) {
    throw new EventSourceError(source, `cannot read the stream: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const c = new EventCollector();
  if (info.state.messages > 0) {
    const lastSeq = info.state.last_seq;
    const consumer = await nc.jetstream().consumers.get(names.events);
    const messages = await consumer.consume();
    try {
      for await (const m of messages) {
        let value: unknown;
        try {
          value = m.json<unknown>();
        } catch {
          c.bad.push(`${names.events}#${m.seq}: malformed JSON`);
          value = undefined;
        }
        if (value !== undefined) c.add(value, `${names.events}#${m.seq}`);
        if (m.seq >= lastSeq) break;
      }
    } finally {
      await messages.close();
    }
  }
  const findings: Finding[] = [];
  if (c.bad.length > 0) findings.push({ code: 'malformed_records', severity: 'warning', message: `${c.bad.length} message(s) are not readable events and were not used: ${c.bad.slice(0, 5).join('; ')}${c.bad.length > 5 ? '; …' : ''}` });
  if (c.duplicates > 0) findings.push({ code: 'duplicate_events', severity: 'warning', message: `${c.duplicates} repeated event id(s) counted once` });
  return { source, events: c.events, findings };
}
