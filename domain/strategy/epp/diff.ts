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
import type { Decimal } from '../../money/decimal.ts';
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
  return desired.map((d) => ({ ...d, keepLo: d.price.minus(tolerance), keepHi: d.price.plus(tolerance) }));
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
  return o.price.gte(d.keepLo) && o.price.lte(d.keepHi) ? null : 'reprice';
}

/** Diffs desired against live orders. Pure; cancels come first, then places in priority order. */
export function diffOrders(p: DiffParams): DiffResult {
  const cancels: DiffCancel[] = [];
  const busyLevels = new Set<string>();
  const active: OpenOrder[] = [];
  for (const o of p.live) {
    if (o.cancelling || p.cancelRequested.has(o.clientOrderId)) busyLevels.add(o.levelId);
    else if (!o.acked && p.now - o.placedAt >= p.ackTimeoutMs) cancels.push({ order: o, reason: 'ack_timeout' });
    else active.push(o);
  }
  for (const c of cancels) busyLevels.add(c.order.levelId);
  const desiredById = new Map<string, DesiredWithBand>();
  for (const d of p.desired) desiredById.set(d.levelId, d);
  const kept = new Set<string>();
  for (const o of active) {
    const d = desiredById.get(o.levelId);
    const reason = d === undefined ? p.undesiredReason(o.side) : kept.has(o.levelId) ? 'duplicate' : keepable(o, d, p);
    if (reason === null) kept.add(o.levelId);
    else {
      cancels.push({ order: o, reason });
      busyLevels.add(o.levelId);
    }
  }
  const places: DesiredOrder[] = [];
  let slots = p.maxActiveOrders - p.live.length;
  for (const d of p.desired) {
    if (slots <= 0) break;
    if (kept.has(d.levelId) || busyLevels.has(d.levelId)) continue;
    places.push(d);
    slots -= 1;
  }
  return { cancels, places };
}
