/**
 * Test fixtures for the JetStream adapters: a connection to the shared server (`$NATS_URL`, else
 * 127.0.0.1:4222) that throws when it is unreachable — a test needing NATS fails, it never
 * skips — run-unique prefixes, events, and cleanup of what a test created.
 */
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createEnvelopeFactory, type EventEnvelope } from '../../domain/events/index.ts';
import { eventId } from '../../domain/ids.ts';
import { connectNats } from '../nats/connect.ts';

export const SHARED_NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Connects to `url` (default the shared server); rejects if it is not reachable. */
export function connectTest(url = SHARED_NATS_URL, name = 'desk-jetstream-test'): Promise<NatsConnection> {
  return connectNats({ url, name, auth: { kind: 'none' }, env: {}, reconnectTimeWaitMs: 50, connectTimeoutMs: 3000 });
}

/**
 * Registers hooks that connect to the shared server once per file and close it after all
 * other `afterAll` hooks (vitest runs them as a stack). When the server is unreachable every
 * test fails with the connect error (a `beforeAll` failure alone would report them skipped).
 */
export function useSharedNats(): () => NatsConnection {
  let nc: NatsConnection | undefined;
  let error: unknown = undefined;
  beforeAll(async () => {
    try {
      nc = await connectTest();
    } catch (e) {
      error = e;
    }
  });
  beforeEach(() => {
    if (error !== undefined) throw error;
  });
  afterAll(async () => {
    await nc?.close();
  });
  return () => {
    if (nc === undefined) throw error ?? new Error('not connected to NATS');
    return nc;
  };
}

/** A prefix no other test run uses: `t<time><random>`. */
export function uniquePrefix(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export const T0 = Date.UTC(2026, 0, 1, 12);

/** Stamps events of `producer` (seq continuing per producer) with run-unique ids. */
export function eventMaker(run: string): (producer: string, type: string, payload?: Record<string, number | string>) => EventEnvelope {
  const f = createEnvelopeFactory();
  let i = 0;
  return (producer, type, payload = {}) => {
    i += 1;
    return f.stamp(producer, { eventId: eventId(`${run}:${producer}:${i}`), ts: T0 + i, type, payload: { i, ...payload }, correlationId: `${run}:c${i}` });
  };
}

/** Deletes the named streams (whole-stream delete is allowed even with deny_delete). */
export async function deleteStreams(nc: NatsConnection, names: readonly string[]): Promise<void> {
  const jsm = await nc.jetstreamManager();
  for (const n of names) await jsm.streams.delete(n).catch(() => undefined);
}
