import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceTable } from './price-table.ts';

/** Prices drawn from a small pool so that sets, overwrites and deletes collide often. */
const price = fc.integer({ min: 0, max: 300 }).map((i) => (i === 0 ? 0 : 61_000 + i / 100));
const op = fc.oneof(
  fc.tuple(fc.constant('set' as const), price, fc.integer()),
  fc.tuple(fc.constant('delete' as const), price, fc.constant(0)),
  fc.tuple(fc.constant('clear' as const), fc.constant(0), fc.constant(0)),
);

describe('PriceTable', () => {
  it('behaves like a Map<number, V> through any sequence of operations (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (ops, cap) => {
        const t = new PriceTable<number>(cap);
        const m = new Map<number, number>();
        for (const [kind, k, v] of ops) {
          if (kind === 'set') {
            t.set(k, v);
            m.set(k, v);
          } else if (kind === 'delete') expect(t.delete(k)).toBe(m.delete(k));
          else {
            t.clear();
            m.clear();
          }
          expect(t.size).toBe(m.size);
        }
        for (let i = 0; i <= 300; i++) {
          const k = i === 0 ? 0 : 61_000 + i / 100;
          expect(t.get(k)).toBe(m.get(k));
        }
      }),
      { numRuns: 300 },
    );
  });
  it('treats 0 and −0 as one key', () => {
    const t = new PriceTable<string>();
    t.set(0, 'a');
    expect(t.get(-0)).toBe('a');
    t.set(-0, 'b');
    expect(t.size).toBe(1);
    expect(t.delete(0)).toBe(true);
  });
});
