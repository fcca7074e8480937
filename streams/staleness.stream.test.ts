import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { staleness, stalenessReducer } from './staleness.stream.ts';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('staleness', () => {
  it('emits book.stale after maxBookAgeMs without an update and book.fresh when updates resume', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const book$ = cold('u 1ms u 9ms u u 20ms |');
      // updates at 0, 2, 12, 13; max age 5 → stale at 7, fresh at 12, stale at 18; the
      // source completes at 34 with the book still stale.
      expectObservable(book$.pipe(staleness(5, ts))).toBe('7ms s 4ms f 5ms t 15ms |', {
        s: { type: 'book.stale', ts: 7 },
        f: { type: 'book.fresh', ts: 12 },
        t: { type: 'book.stale', ts: 18 },
      });
    });
  });

  it('counts from subscription when no update ever comes', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(staleness(3, ts))).toBe('3ms s', { s: { type: 'book.stale', ts: 3 } });
    });
  });

  it('stays quiet while updates keep coming, and a timeout pending at completion still fires', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      expectObservable(cold('u 2ms u 2ms u 2ms |').pipe(staleness(4, ts))).toBe('10ms (s|)', { s: { type: 'book.stale', ts: 10 } });
    });
  });

  it('reducer: repeated timeouts and updates emit only on a change', () => {
    let s = stalenessReducer({ stale: false, event: null }, { kind: 'update', ts: 1 });
    expect(s.event).toBeNull();
    s = stalenessReducer(s, { kind: 'timeout', ts: 2 });
    expect(s.event).toEqual({ type: 'book.stale', ts: 2 });
    expect(stalenessReducer(s, { kind: 'timeout', ts: 3 }).event).toBeNull();
    expect(stalenessReducer(s, { kind: 'update', ts: 4 }).event).toEqual({ type: 'book.fresh', ts: 4 });
  });

  it('rejects a non-positive max age', () => {
    expect(() => staleness(0)).toThrow(RangeError);
  });
});
