/**
 * One environment's parity figures for one bot over one window of event time. Pure.
 *
 * - orders placed: `order.created` in the window; filled orders: those of them with at least
 *   one `order.filled` (at any time in the data); fill ratio = filled / placed;
 * - slippage (bps): Σ sign·(fill price − limit price)·amount / Σ limit price·amount × 10 000
 *   over the window's fills whose order is known (the events carry no mid at the fill, so
 *   slippage is measured against the order's own price: positive = worse than the limit);
 * - reject rate: `order.rejected` in the window / orders placed in the window;
 * - realized PnL: the last snapshot's `realizedPnl` at or before the window's end minus the
 *   last one before its start (0 when the bot has none before: it starts at 0); the reference
 *   equity is the day's open of the first snapshot in the window (else its equity).
 */
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import type { BotEvents, Snapshot } from './events.ts';
import { type Interval, inside } from './window.ts';

export interface EnvFigures {
  readonly ordersPlaced: number;
  readonly ordersFilled: number;
  readonly fills: number;
  readonly rejects: number;
  readonly fillRatio: Decimal | null;
  readonly slippageBps: Decimal | null;
  readonly rejectRate: Decimal | null;
  readonly realizedPnl: Decimal | null;
  readonly referenceEquity: Decimal | null;
}

function lastAtOrBefore(snaps: readonly Snapshot[], t: number, strict: boolean): Snapshot | null {
  let out: Snapshot | null = null;
  for (const s of snaps) {
    if (strict ? s.ts < t : s.ts <= t) out = s;
    else break;
  }
  return out;
}

/** The figures of `bot` over `w`. */
export function envFigures(bot: BotEvents, w: Interval): EnvFigures {
  const placed = bot.orders.filter((o) => inside(o.ts, w));
  const filledIds = new Set(bot.fills.map((f) => f.clientOrderId));
  const ordersFilled = placed.filter((o) => filledIds.has(o.clientOrderId)).length;
  const byId = new Map(bot.orders.map((o) => [o.clientOrderId, o]));
  const fills = bot.fills.filter((f) => inside(f.ts, w));
  let slip = ZERO;
  let notional = ZERO;
  for (const f of fills) {
    const o = byId.get(f.clientOrderId);
    if (o === undefined) continue;
    const d = f.price.minus(o.price).times(f.amount);
    slip = slip.plus(f.side === 'buy' ? d : d.negated());
    notional = notional.plus(o.price.times(f.amount));
  }
  const rejects = bot.rejects.filter((r) => inside(r.ts, w)).length;
  const end = lastAtOrBefore(bot.snapshots, w.end, false);
  const before = lastAtOrBefore(bot.snapshots, w.start, true);
  const firstIn = bot.snapshots.find((s) => inside(s.ts, w)) ?? null;
  return {
    ordersPlaced: placed.length,
    ordersFilled,
    fills: fills.length,
    rejects,
    fillRatio: placed.length === 0 ? null : new Decimal(ordersFilled).dividedBy(placed.length),
    slippageBps: notional.isZero() ? null : slip.dividedBy(notional).times(10_000),
    rejectRate: placed.length === 0 ? null : new Decimal(rejects).dividedBy(placed.length),
    realizedPnl: end === null ? null : end.realizedPnl.minus(before?.realizedPnl ?? ZERO),
    referenceEquity: firstIn === null ? null : (firstIn.equityOpen ?? firstIn.equity),
  };
}
