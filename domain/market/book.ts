/**
 * L2 order book: price levels per side, applied from a snapshot and from diff updates where a
 * size of 0 removes the level (Binance semantics: sizes are absolute, not deltas).
 *
 * Representation, chosen for the book bench (every depth diff touches 10–50 levels, ~300k
 * level updates on the BTCUSDT capture, 40% of them new levels and 48% removals): per side, a
 * hash table from the price *as a double* to its level for O(1) updates (price-table.ts), plus
 * the prices in order in chunked typed arrays with the *best* price last (sorted-keys.ts), so
 * the best bid/ask is O(1) and an insert or removal moves at most one chunk (see `Side`). Sizes stay exact venue strings and become `Decimal` only
 * when read (see decimal-string.ts for why).
 *
 * The book is mutable on purpose: copying thousands of levels per update would dominate the
 * cost. It does no I/O and reads no clock; `ts` values come from the caller.
 */
import { type Decimal, type DecimalLike, ZERO, dec } from '../money/decimal.ts';
import { DecimalScan, scanPlainDecimal } from './decimal-scan.ts';
import { canonicalDecimal, isZeroDecimalString, toDecimal } from './decimal-string.ts';
import { PriceTable } from './price-table.ts';
import { SortedKeys } from './sorted-keys.ts';
import type { BookTop, PriceLevel } from './types.ts';

/** Book side: `bid` (buyers) or `ask` (sellers). */
export type BookSide = 'bid' | 'ask';

/** A level as the venue sends it: `[price, size]` decimal strings. */
export type RawLevel = readonly [price: string, size: string];

class Level {
  private keyStr: string | undefined;
  private priceDec: Decimal | undefined;
  private sizeDec: Decimal | undefined;
  constructor(
    /** The price as first received (validated; any spelling of the same number). */
    private readonly raw: string,
    readonly px: number,
    /** Whether the price is outside the exact-double guarantee (see decimal-scan.ts). */
    readonly wide: boolean,
    public size: string,
  ) {}

  /** Canonical price string (exact identity of the level), built on first use. */
  get key(): string {
    return (this.keyStr ??= canonicalDecimal(this.raw));
  }

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

/** Scratch result of the price scans (the book is synchronous, one scan at a time). */
const SCAN = new DecimalScan();

function invalidPrice(what: string, s: unknown): RangeError {
  return new RangeError(`${what}: expected a plain non-negative decimal, got ${JSON.stringify(s)}`);
}

/**
 * One side. Levels live in a hash table keyed by the price as a double; the order is kept as
 * `dir * price` keys in a `SortedKeys` (ascending, so the best price is always last). Typed
 * arrays because moving their elements involves no GC write barrier: the first version spliced
 * an array of level objects, and the barriers on those moves made it 3× slower than JSON.parse.
 *
 * Keying by the double: the price string is validated and converted in one character scan
 * (decimal-scan.ts), so an update costs one scan and one table lookup, whatever its spelling
 * ("61.50" and "61.5" are one level) — no canonical string, no regular expression. Exactness:
 * decimals of at most 15 significant digits (every real venue price) map to distinct doubles,
 * and round-to-nearest is monotonic, so the doubles identify and order them exactly. A price
 * outside that guarantee (`wide`) is compared by its canonical string when its double is
 * taken: two *different* decimals that map to the same double cannot be ordered, so that case
 * is refused instead of merging the levels silently.
 */
class Side {
  /** Levels by price as a double. */
  private readonly byPx = new PriceTable<Level>();
  /** `dir · price` of every level, ascending: the best price is the largest key. */
  private readonly keys = new SortedKeys();
  /** Levels whose price is wide (outside the exact-double guarantee): lookups check the decimal while any exist. */
  private wideCount = 0;
  constructor(private readonly dir: 1 | -1) {}

  get size(): number {
    return this.keys.size;
  }

  set(price: string, size: string): void {
    if (!scanPlainDecimal(price, SCAN)) throw invalidPrice('book price', price);
    const px = SCAN.value;
    const zero = isZeroDecimalString(size);
    if (SCAN.wide || this.wideCount > 0) {
      this.setChecked(price, px, SCAN.wide, size, zero);
      return;
    }
    // Every price involved has ≤ 15 significant digits: equal doubles are equal decimals.
    if (zero) {
      if (this.byPx.delete(px)) this.removeKey(px);
      return;
    }
    const existing = this.byPx.get(px);
    if (existing !== undefined) existing.setSize(size);
    else this.add(price, px, false, size);
  }

  /** `set` when a wide price is involved: a shared double must also be the same decimal. */
  private setChecked(price: string, px: number, wide: boolean, size: string, zero: boolean): void {
    const existing = this.byPx.get(px);
    if (existing !== undefined && (wide || existing.wide) && existing.key !== canonicalDecimal(price)) {
      // Another decimal holds this double: removing this one is a no-op (it has no level).
      if (zero) return;
      throw new RangeError(`book: prices ${existing.key} and ${canonicalDecimal(price)} are too close to order exactly (over 15 significant digits)`);
    }
    if (zero) {
      if (existing === undefined) return;
      this.byPx.delete(px);
      this.removeKey(px);
      if (existing.wide) this.wideCount--;
      return;
    }
    if (existing !== undefined) existing.setSize(size);
    else this.add(price, px, wide, size);
  }

  private add(price: string, px: number, wide: boolean, size: string): void {
    this.byPx.set(px, new Level(price, px, wide, size));
    if (wide) this.wideCount++;
    this.keys.insert(this.dir * px);
  }

  /** Removes a price known to be in the sorted keys. */
  private removeKey(px: number): void {
    this.keys.remove(this.dir * px);
  }

  clear(): void {
    this.byPx.clear();
    this.wideCount = 0;
    this.keys.clear();
  }

  /** The level whose sorted key is `k`. */
  private at(k: number): Level {
    return this.byPx.get(this.dir * k) as Level;
  }

  best(): Level | undefined {
    const k = this.keys.last();
    return k === undefined ? undefined : this.at(k);
  }

  /** The level of a validated price string, or undefined; a string that is not a plain decimal has none. */
  get(price: string): Level | undefined {
    if (!scanPlainDecimal(price, SCAN)) return undefined;
    const lvl = this.byPx.get(SCAN.value);
    if (lvl === undefined || !(SCAN.wide || lvl.wide)) return lvl;
    return lvl.key === canonicalDecimal(price) ? lvl : undefined;
  }

  /** Up to `count` levels, best first. */
  top(count: number): PriceLevel[] {
    return this.keys.topKeys(count).map((k) => this.at(k).snapshot());
  }

  /** Levels, best first. */
  *walk(): Generator<Level> {
    for (const k of this.keys.descending()) yield this.at(k);
  }
}

/** The price to look up: a string must be a plain decimal (RangeError otherwise); a Decimal or number is written out plainly. */
function priceKey(price: DecimalLike): string {
  if (typeof price !== 'string') return dec(price, 'price').toFixed();
  if (!scanPlainDecimal(price, SCAN)) throw invalidPrice('price', price);
  return price;
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
