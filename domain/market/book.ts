/**
 * L2 order book: price levels per side, applied from a snapshot and from diff updates where a
 * size of 0 removes the level (Binance semantics: sizes are absolute, not deltas).
 *
 * Representation, chosen for the book bench (every depth diff touches 10–50 levels, ~300k
 * level updates on the BTCUSDT capture): per side, a `Map` from the price to its level for
 * O(1) updates, plus a sorted typed array of prices with the *best* price last, so the best
 * bid/ask is O(1) and inserts/removes near the top move few elements (see `Side`). Sizes stay
 * exact venue strings and become `Decimal` only when read (see decimal-string.ts for why).
 *
 * The book is mutable on purpose: copying thousands of levels per update would dominate the
 * cost. It does no I/O and reads no clock; `ts` values come from the caller.
 */
import { type Decimal, type DecimalLike, ZERO, dec } from '../money/decimal.ts';
import { canonicalDecimal, decimalString, isZeroDecimalString, toDecimal } from './decimal-string.ts';
import type { BookTop, PriceLevel } from './types.ts';

/** Book side: `bid` (buyers) or `ask` (sellers). */
export type BookSide = 'bid' | 'ask';

/** A level as the venue sends it: `[price, size]` decimal strings. */
export type RawLevel = readonly [price: string, size: string];

class Level {
  private priceDec: Decimal | undefined;
  private sizeDec: Decimal | undefined;
  /** Price spellings that map to this level (see `Side.byRaw`). */
  readonly aliases: string[] = [];
  constructor(
    /** Canonical price string (exact identity of the level). */
    readonly key: string,
    readonly px: number,
    public size: string,
  ) {}

  get price(): Decimal {
    return (this.priceDec ??= toDecimal(this.key));
  }

  get sizeDecimal(): Decimal {
    return (this.sizeDec ??= toDecimal(this.size));
  }

  setSize(size: string): void {
    this.size = size;
    this.sizeDec = undefined;
  }

  snapshot(): PriceLevel {
    return { price: this.price, size: this.sizeDecimal };
  }
}

/**
 * One side. Levels live in a Map keyed by the canonical price; the order is a sorted Float64Array
 * of `dir * price` (ascending, so the best price is always last). A typed array because
 * moving its elements is a plain memmove: the first version spliced an array of level
 * objects, and GC write barriers on those moves made it 3× slower than JSON.parse.
 *
 * Exactness: round-to-nearest is monotonic, so distinct doubles order exactly like the
 * decimals they came from. Two *different* decimals that map to the same double (more than
 * 15 significant digits, no real venue price) would be indistinguishable, so that case is
 * detected and refused instead of merging the levels silently.
 */
class Side {
  /**
   * Levels by the price string exactly as received: the hot path (size updates) is one
   * lookup of the string JSON.parse just made, no canonicalising. Venues spell a price the
   * same way every time, but a second spelling still finds its level through `byKey`.
   */
  private readonly byRaw = new Map<string, Level>();
  /** Levels by canonical price. */
  private readonly byKey = new Map<string, Level>();
  /** Levels by price as a double, to go from the sorted array back to a level. */
  private readonly byPx = new Map<number, Level>();
  private keys = new Float64Array(1024);
  private n = 0;
  constructor(private readonly dir: 1 | -1) {}

  get size(): number {
    return this.n;
  }

  /** First index whose key is >= k. */
  private lowerBound(k: number): number {
    const a = this.keys;
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((a[mid] as number) < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(price: string, size: string): void {
    const existing = this.byRaw.get(price) ?? this.alias(price);
    if (isZeroDecimalString(size)) {
      if (existing !== undefined) this.remove(existing);
      return;
    }
    if (existing !== undefined) {
      existing.setSize(size);
      return;
    }
    const key = canonicalDecimal(decimalString(price, 'book price'));
    const px = Number(key);
    const clash = this.byPx.get(px);
    if (clash !== undefined) throw new RangeError(`book: prices ${clash.key} and ${key} are too close to order exactly (over 15 significant digits)`);
    const lvl = new Level(key, px, size);
    lvl.aliases.push(price);
    this.byRaw.set(price, lvl);
    this.insert(lvl);
  }

  /** A level spelled differently before ("61.50" vs "61.5"): remember this spelling too. */
  private alias(price: string): Level | undefined {
    const lvl = this.byKey.get(canonicalDecimal(price));
    if (lvl !== undefined) {
      lvl.aliases.push(price);
      this.byRaw.set(price, lvl);
    }
    return lvl;
  }

  private insert(lvl: Level): void {
    this.byKey.set(lvl.key, lvl);
    this.byPx.set(lvl.px, lvl);
    const k = this.dir * lvl.px;
    if (this.n === this.keys.length) {
      const grown = new Float64Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    // Fast path: a new best price goes at the end.
    const i = this.n === 0 || (this.keys[this.n - 1] as number) < k ? this.n : this.lowerBound(k);
    if (i < this.n) this.keys.copyWithin(i + 1, i, this.n);
    this.keys[i] = k;
    this.n++;
  }

  private remove(lvl: Level): void {
    for (const a of lvl.aliases) this.byRaw.delete(a);
    this.byKey.delete(lvl.key);
    this.byPx.delete(lvl.px);
    const k = this.dir * lvl.px;
    const i = this.keys[this.n - 1] === k ? this.n - 1 : this.lowerBound(k);
    if (i < this.n - 1) this.keys.copyWithin(i, i + 1, this.n);
    this.n--;
  }

  clear(): void {
    this.byRaw.clear();
    this.byKey.clear();
    this.byPx.clear();
    this.n = 0;
  }

  /** The level at sorted index `i` (0 = worst, n-1 = best). */
  private at(i: number): Level {
    return this.byPx.get(this.dir * (this.keys[i] as number)) as Level;
  }

  best(): Level | undefined {
    return this.n === 0 ? undefined : this.at(this.n - 1);
  }

  get(key: string): Level | undefined {
    return this.byKey.get(key);
  }

  /** Up to `count` levels, best first. */
  top(count: number): PriceLevel[] {
    const out: PriceLevel[] = [];
    for (let i = this.n - 1; i >= 0 && out.length < count; i--) out.push(this.at(i).snapshot());
    return out;
  }

  /** Levels, best first. */
  *walk(): Generator<Level> {
    for (let i = this.n - 1; i >= 0; i--) yield this.at(i);
  }
}

function priceKey(price: DecimalLike): string {
  return typeof price === 'string' ? canonicalDecimal(decimalString(price, 'price')) : dec(price, 'price').toFixed();
}

/** A mutable L2 book. */
export class OrderBook {
  private readonly bidSide = new Side(1);
  private readonly askSide = new Side(-1);

  private side(side: BookSide): Side {
    return side === 'bid' ? this.bidSide : this.askSide;
  }

  /** Replaces the whole book with a snapshot (zero-size levels in it are ignored). */
  applySnapshot(bids: readonly RawLevel[], asks: readonly RawLevel[]): void {
    this.bidSide.clear();
    this.askSide.clear();
    this.applyDiff(bids, asks);
  }

  /** Applies absolute level sizes; size 0 removes the level. */
  applyDiff(bids: readonly RawLevel[], asks: readonly RawLevel[]): void {
    for (const [p, s] of bids) this.bidSide.set(p, s);
    for (const [p, s] of asks) this.askSide.set(p, s);
  }

  /** Sets one level (size 0 removes it). */
  setLevel(side: BookSide, price: string, size: string): void {
    this.side(side).set(price, size);
  }

  clear(): void {
    this.bidSide.clear();
    this.askSide.clear();
  }

  bestBid(): PriceLevel | undefined {
    return this.bidSide.best()?.snapshot();
  }

  bestAsk(): PriceLevel | undefined {
    return this.askSide.best()?.snapshot();
  }

  /** Best level of a side as exact canonical strings (cheap: no Decimal is built). */
  bestRaw(side: BookSide): { readonly price: string; readonly size: string } | undefined {
    const lvl = this.side(side).best();
    return lvl === undefined ? undefined : { price: lvl.key, size: canonicalDecimal(lvl.size) };
  }

  /** Number of levels on a side. */
  levelCount(side: BookSide): number {
    return this.side(side).size;
  }

  /** The top `n` levels of each side, or null while either side is empty. */
  top(n: number, ts: number): BookTop | null {
    const bid = this.bidSide.best();
    const ask = this.askSide.best();
    if (bid === undefined || ask === undefined) return null;
    return { ts, bid: bid.price, ask: ask.price, bids: this.bidSide.top(n), asks: this.askSide.top(n) };
  }

  /** All levels of a side, best first. */
  levels(side: BookSide): PriceLevel[] {
    const s = this.side(side);
    return s.top(s.size);
  }

  /** Whether the best bid is at or above the best ask (impossible on a healthy venue book). */
  isCrossed(): boolean {
    const bid = this.bidSide.best();
    const ask = this.askSide.best();
    if (bid === undefined || ask === undefined) return false;
    // Equal doubles may still be different decimals: settle that rare case exactly.
    return bid.px > ask.px || (bid.px === ask.px && bid.price.gte(ask.price));
  }

  /** Size resting at exactly `price` on `side` (0 when there is no level). */
  sizeAt(side: BookSide, price: DecimalLike): Decimal {
    return this.side(side).get(priceKey(price))?.sizeDecimal ?? ZERO;
  }

  /** Total size at prices at least as good as `limit` (bids ≥ limit, asks ≤ limit). */
  depthTo(side: BookSide, limit: DecimalLike): Decimal {
    const lim = dec(limit, 'limit');
    let total = ZERO;
    for (const lvl of this.side(side).walk()) {
      const within = side === 'bid' ? lvl.price.gte(lim) : lvl.price.lte(lim);
      if (!within) break;
      total = total.plus(lvl.sizeDecimal);
    }
    return total;
  }
}
