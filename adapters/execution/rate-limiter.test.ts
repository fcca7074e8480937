import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.ts';
import type { CancelTimer, Clock } from '../../domain/ports/clock.ts';
import { TokenBucket, rateLimiterFor } from './rate-limiter.ts';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Tracked {
  readonly state: () => 'pending' | 'granted' | 'rejected';
  readonly error: () => unknown;
}

function track(p: Promise<void>): Tracked {
  let state: 'pending' | 'granted' | 'rejected' = 'pending';
  let error: unknown;
  p.then(
    () => (state = 'granted'),
    (e: unknown) => ((state = 'rejected'), (error = e)),
  );
  return { state: () => state, error: () => error };
}

function setup(capacity = 10, refillPerSec = 5): { clock: VirtualClock; bucket: TokenBucket } {
  const clock = new VirtualClock(0);
  return { clock, bucket: new TokenBucket({ capacity, refillPerSec, clock }) };
}

describe('TokenBucket: options', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects capacity %s and refillPerSec %s naming the field', (bad) => {
    const clock = new VirtualClock(0);
    expect(() => new TokenBucket({ capacity: bad, refillPerSec: 1, clock })).toThrow(new RangeError(`capacity: expected a finite number > 0, got ${bad}`));
    expect(() => new TokenBucket({ capacity: 1, refillPerSec: bad, clock })).toThrow(/^refillPerSec: /);
  });

  it.each([0, -1, 10.5, Number.NaN])('rejects acquire cost %s with a RangeError naming cost', async (cost) => {
    const { bucket } = setup(10);
    await expect(bucket.acquire(cost)).rejects.toThrow(RangeError);
    await expect(bucket.acquire(cost)).rejects.toThrow(/^cost: expected 0 < cost ≤ capacity \(10\)/);
    expect(bucket.remaining).toBe(10);
  });

  it('accepts a cost equal to capacity and fractional costs', async () => {
    const { bucket } = setup(10);
    await bucket.acquire(9.5);
    await bucket.acquire(0.5);
    expect(bucket.remaining).toBe(0);
  });
});

describe('TokenBucket: refill', () => {
  it('passes a burst up to capacity at once, then each acquire waits exactly for its refill', async () => {
    const { clock, bucket } = setup(10, 5); // one token per 200 ms
    const burst = Array.from({ length: 10 }, () => track(bucket.acquire()));
    await flush();
    expect(burst.map((t) => t.state())).toEqual(Array(10).fill('granted'));
    expect(bucket.remaining).toBe(0);

    const eleventh = track(bucket.acquire());
    const twelfth = track(bucket.acquire());
    clock.advanceTo(199);
    await flush();
    expect(eleventh.state()).toBe('pending');
    clock.advanceTo(200);
    await flush();
    expect([eleventh.state(), twelfth.state()]).toEqual(['granted', 'pending']);
    clock.advanceTo(399);
    await flush();
    expect(twelfth.state()).toBe('pending');
    clock.advanceTo(400);
    await flush();
    expect(twelfth.state()).toBe('granted');
    expect(clock.pending).toBe(0);
  });

  it('a costly acquire waits for its whole cost', async () => {
    const { clock, bucket } = setup(10, 5);
    await bucket.acquire(10);
    const big = track(bucket.acquire(3));
    clock.advanceTo(599);
    await flush();
    expect(big.state()).toBe('pending');
    clock.advanceTo(600);
    await flush();
    expect(big.state()).toBe('granted');
  });

  it('remaining never exceeds capacity and is never negative', async () => {
    const { clock, bucket } = setup(10, 5);
    clock.advanceBy(60_000);
    expect(bucket.remaining).toBe(10);
    await bucket.acquire(10);
    const waiting = track(bucket.acquire(10));
    expect(bucket.remaining).toBe(0);
    clock.advanceBy(1000);
    expect(bucket.remaining).toBe(5);
    clock.advanceBy(1000);
    await flush();
    expect(waiting.state()).toBe('granted');
    expect(bucket.remaining).toBe(0);
  });
});

describe('TokenBucket: FIFO', () => {
  it('a later small request never overtakes an earlier large one', async () => {
    const { clock, bucket } = setup(10, 5);
    await bucket.acquire(10);
    const order: string[] = [];
    const big = bucket.acquire(5).then(() => order.push(`big@${clock.now()}`));
    const small = bucket.acquire(1).then(() => order.push(`small@${clock.now()}`));
    clock.advanceTo(200); // a token for `small` exists now, but `big` is first
    await flush();
    expect(order).toEqual([]);
    clock.advanceTo(1000);
    await flush();
    expect(order).toEqual(['big@1000']);
    clock.advanceTo(1200);
    await Promise.all([big, small]);
    expect(order).toEqual(['big@1000', 'small@1200']);
  });

  it('a new acquire queues behind waiters even when tokens are available for it', async () => {
    const { clock, bucket } = setup(10, 5);
    await bucket.acquire(8);
    const first = track(bucket.acquire(4)); // needs 2 more tokens: 400 ms
    clock.advanceTo(200);
    const second = track(bucket.acquire(1));
    await flush();
    expect([first.state(), second.state()]).toEqual(['pending', 'pending']);
    clock.advanceTo(400);
    await flush();
    expect([first.state(), second.state()]).toEqual(['granted', 'pending']);
    clock.advanceTo(600);
    await flush();
    expect(second.state()).toBe('granted');
  });
});

describe('TokenBucket: penalize', () => {
  it('drains and blocks every acquire until the Retry-After hint', async () => {
    const { clock, bucket } = setup(10, 5);
    clock.advanceTo(100);
    bucket.penalize(2500);
    expect(bucket.blockedUntil).toBe(2600);
    expect(bucket.remaining).toBe(0);
    const waiting = track(bucket.acquire());
    clock.advanceTo(2599);
    await flush();
    expect(waiting.state()).toBe('pending');
    expect(bucket.remaining).toBe(0);
    clock.advanceTo(2600);
    await flush();
    expect(waiting.state()).toBe('granted');
    expect(bucket.blockedUntil).toBeNull();
    // Refilled from empty during the block: 2.5 s × 5/s = 12.5, capped at 10, minus the grant.
    expect(bucket.remaining).toBe(9);
  });

  it('without hints the block starts at 1 s and doubles per consecutive penalty, up to 60 s', () => {
    const { clock, bucket } = setup(10, 5);
    const blocks: number[] = [];
    for (let i = 0; i < 9; i++) {
      const start = clock.now();
      bucket.penalize(null);
      blocks.push((bucket.blockedUntil ?? Number.NaN) - start);
      clock.advanceTo(bucket.blockedUntil ?? Number.NaN); // block over, but nothing was granted
    }
    expect(blocks).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('resets the backoff after an acquire granted once the block ended', async () => {
    const { clock, bucket } = setup(10, 5);
    bucket.penalize(null);
    bucket.penalize(null); // in-flight 429s: 2 s now
    expect(bucket.blockedUntil).toBe(2000);
    const waiting = track(bucket.acquire());
    clock.advanceTo(2000);
    await flush();
    expect(waiting.state()).toBe('granted');
    bucket.penalize(null);
    expect(bucket.blockedUntil).toBe(3000);
  });

  it('a hinted penalty counts as consecutive, and a shorter hint never shortens a block', () => {
    const { bucket } = setup(10, 5);
    bucket.penalize(5000);
    bucket.penalize(100);
    expect(bucket.blockedUntil).toBe(5000);
    bucket.penalize(null); // third consecutive: 4 s, inside the 5 s block
    expect(bucket.blockedUntil).toBe(5000);
    bucket.penalize(null);
    expect(bucket.blockedUntil).toBe(8000);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects retryAfterMs %s naming the field', (bad) => {
    const { bucket } = setup();
    expect(() => bucket.penalize(bad)).toThrow(RangeError);
    expect(() => bucket.penalize(bad)).toThrow(/^retryAfterMs: /);
    expect(bucket.blockedUntil).toBeNull();
  });
});

describe('TokenBucket: close', () => {
  it('rejects pending and later acquires and cancels its timer', async () => {
    const { clock, bucket } = setup(2, 1);
    await bucket.acquire(2);
    const a = track(bucket.acquire(1));
    const b = track(bucket.acquire(2));
    expect(clock.pending).toBe(1);
    bucket.close();
    bucket.close();
    await flush();
    expect([a.state(), b.state()]).toEqual(['rejected', 'rejected']);
    expect(String(a.error())).toMatch(/rate limiter closed/);
    expect(clock.pending).toBe(0);
    await expect(bucket.acquire()).rejects.toThrow(/rate limiter closed/);
    expect(bucket.closed).toBe(true);
  });
});

describe('rateLimiterFor', () => {
  it('returns one instance per key in the process, and replaces a closed one', () => {
    const clock = new VirtualClock(0);
    let made = 0;
    const factory = (): TokenBucket => (made++, new TokenBucket({ capacity: 5, refillPerSec: 1, clock }));
    const key = `binance:spot:${Math.random()}`;
    const a = rateLimiterFor(key, factory);
    expect(rateLimiterFor(key, factory)).toBe(a);
    expect(rateLimiterFor(`${key}:other`, factory)).not.toBe(a);
    expect(made).toBe(2);
    a.close();
    const c = rateLimiterFor(key, factory);
    expect(c).not.toBe(a);
    expect(c.closed).toBe(false);
    expect(() => rateLimiterFor('', factory)).toThrow(/^key: /);
  });
});

/** The virtual clock plus the times of its pending timers, so a test can stop at each one. */
class SteppingClock implements Clock {
  readonly inner = new VirtualClock(1_000_000);
  readonly #due = new Set<{ at: number }>();

  now(): number {
    return this.inner.now();
  }

  setTimer(atMs: number, fn: () => void): CancelTimer {
    const entry = { at: Math.max(atMs, this.inner.now()) };
    this.#due.add(entry);
    const cancel = this.inner.setTimer(atMs, () => {
      this.#due.delete(entry);
      fn();
    });
    return () => {
      this.#due.delete(entry);
      cancel();
    };
  }

  /** Advances to `target`, stopping at every timer on the way so grants are seen at their own time. */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const next = Math.min(...[...this.#due].map((e) => e.at).filter((at) => at <= target));
      if (!Number.isFinite(next)) break;
      this.inner.advanceTo(next);
      await flush();
    }
    this.inner.advanceTo(target);
    await flush();
  }
}

type Op = { readonly op: 'acquire'; readonly cost: number } | { readonly op: 'advance'; readonly ms: number } | { readonly op: 'penalize'; readonly hint: number | null };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('acquire' as const), cost: fc.double({ min: 0.01, max: 1, noNaN: true }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('penalize' as const), hint: fc.option(fc.integer({ min: 0, max: 3000 })) }) },
);

describe('TokenBucket: property', () => {
  it('never grants more than capacity + refill × elapsed, grants in FIFO order, and grants everything eventually', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.array(opArb, { maxLength: 40 }),
        async (capacity, refillPerSec, ops) => {
          const clock = new SteppingClock();
          const start = clock.now();
          const bucket = new TokenBucket({ capacity, refillPerSec, clock });
          const grants: { idx: number; at: number; cost: number }[] = [];
          let requested = 0;
          let totalCost = 0;
          const checkRemaining = (): void => {
            expect(bucket.remaining).toBeGreaterThanOrEqual(0);
            expect(bucket.remaining).toBeLessThanOrEqual(capacity);
          };
          for (const o of ops) {
            if (o.op === 'acquire') {
              // Costs as a fraction of capacity so every size up to a full bucket is tried.
              const cost = Math.max(o.cost * capacity, 1e-6);
              const idx = requested++;
              totalCost += cost;
              void bucket.acquire(cost).then(() => grants.push({ idx, at: clock.now(), cost }));
              await flush();
            } else if (o.op === 'advance') {
              await clock.advanceTo(clock.now() + o.ms);
            } else {
              bucket.penalize(o.hint);
            }
            checkRemaining();
          }
          await clock.advanceTo(clock.now() + 61_000 + Math.ceil((totalCost * 1000) / refillPerSec) + 1000);
          checkRemaining();

          expect(grants.length).toBe(requested);
          expect(grants.map((g) => g.idx)).toEqual(grants.map((_, i) => i));
          let granted = 0;
          for (const g of grants) {
            granted += g.cost;
            expect(granted).toBeLessThanOrEqual(capacity + (refillPerSec * (g.at - start)) / 1000 + 1e-6);
          }
        },
      ),
      { numRuns: 250 },
    );
  });
});
