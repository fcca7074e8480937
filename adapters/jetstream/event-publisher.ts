/**
 * `JetStreamEventSink`: the JetStream counterpart of the JSONL writer, for `createEventLog`.
 *
 * `append` validates the envelope and queues it synchronously, in order; a background pump
 * publishes with the `Nats-Msg-Id` (event id) and `Nats-Expected-Stream` headers and awaits the
 * acks on one shared reply subscription (async-publish.ts), with at most `maxInFlight` publishes outstanding. Every event goes to
 * DESK_EVENTS (`desk.evt.<producer>.<type>`), so per-producer sequences stay gap-free there;
 * commands, risk decisions and kill-switch actions (see `defaultAuditKind`) ALSO go to
 * DESK_AUDIT (`desk.audit.<kind>`), with the same msgID (dedupe is per stream). An event counts
 * as acknowledged when every stream it goes to has acked it.
 *
 * Losing NATS (a `disconnect` status, or a publish that fails or times out) switches the sink
 * offline: every unacknowledged event, and every later append, is written to the local spool
 * (spool.ts, fsync'd). On `reconnect` (or, without a status change, on a periodic probe) the
 * sink waits for the publishes still outstanding to settle, then re-publishes from the oldest
 * unacknowledged event, in append order. Copies that did reach the server before the outage
 * (or sat in nats.js's reconnect buffer) are dropped by the stream's dedupe window, so nothing is
 * lost and nothing is stored twice. A spool left by a crashed process is re-published first by
 * the next `openJetStreamEventSink` on the same directory.
 *
 * Limits (documented, not hidden):
 * - A re-publish more than `duplicate_window` after the first copy reached the server is stored
 *   again; re-publishes happen right after reconnect, so this needs a crash mid-drain followed by
 *   a restart later than the window.
 * - With `maxInFlight > 1`, an event whose publish failed can land after a later event that was
 *   stored before the connection broke. `maxInFlight: 1` makes the stream order strictly the
 *   append order at the cost of throughput.
 * - Unacknowledged events are also kept in memory until acknowledged.
 * - The connection should reconnect forever (`connectNats` does): a closed connection leaves
 *   everything in the spool for the next process.
 */
import type { NatsConnection } from 'nats';
import type { Subscription } from 'rxjs';
import type { EventEnvelope } from '../../domain/events/index.ts';
import { natsStatus$ } from '../nats/connect.ts';
import { parseEnvelope } from '../store/envelope-schema.ts';
import { AsyncJetStreamPublisher } from './async-publish.ts';
import { EventSinkError } from './errors.ts';
import { openSpool, type Spool } from './spool.ts';
import { type AuditKind, type DeskStreamNames, auditSubject, defaultAuditKind, deskStreamNames, eventSubject } from './streams.ts';

export interface JetStreamEventSinkOptions {
  readonly nc: NatsConnection;
  /** Stream names and subjects; default `deskStreamNames(prefix)`. */
  readonly names?: DeskStreamNames;
  readonly prefix?: string;
  /** Where the spool lives (one directory per host process). */
  readonly spoolDir: string;
  /** Publishes awaiting an ack at once (default 64). */
  readonly maxInFlight?: number;
  /** How long one publish waits for its ack (default 5000 ms). */
  readonly publishTimeoutMs?: number;
  /** First retry delay while offline without a disconnect status (default 500 ms, doubling to 10 s). */
  readonly retryMs?: number;
  /** Which events also go to DESK_AUDIT (default {@link defaultAuditKind}). */
  readonly auditKind?: (type: string) => AuditKind | null;
}

/** Lifecycle: `online` publishes; `offline` spools; `recovering` waits for outstanding publishes before re-publishing. */
export type SinkState = 'online' | 'offline' | 'recovering' | 'closed';

export interface SinkStats {
  /** Events acknowledged (by every stream they go to). */
  readonly acked: number;
  /** Acks that reported a duplicate (the server already had the event). */
  readonly duplicates: number;
  /** Events written to the spool so far (including recovered ones). */
  readonly spooled: number;
  /** Events read back from an earlier process's spool at open. */
  readonly recovered: number;
  /** Times the sink went from online to offline. */
  readonly outages: number;
  readonly lastError: string | null;
}

export interface JetStreamEventSink {
  /** Validates and queues one event; throws on an invalid envelope, after `close`, or after a spool failure. */
  append(event: unknown): EventEnvelope;
  /** Resolves when every event appended before the call is acknowledged by JetStream. */
  flush(): Promise<void>;
  /**
   * Stops accepting appends and flushes; after `timeoutMs` (default 10 s) what is still
   * unacknowledged stays in the (fsync'd) spool for the next process. Then detaches.
   */
  close(opts?: { readonly timeoutMs?: number }): Promise<void>;
  /** Events appended (or recovered) and not yet acknowledged. */
  readonly pending: number;
  readonly state: SinkState;
  readonly stats: SinkStats;
}

interface Entry {
  readonly n: number;
  readonly event: EventEnvelope;
  readonly data: Uint8Array;
  readonly targets: readonly { readonly subject: string; readonly stream: string }[];
  done: boolean;
  segment: number | null;
}

const encoder = new TextEncoder();

/** Opens the spool in `spoolDir`, queues what an earlier process left there, and starts publishing. */
export async function openJetStreamEventSink(opts: JetStreamEventSinkOptions): Promise<JetStreamEventSink> {
  const maxInFlight = opts.maxInFlight ?? 64;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight: ${maxInFlight} must be an integer >= 1`);
  const spool = await openSpool(opts.spoolDir);
  const sink = new Sink(opts, new AsyncJetStreamPublisher(opts.nc, opts.publishTimeoutMs ?? 5000), spool, maxInFlight);
  sink.recover();
  return sink;
}

class Sink implements JetStreamEventSink {
  private readonly names: DeskStreamNames;
  private readonly auditKind: (type: string) => AuditKind | null;
  private readonly retryMs: number;
  private queue: Entry[] = [];
  /** Index of the oldest entry not yet acknowledged; entries before it are done. */
  private head = 0;
  /** Index of the next entry the pump publishes. */
  private next = 0;
  private counter = 0;
  private inFlight = 0;
  private unackedCount = 0;
  private mode: SinkState = 'online';
  private disconnected = false;
  private failure: unknown = undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pumpScheduled = false;
  private retryDelay: number;
  private readonly segmentPending = new Map<number, number>();
  private waiters: { n: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly status: Subscription;
  private counts = { acked: 0, duplicates: 0, spooled: 0, recovered: 0, outages: 0 };
  private lastError: string | null = null;

  constructor(
    opts: JetStreamEventSinkOptions,
    private readonly js: AsyncJetStreamPublisher,
    private readonly spool: Spool,
    private readonly maxInFlight: number,
  ) {
    this.names = opts.names ?? deskStreamNames(opts.prefix);
    this.auditKind = opts.auditKind ?? defaultAuditKind;
    this.retryMs = opts.retryMs ?? 500;
    this.retryDelay = this.retryMs;
    this.status = natsStatus$(opts.nc).subscribe((s) => {
      if (s.type === 'disconnect') {
        this.disconnected = true;
        this.goOffline('disconnected');
      } else if (s.type === 'reconnect') {
        this.disconnected = false;
        this.goOnline();
      }
    });
  }

  /** Queues the events of the segments left in the spool, oldest first, once each. */
  recover(): void {
    const seen = new Set<string>();
    for (const seg of this.spool.recovered) {
      for (const event of seg.events) {
        if (seen.has(event.eventId)) continue;
        seen.add(event.eventId);
        const entry = this.entryFor(event);
        entry.segment = seg.segment;
        this.segmentPending.set(seg.segment, (this.segmentPending.get(seg.segment) ?? 0) + 1);
        this.queue.push(entry);
        this.counts.recovered += 1;
      }
      // Every event of an empty (or fully torn) segment is accounted for: drop the file.
      if (!this.segmentPending.has(seg.segment)) void this.spool.release(seg.segment).catch((e: unknown) => this.fail(e));
    }
    this.pump();
  }

  append(event: unknown): EventEnvelope {
    if (this.mode === 'closed') throw new EventSinkError('JetStream event sink: append after close');
    if (this.failure !== undefined) throw new EventSinkError('JetStream event sink: the spool failed', { cause: this.failure });
    const valid = parseEnvelope(event);
    const entry = this.entryFor(valid);
    this.queue.push(entry);
    if (this.mode === 'online') this.schedulePump();
    else this.toSpool([entry]);
    return valid;
  }

  flush(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(new EventSinkError('JetStream event sink: the spool failed', { cause: this.failure }));
    const n = this.counter;
    if (this.ackedThrough() >= n) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ n, resolve, reject }));
  }

  async close(opts: { readonly timeoutMs?: number } = {}): Promise<void> {
    if (this.mode === 'closed') return;
    const flushed = this.flush().then(() => true);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), opts.timeoutMs ?? 10_000)));
    try {
      const ok = await Promise.race([flushed, timedOut]);
      if (!ok) this.toSpool(this.unacked());
    } finally {
      clearTimeout(timer);
      this.mode = 'closed';
      clearTimeout(this.retryTimer);
      this.status.unsubscribe();
      this.js.close();
      await this.spool.close();
    }
  }

  get pending(): number {
    return this.unackedCount;
  }

  get state(): SinkState {
    return this.mode;
  }

  get stats(): SinkStats {
    return { ...this.counts, lastError: this.lastError };
  }

  private entryFor(event: EventEnvelope): Entry {
    const targets = [{ subject: eventSubject(this.names, event.producer, event.type), stream: this.names.events }];
    const kind = this.auditKind(event.type);
    if (kind !== null) targets.push({ subject: auditSubject(this.names, kind), stream: this.names.audit });
    this.unackedCount += 1;
    return { n: ++this.counter, event, data: encoder.encode(JSON.stringify(event)), targets, done: false, segment: null };
  }

  private unacked(): Entry[] {
    return this.queue.slice(this.head).filter((e) => !e.done);
  }

  /** The highest `n` such that every entry up to it is acknowledged. */
  private ackedThrough(): number {
    const first = this.queue[this.head];
    return first === undefined ? this.counter : first.n - 1;
  }

  /**
   * Appends publish once the current task and its microtasks are done: a burst of appends (a
   * kill's cancels and audit trail) goes out in one socket write after the burst instead of one
   * write per step, and the publishing work stays off the path that produced the events.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.mode === 'online' && this.inFlight < this.maxInFlight && this.next < this.queue.length) {
      const entry = this.queue[this.next++];
      if (entry !== undefined && !entry.done) void this.publish(entry);
    }
  }

  private async publish(entry: Entry): Promise<void> {
    this.inFlight += 1;
    try {
      const acks = await Promise.all(
        entry.targets.map((t) => this.js.publish(t.subject, entry.data, { msgID: entry.event.eventId, streamName: t.stream })),
      );
      if (acks.some((a) => a.duplicate)) this.counts.duplicates += 1;
      this.markDone(entry);
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      this.goOffline(this.lastError);
    } finally {
      this.inFlight -= 1;
      this.settle();
    }
  }

  private markDone(entry: Entry): void {
    if (entry.done) return;
    entry.done = true;
    this.unackedCount -= 1;
    this.counts.acked += 1;
    if (entry.segment !== null) {
      const left = (this.segmentPending.get(entry.segment) ?? 1) - 1;
      if (left > 0) this.segmentPending.set(entry.segment, left);
      else {
        this.segmentPending.delete(entry.segment);
        // The current segment may still receive appends while offline; it is released once sealed.
        if (this.spool.current !== entry.segment) this.releaseSegment(entry.segment);
      }
    }
    while (this.queue[this.head]?.done === true) this.head += 1;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      this.next = 0;
    } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.next = Math.max(0, this.next - this.head);
      this.head = 0;
    }
    const through = this.ackedThrough();
    const ready = this.waiters.filter((w) => w.n <= through);
    if (ready.length > 0) {
      this.waiters = this.waiters.filter((w) => w.n > through);
      for (const w of ready) w.resolve();
    }
  }

  private releaseSegment(segment: number): void {
    void this.spool.release(segment).catch((e: unknown) => this.fail(e));
  }

  private toSpool(entries: readonly Entry[]): void {
    const fresh = entries.filter((e) => e.segment === null && !e.done);
    if (fresh.length === 0) return;
    const { segment, written } = this.spool.append(fresh.map((e) => e.event));
    for (const e of fresh) e.segment = segment;
    this.segmentPending.set(segment, (this.segmentPending.get(segment) ?? 0) + fresh.length);
    this.counts.spooled += fresh.length;
    written.catch((e: unknown) => this.fail(e));
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(new EventSinkError('JetStream event sink: the spool failed', { cause: e }));
  }

  private goOffline(reason: string): void {
    if (this.mode === 'closed') return;
    if (this.mode !== 'offline') {
      // A publish failing while recovering continues the same outage.
      if (this.mode === 'online') this.counts.outages += 1;
      this.mode = 'offline';
      this.lastError = reason;
      // Re-publish from the oldest unacknowledged event once back.
      this.next = this.head;
      this.toSpool(this.unacked());
      this.scheduleRetry();
    } else if (this.retryTimer === undefined) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // While the client reports the connection down, its `reconnect` status brings us back.
    if (this.disconnected || this.mode !== 'offline') return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(this.retryDelay * 2, 10_000);
    this.retryTimer = setTimeout(() => this.goOnline(), delay);
    this.retryTimer.unref();
  }

  private goOnline(): void {
    if (this.mode !== 'offline') return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.mode = 'recovering';
    this.settle();
  }

  /** In `recovering`, once no publish is outstanding: seal the spool segment and re-publish in order. */
  private settle(): void {
    if (this.mode === 'recovering' && this.inFlight === 0) {
      this.mode = 'online';
      this.next = this.head;
      const sealed = this.spool.current;
      this.spool.seal();
      if (sealed !== null && !this.segmentPending.has(sealed)) this.releaseSegment(sealed);
    }
    if (this.mode === 'online') {
      if (this.pending === 0) this.retryDelay = this.retryMs;
      this.pump();
    }
  }
}
