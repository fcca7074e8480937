import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PQueue, queueEmpty, queuePeek, queuePop, queuePush, queueToArray } from './queue.ts';

describe('persistent banker\'s queue', () => {
  it('is FIFO', () => {
    let q = queueEmpty<number>();
    for (const x of [1, 2, 3]) q = queuePush(q, x);
    expect(queuePeek(q)).toBe(1);
    q = queuePop(q);
    q = queuePush(q, 4);
    expect(queueToArray(q)).toEqual([2, 3, 4]);
    expect(q.size).toBe(3);
    expect(queuePeek(queueEmpty())).toBeUndefined();
    expect(queuePop(queueEmpty())).toEqual(queueEmpty());
  });

  it('behaves like an array model, and old versions never change (property)', () => {
    const op = fc.oneof(fc.integer().map((x) => ({ push: x })), fc.constant({ pop: true as const }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 100 }), (ops) => {
        let q: PQueue<number> = queueEmpty();
        let model: number[] = [];
        const history: [PQueue<number>, number[]][] = [];
        for (const o of ops) {
          if ('push' in o) {
            q = queuePush(q, o.push);
            model = [...model, o.push];
          } else {
            expect(queuePeek(q)).toBe(model[0]);
            q = queuePop(q);
            model = model.slice(1);
          }
          history.push([q, model]);
          expect(q.size).toBe(model.length);
        }
        for (const [v, m] of history) expect(queueToArray(v)).toEqual(m);
      }),
      { numRuns: 200 },
    );
  });
});
