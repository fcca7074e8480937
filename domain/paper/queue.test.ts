import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, dmin } from '../money/decimal.ts';
import { bookTop } from './paper.fixtures.ts';
import { levelSizeAt, queueAfterDecrease } from './queue.ts';

const d = (v: number): Decimal => new Decimal(v).dividedBy(100);

describe('levelSizeAt', () => {
  const top = bookTop(0, [['100', '5'], ['99.8', '2']], [['101', '1'], ['101.5', '3']]);
  it('reads a displayed level, 0 for an empty price inside the range, null beyond the depth', () => {
    expect(levelSizeAt(top, 'buy', new Decimal('99.8'))?.toString()).toBe('2');
    expect(levelSizeAt(top, 'buy', new Decimal('99.9'))?.toString()).toBe('0');
    expect(levelSizeAt(top, 'buy', new Decimal('100.5'))?.toString()).toBe('0');
    expect(levelSizeAt(top, 'buy', new Decimal('99.7'))).toBeNull();
    expect(levelSizeAt(top, 'sell', new Decimal('101.2'))?.toString()).toBe('0');
    expect(levelSizeAt(top, 'sell', new Decimal('102'))).toBeNull();
  });
});

describe('queueAfterDecrease (risk-averse: cancellations come from behind first)', () => {
  it('examples', () => {
    // 10 displayed, 4 ahead, 6 behind.
    expect(queueAfterDecrease(d(400), d(1000), d(0), d(500)).toString()).toBe('4');
    expect(queueAfterDecrease(d(400), d(1000), d(0), d(300)).toString()).toBe('3');
    expect(queueAfterDecrease(d(400), d(1000), d(0), d(0)).toString()).toBe('0');
    // Queue factor > 1: 12 ahead of 10 displayed ⇒ nothing behind, a decrease of 3 counts in full.
    expect(queueAfterDecrease(d(1200), d(1000), d(0), d(700)).toString()).toBe('9');
    // Traded volume is netted out of the decrease (it already shortened the queue).
    expect(queueAfterDecrease(d(100), d(1000), d(300), d(700)).toString()).toBe('1');
  });

  it('never grows, never shrinks by more than what left, and stays ≥ min(queue, new size)', () => {
    const amt = fc.integer({ min: 0, max: 10_000 });
    fc.assert(
      fc.property(amt, amt, amt, amt, (qa, prev, traded, next) => {
        const [q, p, t, n] = [d(qa), d(prev), d(traded), d(next)];
        const out = queueAfterDecrease(q, p, t, n);
        const left = Decimal.max(0, Decimal.max(0, p.minus(t)).minus(n));
        expect(out.lte(q)).toBe(true);
        expect(out.gte(0)).toBe(true);
        expect(q.minus(out).lte(left)).toBe(true);
        expect(out.gte(dmin(q, n))).toBe(true);
        if (n.gte(p.minus(t))) expect(out.eq(q)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
