/**
 * JetStream publishes awaiting their acks through ONE reply subscription (`<inbox>.<n>`), like
 * the Go client's PublishAsync, instead of `js.publish`, which makes a full request per message
 * (a timer, a request object and two pre-built errors with stack traces each). The event sink
 * publishes every event this way, so the per-event cost sits on every hot path that appends
 * (a kill's audit trail among them). Deadlines are swept by one timer.
 *
 * Semantics kept from `js.publish`: `Nats-Msg-Id` (dedupe) and `Nats-Expected-Stream` headers; a
 * PubAck with a stream resolves; a JetStream API error, a no-responders status (no stream on the
 * subject), a missing ack within the timeout or a closed publisher rejects.
 */
import { createInbox, headers, type Msg, type NatsConnection, type NatsError, type Subscription } from 'nats';

export interface PubAckInfo {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

export class JetStreamPublishError extends Error {
  override readonly name = 'JetStreamPublishError';
}

interface Waiter {
  readonly resolve: (a: PubAckInfo) => void;
  readonly reject: (e: Error) => void;
  readonly deadline: number;
  readonly subject: string;
}

const decoder = new TextDecoder();

export class AsyncJetStreamPublisher {
  private readonly inbox: string;
  private readonly sub: Subscription;
  private readonly waiting = new Map<string, Waiter>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private next = 0;
  private closed = false;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.inbox = createInbox();
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (err, msg) => this.onReply(err, msg) });
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.min(250, Math.floor(timeoutMs / 4))));
    this.sweeper.unref();
  }

  /** Publishes `data` on `subject`; resolves with the stream's ack. */
  publish(subject: string, data: Uint8Array, opts: { readonly msgID: string; readonly streamName: string }): Promise<PubAckInfo> {
    if (this.closed) return Promise.reject(new JetStreamPublishError('publisher closed'));
    const token = (++this.next).toString(36);
    const h = headers();
    h.set('Nats-Msg-Id', opts.msgID);
    h.set('Nats-Expected-Stream', opts.streamName);
    return new Promise<PubAckInfo>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: performance.now() + this.timeoutMs, subject });
      try {
        this.nc.publish(subject, data, { reply: `${this.inbox}.${token}`, headers: h });
      } catch (e) {
        this.waiting.delete(token);
        reject(e instanceof Error ? e : new JetStreamPublishError(String(e)));
      }
    });
  }

  /** Publishes still waiting for their ack. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Rejects every publish still waiting and leaves the reply subject. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.sub.unsubscribe();
    for (const [token, w] of this.waiting) {
      this.waiting.delete(token);
      w.reject(new JetStreamPublishError(`publisher closed before ${w.subject} was acknowledged`));
    }
  }

  private onReply(err: NatsError | null, msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length + 1);
    const w = this.waiting.get(token);
    if (w === undefined) return; // late (already timed out) or not ours
    this.waiting.delete(token);
    if (err !== null) {
      w.reject(err);
      return;
    }
    if (msg.headers !== undefined && msg.headers.hasError) {
      const code = msg.headers.code;
      w.reject(new JetStreamPublishError(code === 503 ? `no JetStream stream answered for ${w.subject} (503 no responders)` : `publish to ${w.subject} failed: ${code} ${msg.headers.description}`));
      return;
    }
    let ack: unknown;
    try {
      ack = JSON.parse(decoder.decode(msg.data));
    } catch {
      w.reject(new JetStreamPublishError(`publish to ${w.subject}: the ack is not JSON`));
      return;
    }
    const a = ack as { stream?: unknown; seq?: unknown; duplicate?: unknown; error?: { code?: unknown; err_code?: unknown; description?: unknown } };
    if (a.error !== undefined) {
      w.reject(new JetStreamPublishError(`publish to ${w.subject} refused: ${String(a.error.description)} (code ${String(a.error.code)}, err_code ${String(a.error.err_code)})`));
      return;
    }
    if (typeof a.stream !== 'string' || a.stream === '') {
      w.reject(new JetStreamPublishError(`publish to ${w.subject}: invalid ack ${decoder.decode(msg.data).slice(0, 200)}`));
      return;
    }
    w.resolve({ stream: a.stream, seq: typeof a.seq === 'number' ? a.seq : 0, duplicate: a.duplicate === true });
  }

  private sweep(): void {
    const now = performance.now();
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) continue;
      this.waiting.delete(token);
      w.reject(new JetStreamPublishError(`publish to ${w.subject}: no ack within ${this.timeoutMs} ms (timeout)`));
    }
  }
}
