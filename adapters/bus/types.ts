/**
 * The bus port: how desk processes (and actors inside one process) exchange commands,
 * snapshots, risk decisions and heartbeats. `InProcessBus` is the embedded implementation;
 * a NATS implementation will satisfy the same port with the same wire semantics.
 */

/** A value that survives `JSON.stringify` → `JSON.parse` unchanged. */
export type JsonValue = string | number | boolean | null | JsonArray | JsonObject;
export type JsonArray = readonly JsonValue[];
export type JsonObject = { readonly [key: string]: JsonValue };

/** String headers travel beside the payload (trace context: `traceparent`, `tracestate`). */
export type BusHeaders = Readonly<Record<string, string>>;

/** A delivered message: what a subscriber sees, always a fresh copy parsed from the wire form. */
export interface BusMsg {
  /** The concrete subject it was published on (never a pattern). */
  readonly subject: string;
  readonly data: JsonObject;
  readonly headers: BusHeaders;
  /** Reply subject, present when the publisher made a request. */
  readonly reply?: string;
  /** Answers a request; returns false (and sends nothing) when the message carried no reply subject. */
  respond(data: object, headers?: BusHeaders): boolean;
}

/**
 * Called once per matching message, in publish order. A returned promise is not awaited (the
 * next message does not wait for it); its rejection is reported, not rethrown. The return type
 * is `unknown` so that expression-bodied arrows (`(m) => seen.push(m)`) are handlers too.
 */
export type BusHandler = (msg: BusMsg) => unknown;

/** A live interest in a subject pattern. */
export interface Subscription {
  /** The pattern subscribed to (may hold `*` and `>`). */
  readonly pattern: string;
  /** True once unsubscribed or the bus closed. */
  readonly closed: boolean;
  /** Stops delivery, including of messages already published but not yet delivered. Idempotent. */
  unsubscribe(): void;
}

export interface RequestOptions {
  /** Rejects with `BusTimeoutError` when no reply arrives within this many milliseconds. */
  readonly timeoutMs: number;
  readonly headers?: BusHeaders;
}

/** The bus port. */
export interface Bus {
  /**
   * Publishes `msg` (a JSON-serializable object) on a concrete subject. Throws
   * `InvalidSubjectError`, `BusPayloadError` (nothing delivered) or `BusClosedError`; never
   * throws a subscriber's error.
   */
  publish(subject: string, msg: object, headers?: BusHeaders): void;
  /** Subscribes to a pattern with NATS wildcards: `*` matches one token, a trailing `>` one or more. */
  subscribe(pattern: string, handler: BusHandler): Subscription;
  /** Publishes with a reply subject and resolves with the first reply. Rejects with `BusTimeoutError`, `BusNoRespondersError` or `BusClosedError`. */
  request(subject: string, msg: object, options: RequestOptions): Promise<BusMsg>;
  /** Ends all subscriptions and rejects pending requests with `BusClosedError`. Idempotent. */
  close(): Promise<void>;
}
