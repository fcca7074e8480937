/**
 * The EPP controller's state between ticks. Immutable: every step returns a new value.
 * The daily counters (`day`) serialize with `dayToJson` for persistence; the rest is rebuilt
 * from market data after a restart (the bot warms up again, fail-closed).
 */
import { type ClientOrderId, clientOrderId } from '../../ids.ts';
import type { Decimal } from '../../money/decimal.ts';
import { CANCEL_BUDGET_INIT, type CancelBudgetState } from './cancel-budget.ts';
import type { EppConfig } from './config.ts';
import { type DayCounters, type DayCountersJson, dayRestore } from './day.ts';
import type { HardReason, SoftReason } from './decisions.ts';
import { EDGE_GATE_OPEN, type EdgeGateState } from './edge-gate.ts';
import { type MarketState, marketInit } from './market.ts';
import type { QuoteMemo } from './quote-memo.ts';
import { REGIME_HOLD_INIT, type RegimeHoldState } from './regime.ts';
import type { HardLimits } from './risk.ts';
import type { FloorCache } from './spread.ts';

export interface EppState {
  readonly market: MarketState;
  readonly regime: RegimeHoldState;
  readonly floor: FloorCache | null;
  readonly gate: EdgeGateState;
  readonly cancels: CancelBudgetState;
  /** Soft reasons as last announced (an `ops.soft_pause` is emitted when they change). */
  readonly soft: readonly SoftReason[];
  /** The HARD_STOP latch: set until an operator `resume`. */
  readonly hardStop: HardReason | null;
  readonly operatorPaused: boolean;
  /** The operator's `set_target_base_pct`, unclamped (clamped when used). */
  readonly targetOverride: Decimal | null;
  /** Orders the step asked to cancel that are still in `openOrders`. */
  readonly cancelRequested: readonly ClientOrderId[];
  /** Whether the position-drift warning is raised (warned once per excursion). */
  readonly driftWarned: boolean;
  readonly day: DayCounters;
  /** Sequence of the next client order id. */
  readonly orderSeq: number;
  /** Client order id prefix (unique per bot and session, so restarts never reuse an id). */
  readonly idPrefix: string;
  /** Last tick's quote and ladder, reused while their inputs are unchanged (a cache, not serialized). */
  readonly memo: QuoteMemo | null;
  /** The day's hard limits as levels (a cache, not serialized). */
  readonly limits: HardLimits | null;
}

export interface EppInitOptions {
  /** Clock reading at start (ms). */
  readonly now: number;
  /** Prefix of client order ids, e.g. `epp1-k3f-`; ids are `<prefix><seq>`, ≤ 36 chars. */
  readonly idPrefix?: string;
  /** First order sequence number (default 1). */
  readonly orderSeq?: number;
  /** Persisted daily counters (restored when they belong to `now`'s UTC day). */
  readonly day?: DayCountersJson | null;
}

/** The state of a bot before its first tick. */
export function eppInit(config: EppConfig, opts: EppInitOptions): EppState {
  const idPrefix = opts.idPrefix ?? 'epp-';
  clientOrderId(`${idPrefix}0`); // fails fast on a prefix the venue would reject
  return {
    market: marketInit(config),
    regime: REGIME_HOLD_INIT,
    floor: null,
    gate: EDGE_GATE_OPEN,
    cancels: CANCEL_BUDGET_INIT,
    soft: [],
    hardStop: null,
    operatorPaused: false,
    targetOverride: null,
    cancelRequested: [],
    driftWarned: false,
    day: dayRestore(opts.day ?? null, opts.now),
    orderSeq: opts.orderSeq ?? 1,
    idPrefix,
    memo: null,
    limits: null,
  };
}

/** Lifecycle of the controller as the bot machine sees it. */
export const EPP_STATUSES = ['disabled', 'warming_up', 'running', 'soft_paused', 'hard_stopped'] as const;
export type EppStatus = (typeof EPP_STATUSES)[number];
