/**
 * A token bucket for one venue account, shared by every bot in the process that trades on it
 * (`rateLimiterFor` hands out one instance per key), so their requests together stay within the
 * venue's limit. Requests wait in FIFO order: a later small request never overtakes an earlier
 * large one, so a large request cannot starve. A 429 from the venue (`penalize`) drains the
 * bucket and blocks everyone until the venue's Retry-After, or an exponential backoff when it
 * gave none. Time comes only from the injected clock, so tests run on virtual time.
 */
import type { CancelTimer, Clock } from '../../domain/ports/clock.ts';

export interface TokenBucketOptions {
  /** Largest burst, in tokens (request weight). */
  readonly capacity: number;
  /** Tokens added per second, up to `capacity`. */
  readonly refillPerSec: number;
  readonly clock: Clock;
}

interface Waiter {
  readonly cost: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 60_000;
/** Float slack when comparing token counts (fractional refill accumulates rounding). */
const EPS = 1e-9;

function positive(field: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${field}: expected a finite number > 0, got ${value}`);
  return value;
}

export class TokenBucket {
  readonly capacity: number;
  readonly refillPerSec: number;
  readonly #clock: Clock;
  /** Tokens as of `#asOf`; refill accrues only after `#asOf` (which a penalty moves ahead). */
  #tokens: number;
  #asOf: number;
  readonly #queue: Waiter[] = [];
  #timer: CancelTimer | null = null;
  #timerAt = 0;
  #blockedUntil: number | null = null;
  /** Backoff for the next penalty without a hint. */
  #backoffMs = BACKOFF_START_MS;
  #closed = false;

  constructor(o: TokenBucketOptions) {
    this.capacity = positive('capacity', o.capacity);
    this.refillPerSec = positive('refillPerSec', o.refillPerSec);
    this.#clock = o.clock;
    this.#tokens = this.capacity;
    this.#asOf = o.clock.now();
  }

  /** Tokens available now (0…capacity; 0 while a penalty blocks), for a metric. */
  get remaining(): number {
    if (this.blockedUntil !== null) return 0;
    return Math.max(0, Math.min(this.capacity, this.#tokensAt(this.#clock.now())));
  }

  /** When the current penalty block ends (epoch ms), or null when not blocked. */
  get blockedUntil(): number | null {
    return this.#blockedUntil !== null && this.#clock.now() < this.#blockedUntil ? this.#blockedUntil : null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Resolves once `cost` tokens were taken, after every earlier request. Rejects with a
   * RangeError for a cost outside (0, capacity], and with an Error once the limiter is closed.
   */
  acquire(cost = 1): Promise<void> {
    if (!(Number.isFinite(cost) && cost > 0 && cost <= this.capacity)) {
      return Promise.reject(new RangeError(`cost: expected 0 < cost ≤ capacity (${this.capacity}), got ${cost}`));
    }
    if (this.#closed) return Promise.reject(new Error('rate limiter closed: acquire refused'));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ cost, resolve, reject });
      this.#pump();
    });
  }

  /**
   * The venue said "too many requests": empty the bucket and block every acquire until
   * now + `retryAfterMs`, or now + the current backoff when the venue gave no hint. Each penalty
   * (hinted or not) doubles the backoff, up to 60 s; a request granted after the block ended
   * resets it to 1 s. A penalty never shortens a block already in force. Tokens refill during
   * the block as usual (the venue's window recovers too).
   */
  penalize(retryAfterMs: number | null): void {
    if (retryAfterMs !== null && !(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
      throw new RangeError(`retryAfterMs: expected a finite number ≥ 0 or null, got ${retryAfterMs}`);
    }
    if (this.#closed) return;
    const now = this.#clock.now();
    const waitMs = retryAfterMs ?? this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, BACKOFF_MAX_MS);
    this.#tokens = 0;
    this.#asOf = now;
    this.#blockedUntil = Math.max(this.#blockedUntil ?? now, now + waitMs);
    this.#pump();
  }

  /** Rejects every pending acquire (and every later one) with an Error; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelTimer();
    const error = new Error('rate limiter closed while waiting for tokens');
    for (const w of this.#queue.splice(0)) w.reject(error);
  }

  #tokensAt(now: number): number {
    return Math.min(this.capacity, this.#tokens + (Math.max(0, now - this.#asOf) * this.refillPerSec) / 1000);
  }

  /** Grants waiters from the head while tokens last, then sets a timer for the next one. */
  #pump(): void {
    const now = this.#clock.now();
    this.#tokens = this.#tokensAt(now);
    this.#asOf = now;
    if (this.#blockedUntil !== null && now < this.#blockedUntil) return this.#schedule(this.#blockedUntil);
    for (let head = this.#queue[0]; head !== undefined; head = this.#queue[0]) {
      if (this.#tokens + EPS < head.cost) {
        const waitMs = Math.max(1, Math.ceil(((head.cost - this.#tokens) * 1000) / this.refillPerSec));
        return this.#schedule(now + waitMs);
      }
      this.#queue.shift();
      this.#tokens = Math.max(0, this.#tokens - head.cost);
      if (this.#blockedUntil !== null) {
        // First grant after a block: the venue is happy again.
        this.#blockedUntil = null;
        this.#backoffMs = BACKOFF_START_MS;
      }
      head.resolve();
    }
    this.#cancelTimer();
  }

  #schedule(atMs: number): void {
    if (this.#timer !== null && this.#timerAt === atMs) return;
    this.#cancelTimer();
    this.#timerAt = atMs;
    this.#timer = this.#clock.setTimer(atMs, () => {
      this.#timer = null;
      this.#pump();
    });
  }

  #cancelTimer(): void {
    this.#timer?.();
    this.#timer = null;
  }
}

const registry = new Map<string, TokenBucket>();

/**
 * The process-wide limiter for `key` (one venue account, e.g. 'binance:spot:<apiKey hash>'):
 * the first call creates it with `factory`, later calls get the same instance. A closed limiter
 * is replaced on the next call.
 */
export function rateLimiterFor(key: string, factory: () => TokenBucket): TokenBucket {
  if (key === '') throw new RangeError('key: expected a non-empty string');
  const existing = registry.get(key);
  if (existing !== undefined && !existing.closed) return existing;
  const created = factory();
  registry.set(key, created);
  return created;
}
