/**
 * What one EPP step decides: a discriminated union on `type`, in the order the driver should
 * act on it (ops transitions and cancels before places). Decisions name effects; the bot
 * machine performs them.
 */
import type { ClientOrderId } from '../../ids.ts';
import type { Side } from '../../instrument/rules.ts';
import type { Decimal } from '../../money/decimal.ts';
import type { Regime } from './config.ts';
import type { DayCounters } from './day.ts';

/** Reasons that SOFT_PAUSE the bot (§7, §8); it resumes when all have cleared. */
export const SOFT_REASONS = [
  'edge_gate',
  'cancel_budget',
  'book_stale',
  'book_crossed',
  'balance_read_failed',
  'no_equity',
  'position_drift',
  'margin_ratio',
  'operator_pause',
  /** The desk's portfolio risk soft-paused this bot (a cross-bot limit; strategy-independent). */
  'portfolio_risk',
  /** The bot's host lost the control plane (NATS, or the portfolio-risk heartbeat): fail closed. */
  'control_plane',
  /** The live desk's scheduled reconciliation found a critical discrepancy with the venue. */
  'reconciliation',
] as const;
export type SoftReason = (typeof SOFT_REASONS)[number];

/** Reasons that HARD_STOP (latch) the bot (§8). */
export const HARD_REASONS = [
  'daily_loss',
  'drawdown',
  'turnover',
  'cancel_budget_escalation',
  'margin_ratio',
  'leverage',
  'operator_kill',
] as const;
export type HardReason = (typeof HARD_REASONS)[number];

/** Why an order is cancelled. */
export const CANCEL_REASONS = [
  'ack_timeout',
  'stale',
  'reprice',
  'duplicate',
  'level_removed',
  'side_removed',
  'soft_pause',
  'warming_up',
  'disabled',
  /** HARD_STOP (§8): every order is cancelled while the latch holds. */
  'hard_stop',
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export const WARN_CODES = ['order.ack_timeout', 'fill.price_deviation', 'position.drift'] as const;
export type WarnCode = (typeof WARN_CODES)[number];

export interface PlaceDecision {
  readonly type: 'place';
  readonly clientOrderId: ClientOrderId;
  readonly levelId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  /** Always post-only (limit maker). */
  readonly postOnly: true;
}

export interface CancelDecision {
  readonly type: 'cancel';
  readonly clientOrderId: ClientOrderId;
  readonly levelId: string;
  readonly reason: CancelReason;
}

export type EppDecision =
  | PlaceDecision
  | CancelDecision
  | { readonly type: 'regime.changed'; readonly from: Regime | null; readonly to: Regime }
  | { readonly type: 'ops.soft_pause'; readonly reasons: readonly SoftReason[] }
  | { readonly type: 'ops.resume' }
  /** The bot cancels every order through the kill switch and latches until an operator `resume`. */
  | { readonly type: 'ops.hard_stop'; readonly reason: HardReason }
  | { readonly type: 'warn'; readonly code: WarnCode; readonly message: string; readonly clientOrderId?: ClientOrderId }
  /** The UTC day `day.dayStartMs` closed; `day` holds its final counters (persist/report them). */
  | { readonly type: 'day.rollover'; readonly day: DayCounters };

export type EppDecisionType = EppDecision['type'];
