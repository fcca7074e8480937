import { take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { replay$ } from './replay.stream.ts';

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const a = { ts: 1_000, id: 'a' };
const b = { ts: 1_060, id: 'b' };
const c = { ts: 1_200, id: 'c' };
const values = { a, b, c };

describe('replay$', () => {
  it('emits each message at its recorded offset at speed 1', () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      expectObservable(replay$([a, b, c], { speed: 1, scheduler: ts })).toBe('a 59ms b 139ms (c|)', values);
    });
  });

  it('divides the waits by the speed (20×)', () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      // offsets 0, 60, 200 ms → 0, 3, 10 ms
      expectObservable(replay$([a, b, c], { speed: 20, scheduler: ts })).toBe('a 2ms b 6ms (c|)', values);
    });
  });

  it("emits everything at once, in order, at 'max'", () => {
    const ts = newScheduler();
    ts.run(({ expectObservable }) => {
      expectObservable(replay$([a, b, c], { speed: 'max', scheduler: ts })).toBe('(abc|)', values);
    });
  });

  it('keeps the order of a message recorded earlier than its predecessor and emits it at once', () => {
    const ts = newScheduler();
    const early = { ts: 1_010, id: 'e' };
    ts.run(({ expectObservable }) => {
      expectObservable(replay$([a, b, early, c], { speed: 1, scheduler: ts })).toBe('a 59ms (be) 136ms (c|)', { ...values, e: early });
    });
  });

  it('emits same-time messages together and completes an empty replay at once', () => {
    const ts = newScheduler();
    const b2 = { ts: 1_060, id: 'b2' };
    ts.run(({ expectObservable }) => {
      expectObservable(replay$([a, b, b2], { scheduler: ts })).toBe('a 59ms (bd|)', { a, b, d: b2 });
      expectObservable(replay$([], { scheduler: ts })).toBe('|');
    });
  });

  it('stops pulling from the iterable when unsubscribed', () => {
    const ts = newScheduler();
    let pulled = 0;
    function* gen() {
      for (let i = 0; ; i++) {
        pulled++;
        yield { ts: 1_000 + i * 10 };
      }
    }
    ts.run(({ expectObservable }) => {
      expectObservable(replay$(gen(), { scheduler: ts }).pipe(take(2))).toBe('x 9ms (y|)', { x: { ts: 1_000 }, y: { ts: 1_010 } });
    });
    expect(pulled).toBeLessThanOrEqual(3);
  });

  it('rejects a non-positive speed', () => {
    expect(() => replay$([a], { speed: 0 })).toThrow(RangeError);
    expect(() => replay$([a], { speed: Number.NaN })).toThrow(RangeError);
  });
});
