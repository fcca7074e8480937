/**
 * A hash table from a price (a double) to a value, for the book's per-level lookups.
 * Internal to `market/` (not re-exported).
 *
 * Why not a `Map<number, V>`: on the BTCUSDT capture the book looks a price up ~300k times a
 * pass while levels come and go (40% of updates insert, 48% remove), and `Map.get` with a
 * non-integer number key was the single largest cost of the book (boxing the key, hashing a
 * heap number, walking chains that keep deleted entries until the next rehash). This is open
 * addressing with linear probing over a typed array of keys and backward-shift deletion, so it
 * allocates nothing per operation and never accumulates tombstones.
 *
 * Keys are compared with `===` (so 0 and −0 are one key); NaN is not a valid key.
 */

/** Scratch views to read a double's bits for hashing. */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

function hashOf(k: number): number {
  F64[0] = k + 0; // −0 → 0: equal keys must hash alike
  let h = Math.imul((U32[0] as number) ^ Math.imul(U32[1] as number, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export class PriceTable<V> {
  private keys: Float64Array;
  private vals: (V | undefined)[];
  private used: Uint8Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.keys = new Float64Array(cap);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  get(k: number): V | undefined {
    const { keys, used, mask } = this;
    for (let i = hashOf(k) & mask; used[i] === 1; i = (i + 1) & mask) if (keys[i] === k) return this.vals[i];
    return undefined;
  }

  /** Sets `k` to `v` (replacing any value it had). */
  set(k: number, v: V): void {
    const { keys, used, mask } = this;
    let i = hashOf(k) & mask;
    for (; used[i] === 1; i = (i + 1) & mask) {
      if (keys[i] === k) {
        this.vals[i] = v;
        return;
      }
    }
    keys[i] = k;
    used[i] = 1;
    this.vals[i] = v;
    this.count++;
    // Load factor ≤ 1/2 keeps probe runs short.
    if (this.count * 2 > this.mask + 1) this.grow();
  }

  /** Removes `k`; returns whether it was there. */
  delete(k: number): boolean {
    const { keys, used, vals, mask } = this;
    let i = hashOf(k) & mask;
    for (; ; i = (i + 1) & mask) {
      if (used[i] !== 1) return false;
      if (keys[i] === k) break;
    }
    // Backward-shift deletion: move later entries of the run into the hole when their home
    // slot does not lie (cyclically) between the hole and their current slot.
    let hole = i;
    for (let j = (i + 1) & mask; used[j] === 1; j = (j + 1) & mask) {
      const home = hashOf(keys[j] as number) & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      keys[hole] = keys[j] as number;
      vals[hole] = vals[j];
      hole = j;
    }
    used[hole] = 0;
    vals[hole] = undefined;
    this.count--;
    return true;
  }

  clear(): void {
    this.used.fill(0);
    this.vals.fill(undefined);
    this.count = 0;
  }

  private grow(): void {
    const { keys, vals, used } = this;
    const cap = keys.length * 2;
    this.keys = new Float64Array(cap);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (used[i] === 1) this.set(keys[i] as number, vals[i] as V);
  }
}
