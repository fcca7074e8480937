/**
 * The `Bus` port over NATS: the same subjects, JSON payloads, errors and handler isolation as
 * `InProcessBus`, so actors cannot tell which one they run on. Two things exist only here:
 * - `prefix`: every wire subject becomes `<prefix>.<subject>` (reply inboxes included) and is
 *   stripped on receipt, so tests and several desks share one server without colliding;
 * - W3C trace context: the active OpenTelemetry context is injected into the NATS headers of
 *   what we send (`traceparent`/`tracestate`), and `contextFromHeaders` extracts it on receipt.
 *
 * The bus does not own the connection unless `ownsConnection` is set: several buses (prefixes)
 * may share one connection, and the host decides when the connection ends.
 */
import { context, defaultTextMapGetter, defaultTextMapSetter, propagation } from '@opentelemetry/api';
import type { Context, TextMapPropagator } from '@opentelemetry/api';
// Only a transitive dependency (through the OTel SDK packages) until package.json lists it.
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { createInbox, ErrorCode, headers as natsHeaders, NatsError } from 'nats';
import type { Msg, MsgHdrs, NatsConnection, Subscription as NatsSubscription } from 'nats';
import type { Clock } from '../clock/types.ts';
import { WallClock } from '../clock/wall-clock.ts';
import {
  BusClosedError,
  BusHandlerError,
  BusNoRespondersError,
  BusPayloadError,
  BusTimeoutError,
  InvalidSubjectError,
} from './errors.ts';
import { serializeMessage } from './serialize.ts';
import { assertPattern, assertSubject } from './subjects.ts';
import type { Bus, BusHandler, BusHeaders, BusMsg, JsonObject, RequestOptions, Subscription } from './types.ts';

export interface NatsBusOptions {
  /** Namespace on the wire (one or more tokens, no wildcards), e.g. a unique id per test. */
  readonly prefix?: string;
  /** Receives every subscriber failure (and undecodable incoming messages). Default: `process.emitWarning`. */
  readonly onError?: (error: BusHandlerError) => void;
  /** Times request timeouts. Default: `WallClock`. */
  readonly clock?: Clock;
  /** When true, `close()` also drains and closes the connection. Default false. */
  readonly ownsConnection?: boolean;
}

/** `open` → `draining` (in-flight messages still handled, replies still sent) → `closed`. */
type State = 'open' | 'draining' | 'closed';

interface Sub {
  readonly pattern: string;
  readonly handler: BusHandler;
  readonly nats: NatsSubscription;
  active: boolean;
}

const w3c = new W3CTraceContextPropagator();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The globally registered propagator, or W3C trace context when none is: the API's default is a
 * no-op whose `fields()` is empty, and a bus that silently dropped trace context would be worse.
 */
function propagator(): TextMapPropagator {
  return propagation.fields().length > 0 ? propagation : w3c;
}

/**
 * The OpenTelemetry context carried by a message's headers (W3C `traceparent`/`tracestate`),
 * on top of `base` (default: the active context). Use it as the parent of the consumer's span:
 * `tracer.startActiveSpan(name, {}, contextFromHeaders(msg.headers), fn)`.
 */
export function contextFromHeaders(headers: BusHeaders, base: Context = context.active()): Context {
  return propagator().extract(base, headers, defaultTextMapGetter);
}

/** NATS implementation of the `Bus` port. */
export class NatsBus implements Bus {
  private readonly subs = new Set<Sub>();
  private readonly pending = new Set<(e: Error) => void>();
  private state: State = 'open';
  private closing: Promise<void> | undefined;
  private readonly prefix: string | undefined;
  private readonly onError: (error: BusHandlerError) => void;
  private readonly clock: Clock;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsBusOptions = {},
  ) {
    if (options.prefix !== undefined) assertSubject(options.prefix);
    this.prefix = options.prefix;
    this.onError = options.onError ?? ((e) => process.emitWarning(e));
    this.clock = options.clock ?? new WallClock();
  }

  publish(subject: string, msg: object, headers: BusHeaders = {}): void {
    if (this.state !== 'open') throw new BusClosedError(`publish ${subject}`);
    assertSubject(subject);
    this.send(this.wire(subject), subject, msg, headers, undefined);
  }

  subscribe(pattern: string, handler: BusHandler): Subscription {
    if (this.state !== 'open') throw new BusClosedError(`subscribe ${pattern}`);
    assertPattern(pattern);
    // The callback form runs the handler synchronously per message, in arrival order. An error
    // here (a permissions violation) means the server refused the subscription: it is over.
    const nats = this.nc.subscribe(this.wire(pattern), {
      callback: (err, m) => {
        if (!err) return this.deliver(sub, m);
        sub.active = false;
        this.subs.delete(sub);
        this.report(pattern, pattern, err);
      },
    });
    const sub: Sub = { pattern, handler, nats, active: true };
    this.subs.add(sub);
    const subs = this.subs;
    return {
      pattern,
      get closed() {
        return !sub.active;
      },
      unsubscribe() {
        if (!sub.active) return;
        sub.active = false;
        subs.delete(sub);
        sub.nats.unsubscribe();
      },
    };
  }

  request(subject: string, msg: object, options: RequestOptions): Promise<BusMsg> {
    return new Promise<BusMsg>((resolve, reject) => {
      if (this.state !== 'open') throw new BusClosedError(`request ${subject}`);
      assertSubject(subject);
      // A private inbox per request (not nats.js's shared mux) so close() can end it at once.
      const inbox = createInbox(this.prefix === undefined ? undefined : `${this.prefix}._INBOX`);
      const settle = (): void => {
        cancelTimer();
        replySub.unsubscribe();
        this.pending.delete(fail);
      };
      const fail = (e: Error): void => {
        settle();
        reject(e);
      };
      const replySub = this.nc.subscribe(inbox, {
        max: 1,
        callback: (err, m) => {
          if (err) return fail(err);
          // The server answers at once with a 503 status message when nobody subscribes.
          if (m.headers?.code === 503) return fail(new BusNoRespondersError(subject));
          settle();
          try {
            resolve(this.toMsg(m));
          } catch (e) {
            reject(e as Error);
          }
        },
      });
      const cancelTimer = this.clock.setTimer(this.clock.now() + options.timeoutMs, () =>
        fail(new BusTimeoutError(subject, options.timeoutMs)),
      );
      this.pending.add(fail);
      try {
        this.send(this.wire(subject), subject, msg, options.headers ?? {}, inbox);
      } catch (e) {
        fail(e as Error);
      }
    });
  }

  /** Waits until the server has processed everything published so far (a round trip). */
  async flush(): Promise<void> {
    await this.nc.flush();
  }

  /**
   * Refuses new work at once, rejects pending requests, drains the subscriptions (messages
   * already received are still handled, and their replies sent), then closes. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.state = 'draining';
    for (const fail of [...this.pending]) fail(new BusClosedError('pending request'));
    const subs = [...this.subs];
    // A subscription can already be gone (connection closed): nothing left to drain then.
    await Promise.all(subs.map((s) => s.nats.drain().catch(() => undefined)));
    for (const s of subs) s.active = false;
    this.subs.clear();
    this.state = 'closed';
    if (this.options.ownsConnection === true && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  private wire(subject: string): string {
    return this.prefix === undefined ? subject : `${this.prefix}.${subject}`;
  }

  private unwire(subject: string): string {
    const p = this.prefix;
    return p !== undefined && subject.startsWith(`${p}.`) ? subject.slice(p.length + 1) : subject;
  }

  /** Validates, encodes and publishes; `subject` is the bus subject, for error messages. */
  private send(wireSubject: string, subject: string, msg: object, headers: BusHeaders, reply: string | undefined): void {
    const data = encoder.encode(serializeMessage(subject, msg));
    const hdrs = toNatsHeaders(subject, withTraceContext(headers));
    try {
      this.nc.publish(wireSubject, data, { headers: hdrs, ...(reply === undefined ? {} : { reply }) });
    } catch (e) {
      throw mapPublishError(subject, e);
    }
  }

  private deliver(sub: Sub, m: Msg): void {
    if (!sub.active) return;
    const subject = this.unwire(m.subject);
    let msg: BusMsg;
    try {
      msg = this.toMsg(m);
    } catch (e) {
      this.report(subject, sub.pattern, e);
      // A request that is not a JSON object still gets an answer, in the desk's reply shape,
      // instead of leaving the requester to time out.
      if (m.reply !== undefined && m.reply !== '') {
        try {
          const target = subject.slice(subject.lastIndexOf('.') + 1);
          const detail = e instanceof Error && e.cause instanceof Error ? e.cause.message : 'expected a JSON object';
          m.respond(encoder.encode(JSON.stringify({ ok: false, id: '', botId: target, state: 'unknown', error: { code: 'invalid_json', message: `${subject}: the request is not a JSON object (${detail})` } })));
        } catch {
          // the connection is going away; nothing to answer on
        }
      }
      return;
    }
    try {
      const result = sub.handler(msg);
      if (isThenable(result)) result.then(undefined, (e: unknown) => this.report(subject, sub.pattern, e));
    } catch (e) {
      this.report(subject, sub.pattern, e);
    }
  }

  private report(subject: string, pattern: string, cause: unknown): void {
    try {
      this.onError(new BusHandlerError(subject, pattern, { cause }));
    } catch {
      // A failing error reporter must not break delivery to the other subscribers either.
    }
  }

  private toMsg(m: Msg): BusMsg {
    const subject = this.unwire(m.subject);
    const data = parse(subject, m.data);
    const wireReply = m.reply === '' ? undefined : m.reply;
    const reply = wireReply === undefined ? undefined : this.unwire(wireReply);
    return {
      subject,
      data,
      headers: fromNatsHeaders(m.headers),
      ...(reply === undefined ? {} : { reply }),
      respond: (body, headers = {}) => {
        if (wireReply === undefined) return false;
        if (this.state === 'closed') throw new BusClosedError(`respond ${subject}`);
        // Straight to the wire reply subject: it may be another client's un-prefixed inbox.
        this.send(wireReply, reply ?? wireReply, body, headers, undefined);
        return true;
      },
    };
  }
}

/** The caller's headers win over the injected trace context (e.g. when forwarding a message). */
function withTraceContext(headers: BusHeaders): BusHeaders {
  const carrier: Record<string, string> = {};
  propagator().inject(context.active(), carrier, defaultTextMapSetter);
  return { ...carrier, ...headers };
}


/** Another client may publish anything on our subjects; only a JSON object is a bus message. */
function parse(subject: string, data: Uint8Array): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch (cause) {
    throw new BusPayloadError(subject, 'received a message that is not JSON', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BusPayloadError(subject, 'received a message that is not a JSON object');
  }
  return value as JsonObject;
}

function toNatsHeaders(subject: string, headers: BusHeaders): MsgHdrs | undefined {
  const entries = Object.entries(headers);
  if (entries.length === 0) return undefined;
  const h = natsHeaders();
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw new BusPayloadError(subject, `header ${JSON.stringify(k)} is not a string`);
    try {
      // nats.js rejects keys outside printable ASCII or with ':', and values with CR/LF.
      h.set(k, v);
    } catch (cause) {
      throw new BusPayloadError(subject, `header ${JSON.stringify(k)} cannot travel: ${(cause as Error).message}`, { cause });
    }
  }
  return h;
}

function fromNatsHeaders(h: MsgHdrs | undefined): BusHeaders {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}

function mapPublishError(subject: string, e: unknown): unknown {
  if (!(e instanceof NatsError)) return e;
  switch (e.code) {
    case ErrorCode.MaxPayloadExceeded:
      return new BusPayloadError(subject, 'message exceeds the server max_payload', { cause: e });
    case ErrorCode.ConnectionClosed:
    case ErrorCode.ConnectionDraining:
      return new BusClosedError(`publish ${subject} (connection closed)`, { cause: e });
    case ErrorCode.BadSubject:
      return new InvalidSubjectError(subject, e.message, { cause: e });
    default:
      return e;
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
