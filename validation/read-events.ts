/**
 * One entry point for the validators' inputs: `nats://…` (or `tls://…`) reads the DESK_EVENTS
 * stream with the given prefix; anything else is a JSONL store path.
 */
import type { NatsConnection } from 'nats';
import { connectNats } from '../adapters/nats/connect.ts';
import { EventSourceError } from './errors.ts';
import type { StoredEvent } from './events.ts';
import type { Finding } from './findings.ts';
import { readJetStreamEvents } from './read-jetstream.ts';
import { readJsonlEvents } from './read-jsonl.ts';

export interface ReadResult {
  readonly source: string;
  readonly events: readonly StoredEvent[];
  readonly findings: readonly Finding[];
}

export const isNatsSource = (s: string): boolean => /^(nats|tls|wss?):\/\//i.test(s);

/** Reads the events of `source` (a store path or a NATS URL); throws {@link EventSourceError}. */
export async function readEvents(source: string, opts: { readonly prefix?: string } = {}): Promise<ReadResult> {
  if (!isNatsSource(source)) return readJsonlEvents(source);
  let nc: NatsConnection;
  try {
    // Credentials, if any, come from the environment as for every other desk command.
    nc = await connectNats({ url: source, name: 'desk-validation' });
  } catch (e) {
    throw new EventSourceError(source, `cannot connect: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    return await readJetStreamEvents(nc, opts.prefix);
  } finally {
    await nc.close();
  }
}
