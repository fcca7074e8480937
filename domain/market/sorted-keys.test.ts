import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedKeys } from './sorted-keys.ts';

describe('SortedKeys', () => {
  it('keeps the keys in order through inserts and removals, as a sorted array would (property)', () => {
    const op = fc.tuple(fc.boolean(), fc.integer({ min: -400, max: 400 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 2000 }), (ops) => {
        const s = new SortedKeys();
        const model = new Set<number>();
        for (const [add, k] of ops) {
          // The book inserts only absent keys and removes only present ones.
          if (add && !model.has(k)) {
            s.insert(k);
            model.add(k);
          } else if (!add && model.has(k)) {
            s.remove(k);
            model.delete(k);
          }
        }
        const want = [...model].sort((a, b) => b - a);
        expect(s.size).toBe(want.length);
        expect(s.last()).toBe(want[0]);
        expect(s.topKeys(want.length + 5)).toEqual(want);
        expect(s.topKeys(3)).toEqual(want.slice(0, 3));
        expect([...s.descending()]).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
  it('stays ordered when thousands of keys come and go (splits and repacking)', () => {
    const s = new SortedKeys();
    for (let i = 0; i < 5000; i++) s.insert((i * 7919) % 5000);
    for (let i = 0; i < 5000; i += 2) s.remove(i);
    const got = s.topKeys(5000);
    expect(got).toHaveLength(2500);
    for (let i = 1; i < got.length; i++) expect(got[i - 1]).toBeGreaterThan(got[i] as number);
    s.clear();
    expect(s.last()).toBeUndefined();
  });
});
