/**
 * Order management (strategy-epp §9): desired orders are diffed against the bot's live orders.
 * - An unacknowledged order older than `order_ack_timeout_s` is cancelled (and warned about).
 * - An order is kept when its level is still desired, its price is within
 *   `price_tolerance_ticks` of the desired price and it is younger than the regime's `refresh_s`;
 *   otherwise it is cancelled (`reprice`, `stale`, `duplicate`, or the caller's reason for a level
 *   that is no longer desired) and replaced.
 * - Cancel-before-place: no new order on a level that still has an order cancelling (including
 *   one cancelled in this very diff) — the replacement goes out once the cancel is confirmed.
 * - At most `max_active_orders` live orders, counting the ones still cancelling.
 */
import type { InstrumentRules, Side } from '../../instrument/rules.ts';
import { approxNumber } from '../../money/approx.ts';
import { type Decimal, cmp } from '../../money/decimal.ts';
import type { CancelReason } from './decisions.ts';
import type { DesiredOrder } from './levels.ts';
import type { OpenOrder } from './types.ts';

/** A desired order with its keep band `[price − tolerance, price + tolerance]` precomputed. */
export interface DesiredWithBand extends DesiredOrder {
  readonly keepLo: Decimal;
  readonly keepHi: Decimal;
}

/** Adds the keep band to each desired order (done once per ladder, not per tick and order). */
export function withKeepBand(desired: readonly DesiredOrder[], tolerance: Decimal): DesiredWithBand[] {
  // Fields written out: a spread that adds properties takes V8's slow path (~2 µs per object).
  return desired.map((d) => ({ levelId: d.levelId, side: d.side, index: d.index, price: d.price, amount: d.amount, keepLo: d.price.minus(tolerance), keepHi: d.price.plus(tolerance) }));
}

/**
 * A desired order whose keep band is computed only if read. The diff's keep test asks whether
 * a live price is within `tolerance` of the desired one; that is decided on double estimates
 * when clearly so (`within`), and the exact band (`price ± tolerance`, as `withKeepBand`
 * computes it) is built only for a price too close to an edge to call. The step builds a new
 * ladder whenever the touch moves, and the band was two Decimal operations per level.
 */
class LazyBand implements DesiredWithBand {
  private lo: Decimal | undefined;
  private hi: Decimal | undefined;
  constructor(
    readonly levelId: string,
    readonly side: Side,
    readonly index: number,
    readonly price: Decimal,
    readonly amount: Decimal,
    private readonly tolerance: Decimal,
    private readonly tol: number,
  ) {}

  get keepLo(): Decimal {
    return (this.lo ??= this.price.minus(this.tolerance));
  }

  get keepHi(): Decimal {
    return (this.hi ??= this.price.plus(this.tolerance));
  }

  /**
   * Whether `live` is within the band (|live − price| ≤ tolerance, exactly what the band tests),
   * when the estimates are certain; undefined otherwise. Each estimate is within 8 ulps, so
   * the estimated distance is off by at most ~9u·(|live| + |price|) and the tolerance by 8u·tol;
   * a margin of 32u·(|live| + |price| + tol) covers both.
   */
  within(live: Decimal): boolean | undefined {
    const a = approxNumber(live);
    const b = approxNumber(this.price);
    const t = this.tol;
    if (!(Number.isFinite(a) && Number.isFinite(b) && t >= 0)) return undefined;
    const dist = a > b ? a - b : b - a;
    const err = 32 * ULP * ((a < 0 ? -a : a) + (b < 0 ? -b : b) + t);
    if (dist < t - err) return true;
    if (dist > t + err) return false;
    return undefined;
  }
}

/** 2^−53: the relative rounding error of one double operation. */
const ULP = 2 ** -53;

/**
 * {@link withKeepBand} with the bands built lazily (see `LazyBand`): the same orders and, when
 * read, the same bands. For the step's own ladders.
 */
export function withLazyKeepBand(desired: readonly DesiredOrder[], tolerance: Decimal): DesiredWithBand[] {
  const tol = approxNumber(tolerance);
  return desired.map((d) => new LazyBand(d.levelId, d.side, d.index, d.price, d.amount, tolerance, tol));
}

export interface DiffParams {
  readonly now: number;
  readonly desired: readonly DesiredWithBand[];
  readonly live: readonly OpenOrder[];
  /** Ids the controller already asked to cancel (treated as cancelling even if not flagged yet). */
  readonly cancelRequested: ReadonlySet<string>;
  /** The regime's refresh_s in ms. */
  readonly refreshMs: number;
  readonly ackTimeoutMs: number;
  readonly maxActiveOrders: number;
  /** Why an order whose level is not desired is cancelled (e.g. `soft_pause`, `side_removed`). */
  readonly undesiredReason: (side: Side) => CancelReason;
}

export interface DiffCancel {
  readonly order: OpenOrder;
  readonly reason: CancelReason;
}

export interface DiffResult {
  readonly cancels: readonly DiffCancel[];
  readonly places: readonly DesiredOrder[];
}

/** `price_tolerance_ticks · tickSize`. */
export function priceTolerance(ticks: number, rules: InstrumentRules): Decimal {
  return rules.tickSize.times(ticks);
}

function keepable(o: OpenOrder, d: DesiredWithBand, p: DiffParams): CancelReason | null {
  if (o.side !== d.side) return 'reprice';
  if (p.now - o.placedAt >= p.refreshMs) return 'stale';
  const within = d instanceof LazyBand ? d.within(o.price) : undefined;
  return (within ?? (cmp(o.price, d.keepLo) >= 0 && cmp(o.price, d.keepHi) <= 0)) ? null : 'reprice';
}

/**
 * The desired orders by level id: `ids` numbers the distinct ids (slots), `last` is the desired
 * order a Map filled in order would keep for each (the last one), `slotOf` the slot of each
 * position. Only desired ids matter to the kept/busy bookkeeping (the places loop asks about
 * desired levels alone), so per-tick flags indexed by slot replace the two Sets of ids.
 */
class LadderIndex {
  readonly ids: string[] = [];
  readonly last: DesiredWithBand[] = [];
  readonly slotOf: number[] = [];
  /** For long ladders only: id → slot. A bot's handful of levels is scanned (no hashing). */
  private readonly byId: Map<string, number> | null;

  constructor(readonly items: readonly DesiredWithBand[]) {
    this.byId = items.length > 16 ? new Map() : null;
    for (const d of items) {
      let slot = this.slot(d.levelId);
      if (slot < 0) {
        slot = this.ids.length;
        this.ids.push(d.levelId);
        this.byId?.set(d.levelId, slot);
      }
      this.last[slot] = d;
      this.slotOf.push(slot);
    }
  }

  /** The slot of a level id, or −1 when no desired order has it. */
  slot(levelId: string): number {
    if (this.byId !== null) return this.byId.get(levelId) ?? -1;
    const ids = this.ids;
    for (let j = 0; j < ids.length; j++) if (ids[j] === levelId) return j;
    return -1;
  }

  /** Whether this index was built for exactly these elements. */
  matches(desired: readonly DesiredWithBand[]): boolean {
    if (this.items.length !== desired.length) return false;
    for (let i = 0; i < desired.length; i++) if (this.items[i] !== desired[i]) return false;
    return true;
  }
}

/**
 * The last ladder's index: the step diffs the same memoized ladder on every tick until the
 * quote moves, so one entry is enough. Checked element by element (a caller may refill an
 * array), so a stale index is never used.
 */
let lastIndex: LadderIndex | null = null;

function ladderIndex(desired: readonly DesiredWithBand[]): LadderIndex {
  if (lastIndex !== null && lastIndex.matches(desired)) return lastIndex;
  lastIndex = new LadderIndex(desired.slice());
  return lastIndex;
}

const KEPT = 1;
const BUSY = 2;

/**
 * Flags of the diff in progress, reused (zeroed first) while they fit: the diff runs on every
 * tick. A nested diff (from an `undesiredReason` callback) gets its own array.
 */
const SCRATCH = new Uint8Array(64);
let scratchInUse = false;

function flagsFor(n: number): Uint8Array {
  if (scratchInUse || n > SCRATCH.length) return new Uint8Array(n);
  scratchInUse = true;
  SCRATCH.fill(0, 0, n);
  return SCRATCH;
}

/** Diffs desired against live orders. Pure; cancels come first, then places in priority order. */
export function diffOrders(p: DiffParams): DiffResult {
  const ix = ladderIndex(p.desired);
  const flags = flagsFor(ix.ids.length);
  try {
    return diffWith(p, ix, flags);
  } finally {
    if (flags === SCRATCH) scratchInUse = false;
  }
}

function diffWith(p: DiffParams, ix: LadderIndex, flags: Uint8Array): DiffResult {
  const cancels: DiffCancel[] = [];
  const active: OpenOrder[] = [];
  for (const o of p.live) {
    if (o.cancelling || p.cancelRequested.has(o.clientOrderId)) markBusy(ix, flags, o.levelId);
    else if (!o.acked && p.now - o.placedAt >= p.ackTimeoutMs) cancels.push({ order: o, reason: 'ack_timeout' });
    else active.push(o);
  }
  for (const c of cancels) markBusy(ix, flags, c.order.levelId);
  for (const o of active) {
    const slot = ix.slot(o.levelId);
    const d = slot < 0 ? undefined : ix.last[slot];
    const reason = d === undefined ? p.undesiredReason(o.side) : (flags[slot] as number) & KEPT ? 'duplicate' : keepable(o, d, p);
    if (reason === null) flags[slot] = (flags[slot] as number) | KEPT;
    else {
      cancels.push({ order: o, reason });
      markBusy(ix, flags, o.levelId);
    }
  }
  const places: DesiredOrder[] = [];
  let slots = p.maxActiveOrders - p.live.length;
  for (let i = 0; i < p.desired.length; i++) {
    if (slots <= 0) break;
    if ((flags[ix.slotOf[i] as number] as number) !== 0) continue;
    places.push(p.desired[i] as DesiredWithBand);
    slots -= 1;
  }
  return { cancels, places };
}

function markBusy(ix: LadderIndex, flags: Uint8Array, levelId: string): void {
  const slot = ix.slot(levelId);
  if (slot >= 0) flags[slot] = (flags[slot] as number) | BUSY;
}
