/**
 * The embedded bus: one process, no network, the same semantics as the NATS bus. Messages
 * are serialized to JSON on publish and parsed afresh for every subscriber, so nothing is
 * shared by reference and a payload that could not cross the wire fails here too.
 */
import type { Clock } from '../clock/types.ts';
import { WallClock } from '../clock/wall-clock.ts';
import {
  BusClosedError,
  BusHandlerError,
  BusNoRespondersError,
  BusPayloadError,
  BusTimeoutError,
} from './errors.ts';
import { serializeMessage } from './serialize.ts';
import { assertPattern, assertSubject, subjectMatches } from './subjects.ts';
import type { Bus, BusHandler, BusHeaders, BusMsg, JsonObject, RequestOptions, Subscription } from './types.ts';

export interface InProcessBusOptions {
  /** Receives every subscriber failure. Default: `process.emitWarning`, so a failure is visible but never crashes the publisher. */
  readonly onError?: (error: BusHandlerError) => void;
  /** Times request timeouts. Default: `WallClock`. */
  readonly clock?: Clock;
}

interface Sub {
  readonly pattern: string;
  readonly handler: BusHandler;
  active: boolean;
}

interface Wire {
  readonly subject: string;
  readonly json: string;
  readonly headers: BusHeaders;
  readonly reply: string | undefined;
}

/** Prefix of reply subjects, as in NATS. */
const INBOX = '_INBOX';

/** In-process implementation of the `Bus` port. */
export class InProcessBus implements Bus {
  private readonly subs = new Set<Sub>();
  // One FIFO for the whole bus: a message published from inside a handler is delivered after
  // the message being handled reaches every subscriber, so each subscriber sees publish order.
  private readonly queue: { sub: Sub; wire: Wire }[] = [];
  private draining = false;
  private closed = false;
  private nextInbox = 0;
  private readonly pending = new Set<(e: Error) => void>();
  private readonly onError: (error: BusHandlerError) => void;
  private readonly clock: Clock;

  constructor(options: InProcessBusOptions = {}) {
    this.onError = options.onError ?? ((e) => process.emitWarning(e));
    this.clock = options.clock ?? new WallClock();
  }

  publish(subject: string, msg: object, headers: BusHeaders = {}): void {
    this.send(subject, msg, headers, undefined);
  }

  subscribe(pattern: string, handler: BusHandler): Subscription {
    if (this.closed) throw new BusClosedError(`subscribe ${pattern}`);
    assertPattern(pattern);
    const sub: Sub = { pattern, handler, active: true };
    this.subs.add(sub);
    const subs = this.subs;
    return {
      pattern,
      get closed() {
        return !sub.active;
      },
      unsubscribe() {
        sub.active = false;
        subs.delete(sub);
      },
    };
  }

  request(subject: string, msg: object, options: RequestOptions): Promise<BusMsg> {
    return new Promise<BusMsg>((resolve, reject) => {
      if (this.closed) throw new BusClosedError(`request ${subject}`);
      const inbox = `${INBOX}.${++this.nextInbox}`;
      const settle = (): void => {
        sub.unsubscribe();
        cancelTimer();
        this.pending.delete(fail);
      };
      const fail = (e: Error): void => {
        settle();
        reject(e);
      };
      const sub = this.subscribe(inbox, (reply) => {
        settle();
        resolve(reply);
      });
      const cancelTimer = this.clock.setTimer(this.clock.now() + options.timeoutMs, () =>
        fail(new BusTimeoutError(subject, options.timeoutMs)),
      );
      this.pending.add(fail);
      try {
        const delivered = this.send(subject, msg, options.headers ?? {}, inbox);
        if (delivered === 0) fail(new BusNoRespondersError(subject));
      } catch (e) {
        fail(e as Error);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const sub of this.subs) sub.active = false;
    this.subs.clear();
    this.queue.length = 0;
    for (const fail of [...this.pending]) fail(new BusClosedError('pending request'));
  }

  /** Validates, serializes once, enqueues a copy for each matching subscriber; returns how many. */
  private send(subject: string, msg: object, headers: BusHeaders, reply: string | undefined): number {
    if (this.closed) throw new BusClosedError(`publish ${subject}`);
    assertSubject(subject);
    const wire: Wire = { subject, json: serializeMessage(subject, msg), headers: checkHeaders(subject, headers), reply };
    let count = 0;
    for (const sub of this.subs) {
      if (!subjectMatches(sub.pattern, subject)) continue;
      this.queue.push({ sub, wire });
      count++;
    }
    this.drain();
    return count;
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        if (next.sub.active) this.deliver(next.sub, next.wire);
      }
    } finally {
      this.draining = false;
    }
  }

  private deliver(sub: Sub, wire: Wire): void {
    const report = (cause: unknown): void => {
      try {
        this.onError(new BusHandlerError(wire.subject, sub.pattern, { cause }));
      } catch {
        // A failing error reporter must not break delivery to the other subscribers either.
      }
    };
    try {
      const result = sub.handler(this.toMsg(wire));
      if (isThenable(result)) result.then(undefined, report);
    } catch (e) {
      report(e);
    }
  }

  private toMsg(wire: Wire): BusMsg {
    const reply = wire.reply;
    return {
      subject: wire.subject,
      data: JSON.parse(wire.json) as JsonObject,
      headers: { ...wire.headers },
      ...(reply === undefined ? {} : { reply }),
      respond: (data, headers) => {
        if (reply === undefined) return false;
        this.publish(reply, data, headers);
        return true;
      },
    };
  }
}

function checkHeaders(subject: string, headers: BusHeaders): BusHeaders {
  const copy: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (typeof v !== 'string') throw new BusPayloadError(subject, `header ${JSON.stringify(k)} is not a string`);
    copy[k] = v;
  }
  return copy;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
