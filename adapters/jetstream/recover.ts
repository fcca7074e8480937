/**
 * Where each producer left off in `DESK_EVENTS`: the highest envelope `seq` of each named
 * producer, so a restarted host continues its sequences instead of restarting at 1 (which the
 * integrity check would report as duplicates). Reads only the last message of each of the
 * producer's subjects (`deliver_policy: last_per_subject` on `<root>.<producer>.>`), so the cost
 * is the number of event types, not the stream's length.
 */
import { DeliverPolicy, type NatsConnection } from 'nats';
import type { SeqState } from '../../domain/events/envelope.ts';
import { type DeskStreamNames, producerToken } from './streams.ts';

/** The last seq of each of `producers` in the events stream (absent: none yet). */
export async function recoverStreamSeqState(nc: NatsConnection, names: DeskStreamNames, producers: readonly string[]): Promise<SeqState> {
  const js = nc.jetstream();
  const out: Record<string, number> = {};
  for (const producer of producers) {
    const filter = `${names.eventsRoot}.${producerToken(producer)}.>`;
    const consumer = await js.consumers.get(names.events, { filterSubjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
    const info = await consumer.info(true);
    let left = info.num_pending;
    while (left > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(left, 500), expires: 2000 });
      let got = 0;
      for await (const m of batch) {
        got += 1;
        left = m.info.pending;
        try {
          const seq = (m.json() as { seq?: unknown }).seq;
          if (typeof seq === 'number' && seq > (out[producer] ?? 0)) out[producer] = seq;
        } catch {
          // not an envelope: the integrity check reports it; it names no seq to continue from
        }
        if (left === 0) break;
      }
      if (got === 0) break;
    }
  }
  return out;
}
