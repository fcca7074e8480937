/**
 * The paper engine's stats (strategy-epp §12) and the post-fill drift measure behind
 * `paper_adverse_pnl_quote`.
 */
import type { Side } from '../instrument/rules.ts';
import { type Decimal, ZERO } from '../money/decimal.ts';
import type { PaperCounters, PaperState } from './types.ts';

export interface PaperStats {
  /** Number of fill events (each partial fill counts once). */
  readonly fillCount: number;
  /** Number of rejected orders (validation, no book, post-only cross). */
  readonly rejectCount: number;
  /** Mean over filled orders of (first fill ts − placement ts); 0 before any fill. */
  readonly avgQueueDelayMs: number;
  /** Sum of post-fill drift PnL in quote (negative = the market moved against our fills). */
  readonly adversePnlQuote: Decimal;
}

/** Metric names under which the stats are published (the desk's snake_case §12 names). */
export const PAPER_METRIC_NAMES = {
  fillCount: 'paper_fill_count',
  rejectCount: 'paper_reject_count',
  avgQueueDelayMs: 'paper_avg_queue_delay_ms',
  adversePnlQuote: 'paper_adverse_pnl_quote',
} as const;

export const EMPTY_COUNTERS: PaperCounters = {
  fillCount: 0,
  rejectCount: 0,
  queueDelaySumMs: 0,
  queueDelayOrders: 0,
  adversePnlQuote: ZERO,
};

/** Current stats of a model. */
export function paperStats(state: PaperState): PaperStats {
  const c = state.counters;
  return {
    fillCount: c.fillCount,
    rejectCount: c.rejectCount,
    avgQueueDelayMs: c.queueDelayOrders === 0 ? 0 : c.queueDelaySumMs / c.queueDelayOrders,
    adversePnlQuote: c.adversePnlQuote,
  };
}

/**
 * Post-fill drift of one fill as a signed quote PnL, measured against the fill price:
 * a buy earns `(mid_later − price)·amount`, a sell `(price − mid_later)·amount`.
 * Negative means the mid moved against the fill (adverse selection); positive, in its favour.
 */
export function driftPnl(side: Side, price: Decimal, midLater: Decimal, amount: Decimal): Decimal {
  const move = side === 'buy' ? midLater.minus(price) : price.minus(midLater);
  return move.times(amount);
}
