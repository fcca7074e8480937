import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { OrderBook, type BookSide, type RawLevel } from './book.ts';
import type { PriceLevel } from './types.ts';

/** Levels as `[price, size]` in plain canonical form, for readable equality checks. */
const plain = (levels: readonly PriceLevel[]): [string, string][] => levels.map((l) => [l.price.toFixed(), l.size.toFixed()]);

function bookOf(bids: RawLevel[], asks: RawLevel[]): OrderBook {
  const b = new OrderBook();
  b.applySnapshot(bids, asks);
  return b;
}

describe('OrderBook: snapshot', () => {
  it('an empty book has no best levels, no top and is not crossed', () => {
    const b = new OrderBook();
    expect(b.bestBid()).toBeUndefined();
    expect(b.bestAsk()).toBeUndefined();
    expect(b.bestRaw('bid')).toBeUndefined();
    expect(b.top(5, 0)).toBeNull();
    expect(b.isCrossed()).toBe(false);
    expect(b.levelCount('bid')).toBe(0);
    expect(b.sizeAt('ask', '1').toFixed()).toBe('0');
  });

  it('sorts bids descending and asks ascending whatever the input order; zero sizes are ignored', () => {
    const b = bookOf(
      [['99.5', '1'], ['100', '2'], ['98', '0.00000000'], ['99.75', '3']],
      [['101.25', '4'], ['100.5', '5'], ['102', '0']],
    );
    expect(plain(b.levels('bid'))).toEqual([['100', '2'], ['99.75', '3'], ['99.5', '1']]);
    expect(plain(b.levels('ask'))).toEqual([['100.5', '5'], ['101.25', '4']]);
    expect(b.levelCount('bid')).toBe(3);
    expect(b.levelCount('ask')).toBe(2);
  });

  it('a second snapshot replaces the whole book', () => {
    const b = bookOf([['100', '1'], ['99', '1']], [['101', '1']]);
    b.applySnapshot([['50', '7']], [['60', '8']]);
    expect(plain(b.levels('bid'))).toEqual([['50', '7']]);
    expect(plain(b.levels('ask'))).toEqual([['60', '8']]);
    expect(b.sizeAt('bid', '100').toFixed()).toBe('0');
  });

  it('clear empties both sides', () => {
    const b = bookOf([['100', '1']], [['101', '1']]);
    b.clear();
    expect(b.levelCount('bid') + b.levelCount('ask')).toBe(0);
    expect(b.top(1, 0)).toBeNull();
  });
});

describe('OrderBook: diffs', () => {
  it('sizes are absolute: a diff replaces the size, it does not add to it', () => {
    const b = bookOf([['100', '1.5']], [['101', '2']]);
    b.applyDiff([['100', '0.25']], [['101', '7']]);
    expect(b.sizeAt('bid', '100').toFixed()).toBe('0.25');
    expect(b.sizeAt('ask', '101').toFixed()).toBe('7');
  });

  it('size 0 (any spelling) removes the level; removing a missing level is a no-op', () => {
    const b = bookOf([['100', '1'], ['99', '2'], ['98', '3']], [['101', '1']]);
    b.applyDiff([['100', '0.00000000'], ['99', '0'], ['97', '0.000']], []);
    expect(plain(b.levels('bid'))).toEqual([['98', '3']]);
    expect(b.bestBid()?.price.toFixed()).toBe('98');
  });

  it('inserts new levels in price order, including between existing ones and at the top', () => {
    const b = bookOf([['100', '1'], ['98', '1']], [['102', '1'], ['104', '1']]);
    b.applyDiff([['99', '2'], ['100.5', '3']], [['103', '2'], ['101', '3'], ['105', '4']]);
    expect(plain(b.levels('bid')).map(([p]) => p)).toEqual(['100.5', '100', '99', '98']);
    expect(plain(b.levels('ask')).map(([p]) => p)).toEqual(['101', '102', '103', '104', '105']);
  });

  it('a price spelled differently ("61.50" vs "61.5") is the same level, for updates and removal', () => {
    const b = bookOf([['61.50000000', '1']], [['62', '1']]);
    b.setLevel('bid', '61.5', '4');
    expect(b.levelCount('bid')).toBe(1);
    expect(b.sizeAt('bid', '61.500').toFixed()).toBe('4');
    b.setLevel('bid', '061.50', '0');
    expect(b.levelCount('bid')).toBe(0);
    // Re-adding with the first spelling after removal must create a fresh level.
    b.setLevel('bid', '61.50000000', '2');
    expect(plain(b.levels('bid'))).toEqual([['61.5', '2']]);
  });

  it('sizeAt accepts a decimal string, a Decimal or a number', () => {
    const b = bookOf([['61837.63000000', '3.78826000']], [['61837.64', '1']]);
    expect(b.sizeAt('bid', '61837.63').toFixed()).toBe('3.78826');
    expect(b.sizeAt('bid', new Decimal('61837.630')).toFixed()).toBe('3.78826');
    expect(b.sizeAt('bid', 61837.63).toFixed()).toBe('3.78826');
    expect(b.sizeAt('ask', '61837.63').toFixed()).toBe('0');
  });

  it('refuses a price that is not a plain non-negative decimal', () => {
    const b = new OrderBook();
    expect(() => b.setLevel('bid', '-1', '1')).toThrow(RangeError);
    expect(() => b.setLevel('ask', '1e3', '1')).toThrow(RangeError);
    expect(() => b.sizeAt('bid', 'abc')).toThrow(RangeError);
  });

  it('refuses two different prices on a side that collide as doubles instead of merging them', () => {
    const b = bookOf([['1.00000000000000001', '1']], []);
    expect(() => b.setLevel('bid', '1.00000000000000002', '1')).toThrow(/too close/);
    expect(b.levelCount('bid')).toBe(1);
  });
});

describe('OrderBook: reading', () => {
  const b = bookOf(
    [['100', '1'], ['99', '2'], ['98', '3'], ['97', '4']],
    [['101', '5'], ['102', '6'], ['103', '7']],
  );

  it('best bid/ask, as Decimals and as canonical strings', () => {
    expect(b.bestBid()?.price.toFixed()).toBe('100');
    expect(b.bestAsk()?.size.toFixed()).toBe('5');
    const raw = bookOf([['61837.63000000', '3.78826000']], [['61837.64000000', '1.54698000']]);
    expect(raw.bestRaw('bid')).toEqual({ price: '61837.63', size: '3.78826' });
    expect(raw.bestRaw('ask')).toEqual({ price: '61837.64', size: '1.54698' });
  });

  it('top(n) returns n levels per side, best first, with the caller ts; fewer when a side is short', () => {
    const top = b.top(2, 1234);
    expect(top?.ts).toBe(1234);
    expect(top?.bid.toFixed()).toBe('100');
    expect(top?.ask.toFixed()).toBe('101');
    expect(plain(top?.bids ?? [])).toEqual([['100', '1'], ['99', '2']]);
    expect(plain(top?.asks ?? [])).toEqual([['101', '5'], ['102', '6']]);
    expect(b.top(10, 0)?.asks).toHaveLength(3);
    expect(bookOf([['1', '1']], []).top(1, 0)).toBeNull();
  });

  it('depthTo sums sizes at prices at least as good as the limit', () => {
    expect(b.depthTo('bid', '98').toFixed()).toBe('6');
    expect(b.depthTo('ask', '102.5').toFixed()).toBe('11');
    expect(b.depthTo('bid', '200').toFixed()).toBe('0');
  });
});

describe('OrderBook: crossed-book detection', () => {
  it.each([
    ['bid below ask', '100', '100.01', false],
    ['bid equal to ask', '100', '100.00', true],
    ['bid above ask', '100.02', '100.01', true],
    // Same double (1), different decimals: must be settled exactly.
    ['equal as doubles, bid below ask', '1.00000000000000001', '1.00000000000000002', false],
    ['equal as doubles, bid above ask', '1.00000000000000002', '1.00000000000000001', true],
  ])('%s', (_name, bid, ask, crossed) => {
    expect(bookOf([[bid, '1']], [[ask, '1']]).isCrossed()).toBe(crossed);
  });

  it('a one-sided book is not crossed', () => {
    expect(bookOf([['100', '1']], []).isCrossed()).toBe(false);
  });
});

describe('OrderBook: many levels', () => {
  it('keeps thousands of levels in order through inserts and removals in random order', () => {
    // Deterministic shuffle (LCG) of 5 000 distinct prices.
    const prices = Array.from({ length: 5000 }, (_, i) => 10_000 + i);
    let seed = 42;
    for (let i = prices.length - 1; i > 0; i--) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const j = seed % (i + 1);
      [prices[i], prices[j]] = [prices[j] as number, prices[i] as number];
    }
    const b = new OrderBook();
    for (const p of prices) b.setLevel('bid', `${p}.00`, '1');
    expect(b.levelCount('bid')).toBe(5000);
    for (const p of prices) if (p % 2 === 0) b.setLevel('bid', String(p), '0');
    const got = b.levels('bid').map((l) => l.price.toNumber());
    const want = prices.filter((p) => p % 2 === 1).sort((x, y) => y - x);
    expect(got).toEqual(want);
    expect(b.bestBid()?.price.toNumber()).toBe(14_999);
  });
});

// ---- property: applying diffs = rebuilding from scratch ----

/** A price on a 0.01 grid, spelled with random trailing / leading zeros as a venue might. */
const priceArb = fc
  .record({ tick: fc.integer({ min: 1, max: 80 }), pad: fc.integer({ min: 0, max: 3 }), lead: fc.boolean() })
  .map(({ tick, pad, lead }) => `${lead ? '0' : ''}${Math.floor(tick / 100) + 90}.${String(tick % 100).padStart(2, '0')}${'0'.repeat(pad)}`);
const sizeArb = fc.oneof(
  fc.constantFrom('0', '0.00000000', '0.000'),
  fc.record({ n: fc.integer({ min: 1, max: 99_999 }), pad: fc.integer({ min: 0, max: 4 }) }).map(({ n, pad }) => `${Math.floor(n / 1000)}.${String(n % 1000).padStart(3, '0')}${'0'.repeat(pad)}`),
);
const levelsArb = fc.array(fc.tuple(priceArb, sizeArb), { maxLength: 25 });
const updateArb = fc.record({ bids: levelsArb, asks: levelsArb });

type Model = Map<string, string>;
const key = (p: string): string => new Decimal(p).toFixed();

function modelApply(m: Model, levels: readonly RawLevel[]): void {
  for (const [p, s] of levels) {
    if (new Decimal(s).isZero()) m.delete(key(p));
    else m.set(key(p), new Decimal(s).toFixed());
  }
}

function modelLevels(m: Model, side: BookSide): [string, string][] {
  const dir = side === 'bid' ? -1 : 1;
  return [...m.entries()].sort(([a], [b]) => dir * new Decimal(a).comparedTo(new Decimal(b)));
}

describe('OrderBook property: snapshot + diffs equals a brute-force model', () => {
  it('levels, counts, best prices and crossing agree with a Map rebuilt from scratch', () => {
    fc.assert(
      fc.property(updateArb, fc.array(updateArb, { maxLength: 30 }), (snap, diffs) => {
        const book = new OrderBook();
        book.applySnapshot(snap.bids, snap.asks);
        const bids: Model = new Map();
        const asks: Model = new Map();
        modelApply(bids, snap.bids);
        modelApply(asks, snap.asks);
        for (const d of diffs) {
          book.applyDiff(d.bids, d.asks);
          modelApply(bids, d.bids);
          modelApply(asks, d.asks);
        }
        const wantBids = modelLevels(bids, 'bid');
        const wantAsks = modelLevels(asks, 'ask');
        expect(plain(book.levels('bid'))).toEqual(wantBids);
        expect(plain(book.levels('ask'))).toEqual(wantAsks);
        expect(book.levelCount('bid')).toBe(wantBids.length);
        expect(book.bestRaw('bid')?.price).toBe(wantBids[0]?.[0]);
        expect(book.bestRaw('ask')?.size).toBe(wantAsks[0]?.[1]);
        const bb = wantBids[0];
        const ba = wantAsks[0];
        expect(book.isCrossed()).toBe(bb !== undefined && ba !== undefined && new Decimal(bb[0]).gte(ba[0]));
        // The same state as a snapshot taken at the end ("applying diffs = final snapshot").
        const fresh = bookOf(wantBids, wantAsks);
        expect(plain(book.levels('bid'))).toEqual(plain(fresh.levels('bid')));
        expect(plain(book.levels('ask'))).toEqual(plain(fresh.levels('ask')));
      }),
      { numRuns: 300 },
    );
  });
});
