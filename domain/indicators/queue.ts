/**
 * A persistent FIFO queue (Okasaki's "banker's" two-list queue) built from immutable cons lists.
 *
 * `front` holds the oldest items in order, `back` the newest items in reverse order. `push` conses
 * onto `back` (O(1)); `pop` takes from `front`, and when `front` runs out it reverses `back` into
 * it once. Each item is consed once onto `back` and moved once by a reversal, so a linear sequence
 * of operations costs O(1) amortized per item. Nothing is ever mutated, so every older queue value
 * stays valid and shares structure with the newer ones. (Amortization assumes single-threaded use:
 * popping the same old queue repeatedly could redo a reversal. It stays correct, just not O(1).)
 */

/** An immutable cons list: null is the empty list. */
export type ConsList<T> = { readonly head: T; readonly tail: ConsList<T> } | null;

/** A persistent FIFO queue. */
export interface PQueue<T> {
  readonly front: ConsList<T>;
  readonly back: ConsList<T>;
  readonly size: number;
}

const EMPTY: PQueue<never> = { front: null, back: null, size: 0 };

/** The empty queue. */
export function queueEmpty<T>(): PQueue<T> {
  return EMPTY;
}

function reverse<T>(list: ConsList<T>): ConsList<T> {
  let out: ConsList<T> = null;
  for (let l = list; l !== null; l = l.tail) out = { head: l.head, tail: out };
  return out;
}

/** Normal form: `front` is empty only when the whole queue is, so `peek` is O(1). */
function check<T>(front: ConsList<T>, back: ConsList<T>, size: number): PQueue<T> {
  return front === null ? { front: reverse(back), back: null, size } : { front, back, size };
}

/** Appends `item` at the back. */
export function queuePush<T>(q: PQueue<T>, item: T): PQueue<T> {
  return check(q.front, { head: item, tail: q.back }, q.size + 1);
}

/** The oldest item, or undefined for the empty queue. */
export function queuePeek<T>(q: PQueue<T>): T | undefined {
  return q.front === null ? undefined : q.front.head;
}

/** The queue without its oldest item (the empty queue stays empty). */
export function queuePop<T>(q: PQueue<T>): PQueue<T> {
  if (q.front === null) return q;
  return check(q.front.tail, q.back, q.size - 1);
}

/** Items oldest first (O(n); for tests and debugging). */
export function queueToArray<T>(q: PQueue<T>): T[] {
  const out: T[] = [];
  for (let l = q.front; l !== null; l = l.tail) out.push(l.head);
  const back: T[] = [];
  for (let l = q.back; l !== null; l = l.tail) back.push(l.head);
  return out.concat(back.reverse());
}
