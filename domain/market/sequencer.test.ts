import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawLevel } from './book.ts';
import { BookSequencer, type SequenceRule, type SequencedDiff, SyncState } from './sequencer.ts';

const diff = (U: number, u: number, bids: RawLevel[] = [], asks: RawLevel[] = [], pu?: number): SequencedDiff => ({ U, u, pu, bids, asks });
const snap = (lastUpdateId: number, bids: RawLevel[] = [['100', '1']], asks: RawLevel[] = [['101', '1']]) => ({ lastUpdateId, bids, asks });
const bid = (s: BookSequencer): string | undefined => s.book.bestBid()?.price.toFixed();

describe('BookSequencer (spot): U <= L+1 <= u, then U == prev u + 1', () => {
  it('buffers diffs until a snapshot; the book stays empty and invalid', () => {
    const s = new BookSequencer('spot');
    expect(s.onDiff(diff(90, 95, [['99', '1']]))).toBe('buffered');
    expect(s.onDiff(diff(96, 100))).toBe('buffered');
    expect(s.state).toBe(SyncState.AwaitingSnapshot);
    expect(s.valid).toBe(false);
    expect(s.lastUpdateId).toBeNull();
    expect(s.buffered).toBe(2);
    expect(s.book.levelCount('bid')).toBe(0);
  });

  it('on the snapshot, drops buffered diffs with u <= L and applies the one bridging L+1', () => {
    const s = new BookSequencer('spot');
    s.onDiff(diff(90, 95, [['50', '9']]));
    s.onDiff(diff(96, 100, [['51', '9']]));
    s.onDiff(diff(98, 103, [['100.5', '2']]));
    expect(s.onSnapshot(snap(100))).toBe('applied');
    expect(s.valid).toBe(true);
    expect(s.lastUpdateId).toBe(103);
    expect(s.buffered).toBe(0);
    expect(s.stats).toMatchObject({ applied: 1, dropped: 2, gaps: 0, snapshots: 1 });
    // Only the snapshot and the bridging diff are in the book.
    expect(s.book.levels('bid').map((l) => l.price.toFixed())).toEqual(['100.5', '100']);
  });

  it('after the snapshot, waits for the bridging diff: still invalid, stale diffs dropped', () => {
    const s = new BookSequencer('spot');
    s.onSnapshot(snap(100));
    expect(s.state).toBe(SyncState.AwaitingFirstDiff);
    expect(s.valid).toBe(false);
    expect(s.lastUpdateId).toBe(100);
    expect(s.onDiff(diff(95, 100))).toBe('dropped');
    expect(s.onDiff(diff(101, 101))).toBe('applied');
    expect(s.valid).toBe(true);
  });

  it('a first diff starting after L+1 is a gap', () => {
    const s = new BookSequencer('spot');
    s.onSnapshot(snap(100));
    expect(s.onDiff(diff(102, 105))).toBe('gap');
    expect(s.state).toBe(SyncState.AwaitingSnapshot);
    expect(s.stats.gaps).toBe(1);
  });

  it('later diffs must continue exactly: a hole or an overlap is a gap; the book is left untouched', () => {
    for (const [U, u] of [[107, 110], [104, 110]] as const) {
      const s = new BookSequencer('spot');
      s.onSnapshot(snap(100));
      s.onDiff(diff(101, 105));
      expect(s.onDiff(diff(U, u, [['100', '0']]))).toBe('gap');
      expect(s.valid).toBe(false);
      expect(bid(s)).toBe('100');
      // Everything after a gap is buffered until a new snapshot.
      expect(s.onDiff(diff(u + 1, u + 2, [['100', '0']]))).toBe('buffered');
      expect(bid(s)).toBe('100');
    }
  });

  it('a replayed diff (u <= last applied u) is dropped and the book stays valid', () => {
    const s = new BookSequencer('spot');
    s.onSnapshot(snap(100));
    s.onDiff(diff(101, 105));
    expect(s.onDiff(diff(101, 105, [['100', '0']]))).toBe('dropped');
    expect(s.valid).toBe(true);
    expect(bid(s)).toBe('100');
    expect(s.onDiff(diff(106, 106))).toBe('applied');
  });

  it('a new snapshot re-syncs after a gap, bridged by the diff that revealed the gap', () => {
    const s = new BookSequencer('spot');
    s.onSnapshot(snap(100));
    s.onDiff(diff(101, 105));
    s.onDiff(diff(110, 112, [['100.25', '1']]));
    s.onDiff(diff(113, 115));
    expect(s.onSnapshot(snap(111, [['99', '1']]))).toBe('applied');
    expect(s.valid).toBe(true);
    expect(s.lastUpdateId).toBe(115);
    expect(bid(s)).toBe('100.25');
    expect(s.stats).toMatchObject({ gaps: 1, resyncs: 1, snapshots: 2, applied: 3 });
  });

  it('a snapshot too old for the buffered diffs is another gap, not a resync', () => {
    const s = new BookSequencer('spot');
    s.onDiff(diff(110, 112));
    s.onDiff(diff(113, 115));
    s.onSnapshot(snap(100));
    expect(s.valid).toBe(false);
    expect(s.buffered).toBe(2);
    expect(s.stats).toMatchObject({ gaps: 1, resyncs: 0 });
    s.onSnapshot(snap(111));
    expect(s.valid).toBe(true);
    expect(s.stats).toMatchObject({ gaps: 1, resyncs: 1, applied: 2 });
  });

  it('ignores a stale snapshot while synced, applies a newer one', () => {
    const s = new BookSequencer('spot');
    s.onSnapshot(snap(100));
    s.onDiff(diff(101, 105));
    expect(s.onSnapshot(snap(105, [['1', '1']]))).toBe('stale');
    expect(s.onSnapshot(snap(90, [['1', '1']]))).toBe('stale');
    expect(bid(s)).toBe('100');
    expect(s.stats.snapshots).toBe(1);
    expect(s.onSnapshot(snap(200, [['150', '1']], [['151', '1']]))).toBe('applied');
    expect(s.state).toBe(SyncState.AwaitingFirstDiff);
    expect(bid(s)).toBe('150');
    expect(s.onDiff(diff(201, 202))).toBe('applied');
    expect(s.stats.resyncs).toBe(0);
  });

  it('invalidate() drops to AwaitingSnapshot; the next snapshot + bridge counts as a resync', () => {
    const s = new BookSequencer('spot');
    s.onSnapshot(snap(100));
    s.onDiff(diff(101, 105));
    s.invalidate();
    expect(s.valid).toBe(false);
    expect(s.onDiff(diff(106, 110))).toBe('buffered');
    s.onSnapshot(snap(107));
    expect(s.valid).toBe(true);
    expect(s.stats).toMatchObject({ gaps: 0, resyncs: 1 });
  });

  it('the pre-snapshot buffer keeps the newest maxBuffer diffs and counts the overflow', () => {
    const s = new BookSequencer('spot', undefined, { maxBuffer: 3 });
    for (let i = 0; i < 5; i++) s.onDiff(diff(101 + i, 101 + i));
    expect(s.buffered).toBe(3);
    expect(s.stats.bufferOverflow).toBe(2);
    // Diffs 101 and 102 were discarded, so a snapshot at 100 can no longer be bridged.
    s.onSnapshot(snap(100));
    expect(s.stats.gaps).toBe(1);
  });

  it('counts applied diffs (and snapshots) that leave the book crossed', () => {
    const s = new BookSequencer('spot');
    s.onSnapshot(snap(100, [['101', '1']], [['100', '1']]));
    expect(s.stats.crossed).toBe(1);
    s.onDiff(diff(101, 101, [['101', '0']]));
    expect(s.stats.crossed).toBe(1);
    s.onDiff(diff(102, 102, [['100.5', '1']], [['100', '0'], ['100.5', '1']]));
    expect(s.stats.crossed).toBe(2);
    expect(s.valid).toBe(true);
  });
});

describe('BookSequencer (USDⓈ-M): drop u < L, first U <= L <= u, then pu == prev u', () => {
  const usdm = (U: number, u: number, pu: number, bids: RawLevel[] = []): SequencedDiff => diff(U, u, bids, [], pu);

  it('the diff ending exactly at L bridges the snapshot (spot would drop it)', () => {
    const s = new BookSequencer('usdm');
    s.onDiff(usdm(80, 90, 70));
    s.onDiff(usdm(95, 100, 90, [['100.5', '1']]));
    s.onSnapshot(snap(100));
    expect(s.valid).toBe(true);
    expect(s.stats).toMatchObject({ dropped: 1, applied: 1 });
    expect(bid(s)).toBe('100.5');
  });

  it('continuity is pu == prev u, whatever U is', () => {
    const s = new BookSequencer('usdm');
    s.onSnapshot(snap(100));
    expect(s.onDiff(usdm(95, 120, 90))).toBe('applied');
    expect(s.onDiff(usdm(150, 160, 120))).toBe('applied');
    expect(s.lastUpdateId).toBe(160);
    expect(s.onDiff(usdm(161, 170, 159))).toBe('gap');
    expect(s.valid).toBe(false);
  });

  it('a diff without pu once synced is a gap; a replay is dropped', () => {
    const s = new BookSequencer('usdm');
    s.onSnapshot(snap(100));
    s.onDiff(usdm(99, 120, 90));
    expect(s.onDiff(usdm(99, 120, 90))).toBe('dropped');
    expect(s.onDiff(diff(121, 130))).toBe('gap');
  });

  it('a first diff starting after L is a gap; diffs ending before L are dropped', () => {
    const s = new BookSequencer('usdm');
    s.onSnapshot(snap(100));
    expect(s.onDiff(usdm(90, 99, 80))).toBe('dropped');
    expect(s.onDiff(usdm(101, 110, 99))).toBe('gap');
  });
});

// ---- property: a gap-free stream is never flagged; one removed or moved diff always is ----

interface Stream {
  rule: SequenceRule;
  diffs: SequencedDiff[];
  /** Index of the diff that bridges the snapshot. */
  bridge: number;
  L: number;
  /** The snapshot arrives before diffs[snapAt] (or after all of them). */
  snapAt: number;
}

const streamArb: fc.Arbitrary<Stream> = fc
  .record({
    rule: fc.constantFrom<SequenceRule>('spot', 'usdm'),
    steps: fc.array(fc.record({ skip: fc.integer({ min: 0, max: 4 }), len: fc.integer({ min: 0, max: 4 }), px: fc.integer({ min: 1, max: 9 }), sz: fc.integer({ min: 0, max: 3 }) }), { minLength: 4, maxLength: 30 }),
    bridgeFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    lFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    snapFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ rule, steps, bridgeFrac, lFrac, snapFrac }) => {
    let prev = 1000;
    const diffs = steps.map(({ skip, len, px, sz }) => {
      // Spot ids are contiguous; USDⓈ-M diffs may skip ids and link through pu.
      const U = prev + 1 + (rule === 'usdm' ? skip : 0);
      const d = diff(U, U + len, [[`9${px}`, String(sz)]], [[`10${px}`, String(sz)]], rule === 'usdm' ? prev : undefined);
      prev = d.u;
      return d;
    });
    const bridge = Math.min(steps.length - 3, Math.floor(bridgeFrac * (steps.length - 2)));
    const b = diffs[bridge] as SequencedDiff;
    // Spot: U <= L+1 <= u; USDⓈ-M: U <= L <= u.
    const lo = rule === 'spot' ? b.U - 1 : b.U;
    const hi = rule === 'spot' ? b.u - 1 : b.u;
    const L = lo + Math.floor(lFrac * (hi - lo + 1));
    return { rule, diffs, bridge, L: Math.min(L, hi), snapAt: Math.floor(snapFrac * (steps.length + 1)) };
  });

function replay(st: Stream, diffs: readonly SequencedDiff[]): BookSequencer {
  const s = new BookSequencer(st.rule);
  diffs.forEach((d, i) => {
    if (i === st.snapAt) s.onSnapshot(snap(st.L, [['90', '5']], [['110', '5']]));
    s.onDiff(d);
  });
  if (st.snapAt >= diffs.length) s.onSnapshot(snap(st.L, [['90', '5']], [['110', '5']]));
  return s;
}

describe('BookSequencer property (both rules)', () => {
  it('a gap-free stream is never flagged and ends synced on the model book', () => {
    fc.assert(
      fc.property(streamArb, (st) => {
        const s = replay(st, st.diffs);
        expect(s.stats).toMatchObject({ gaps: 0, applied: st.diffs.length - st.bridge, dropped: st.bridge });
        expect(s.valid).toBe(true);
        expect(s.lastUpdateId).toBe(st.diffs[st.diffs.length - 1]?.u);
        const model = new Map<string, string>([['90', '5']]);
        for (const d of st.diffs.slice(st.bridge)) {
          for (const [p, z] of d.bids) {
            if (z === '0') model.delete(p);
            else model.set(p, z);
          }
        }
        const want = [...model].sort(([a], [b]) => Number(b) - Number(a));
        expect(s.book.levels('bid').map((l) => [l.price.toFixed(), l.size.toFixed()])).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('removing any one diff from the bridge on (not the last) is detected as a gap', () => {
    fc.assert(
      fc.property(streamArb, fc.double({ min: 0, max: 1, noNaN: true }), (st, kFrac) => {
        const k = st.bridge + Math.floor(kFrac * (st.diffs.length - 1 - st.bridge));
        const mutated = st.diffs.filter((_, i) => i !== Math.min(k, st.diffs.length - 2));
        const s = replay(st, mutated);
        expect(s.stats.gaps).toBe(1);
        expect(s.valid).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('moving any one diff from the bridge on to another position is detected as a gap', () => {
    fc.assert(
      fc.property(streamArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (st, a, b) => {
        const n = st.diffs.length;
        const from = st.bridge + Math.floor(a * (n - st.bridge));
        const to = st.bridge + Math.floor(b * (n - st.bridge));
        fc.pre(from !== to && from < n && to < n);
        const mutated = [...st.diffs];
        const [moved] = mutated.splice(from, 1);
        mutated.splice(to, 0, moved as SequencedDiff);
        const s = replay(st, mutated);
        expect(s.stats.gaps).toBe(1);
        expect(s.valid).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
