/**
 * The structural check the readers apply to each record before the validators see it: the
 * envelope fields they use, with the right types. (The full zod schema lives in
 * adapters/store/envelope-schema.ts; `desk events verify` is the integrity check.) Pure.
 */
import type { StoredEvent } from './events.ts';

/** The event, or the reason it is not one. */
export function asStoredEvent(v: unknown): StoredEvent | string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (typeof o['eventId'] !== 'string' || o['eventId'] === '') return 'eventId: expected a non-empty string';
  if (typeof o['seq'] !== 'number' || !Number.isSafeInteger(o['seq'])) return 'seq: expected an integer';
  if (typeof o['ts'] !== 'number' || !Number.isSafeInteger(o['ts']) || o['ts'] < 0) return 'ts: expected epoch milliseconds';
  if (typeof o['producer'] !== 'string') return 'producer: expected a string';
  if (o['botId'] !== null && typeof o['botId'] !== 'string') return 'botId: expected a string or null';
  if (typeof o['type'] !== 'string') return 'type: expected a string';
  const p = o['payload'];
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'payload: expected an object';
  return { eventId: o['eventId'], seq: o['seq'], ts: o['ts'], producer: o['producer'], botId: o['botId'], type: o['type'], payload: p as Record<string, unknown> };
}

/** Collects events, dropping repeated event ids and recording bad records, for a reader. */
export class EventCollector {
  readonly events: StoredEvent[] = [];
  private readonly ids = new Set<string>();
  readonly bad: string[] = [];
  duplicates = 0;

  /** Adds one parsed record found at `where`. */
  add(value: unknown, where: string): void {
    const e = asStoredEvent(value);
    if (typeof e === 'string') {
      this.bad.push(`${where}: ${e}`);
      return;
    }
    if (this.ids.has(e.eventId)) {
      this.duplicates += 1;
      return;
    }
    this.ids.add(e.eventId);
    this.events.push(e);
  }
}
