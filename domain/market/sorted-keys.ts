/**
 * A sorted set of doubles (ascending, no duplicates), for the book's price order.
 * Internal to `market/` (not re-exported).
 *
 * Why chunks: a single sorted array makes an insert or removal move every key above it; on the
 * BTCUSDT capture that averaged ~230 keys per update (levels come and go deep in the book), and
 * the moves were a fifth of the book's cost. Here the keys live in chunks of at most `CAP`
 * (a two-level B-tree without the tree): an update finds its chunk by a binary search over the
 * chunks' last keys and moves at most `CAP` keys inside one small typed array.
 */

const CAP = 16;

export class SortedKeys {
  /** Chunks in ascending order; each holds `counts[c]` ascending keys. */
  private chunks: Float64Array[] = [];
  private counts: number[] = [];
  /** Last (largest) key of each chunk. */
  private lasts: number[] = [];
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The largest key (undefined when empty). */
  last(): number | undefined {
    const c = this.chunks.length - 1;
    return c < 0 ? undefined : this.lasts[c];
  }

  clear(): void {
    this.chunks = [];
    this.counts = [];
    this.lasts = [];
    this.n = 0;
  }

  /** Index of the first chunk whose last key is ≥ k (the chunk count when none is). */
  private chunkFor(k: number): number {
    const lasts = this.lasts;
    // Most updates are near the top of the book: try the last chunk first.
    const top = lasts.length - 1;
    if (top < 0 || k > (lasts[top] as number)) return lasts.length;
    if (top === 0 || k > (lasts[top - 1] as number)) return top;
    let lo = 0;
    let hi = top - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((lasts[mid] as number) < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts k (the caller guarantees it is absent). */
  insert(k: number): void {
    if (this.chunks.length === 0) {
      this.chunks.push(new Float64Array(CAP));
      this.counts.push(0);
      this.lasts.push(k);
    }
    let c = this.chunkFor(k);
    if (c === this.chunks.length) c--; // above every key: append to the last chunk
    if ((this.counts[c] as number) === CAP) {
      this.split(c);
      if (k > (this.lasts[c] as number)) c++;
    }
    const a = this.chunks[c] as Float64Array;
    const cnt = this.counts[c] as number;
    let i = cnt;
    while (i > 0 && (a[i - 1] as number) > k) {
      a[i] = a[i - 1] as number;
      i--;
    }
    a[i] = k;
    this.counts[c] = cnt + 1;
    if (i === cnt) this.lasts[c] = k;
    this.n++;
  }

  /** Removes k (the caller guarantees it is present). */
  remove(k: number): void {
    const c = this.chunkFor(k);
    const a = this.chunks[c] as Float64Array;
    const cnt = this.counts[c] as number;
    let lo = 0;
    let hi = cnt - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((a[mid] as number) < k) lo = mid + 1;
      else hi = mid;
    }
    const i = lo;
    for (let j = i; j < cnt - 1; j++) a[j] = a[j + 1] as number;
    this.counts[c] = cnt - 1;
    this.n--;
    if (cnt === 1) {
      this.chunks.splice(c, 1);
      this.counts.splice(c, 1);
      this.lasts.splice(c, 1);
    } else if (i === cnt - 1) {
      this.lasts[c] = a[cnt - 2] as number;
    }
    // Many removals can leave many near-empty chunks: repack when they outnumber full ones 2:1.
    if (this.chunks.length > 8 && this.chunks.length * CAP > 4 * this.n + 4 * CAP) this.repack();
  }

  /** Up to `count` keys, largest first. */
  topKeys(count: number): number[] {
    const out: number[] = [];
    for (let c = this.chunks.length - 1; c >= 0 && out.length < count; c--) {
      const a = this.chunks[c] as Float64Array;
      for (let i = (this.counts[c] as number) - 1; i >= 0 && out.length < count; i--) out.push(a[i] as number);
    }
    return out;
  }

  /** Keys, largest first, lazily (a walk that stops early reads only what it needs). */
  *descending(): Generator<number> {
    for (let c = this.chunks.length - 1; c >= 0; c--) {
      const a = this.chunks[c] as Float64Array;
      for (let i = (this.counts[c] as number) - 1; i >= 0; i--) yield a[i] as number;
    }
  }

  private split(c: number): void {
    const a = this.chunks[c] as Float64Array;
    const half = CAP >>> 1;
    const b = new Float64Array(CAP);
    b.set(a.subarray(half, CAP));
    this.chunks.splice(c + 1, 0, b);
    this.counts.splice(c + 1, 0, CAP - half);
    this.lasts.splice(c + 1, 0, this.lasts[c] as number);
    this.counts[c] = half;
    this.lasts[c] = a[half - 1] as number;
  }

  private repack(): void {
    const keys = this.topKeys(this.n).reverse();
    this.clear();
    for (let i = 0; i < keys.length; i += CAP >>> 1) {
      const chunk = new Float64Array(CAP);
      const part = keys.slice(i, i + (CAP >>> 1));
      chunk.set(part);
      this.chunks.push(chunk);
      this.counts.push(part.length);
      this.lasts.push(part[part.length - 1] as number);
    }
    this.n = keys.length;
  }
}
