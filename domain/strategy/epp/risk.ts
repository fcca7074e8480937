/**
 * The risk policy (strategy-epp §8) as pure checks: which hard reason (if any) stops the bot,
 * which soft reasons pause it, and whether a config may start at all. The cancel budget lives
 * in `cancel-budget.ts`; the edge gate in `edge-gate.ts`.
 *
 * Thresholds are reached at equality for daily loss, drawdown, turnover and position drift
 * (≥), and strictly for book age (>), cancels (>) and margin ratio (<), as the §8 table reads.
 */
import type { InstrumentRules } from '../../instrument/rules.ts';
import { type Decimal, ONE, ZERO, cmp } from '../../money/decimal.ts';
import type { EppConfig } from './config.ts';
import type { DayCounters } from './day.ts';
import type { HardReason, SoftReason } from './decisions.ts';

/** `(equity_open − equity)/equity_open`, or null without an open equity > 0. */
export function dailyLossPct(day: DayCounters, equity: Decimal): Decimal | null {
  if (day.equityOpen === null || !day.equityOpen.gt(ZERO)) return null;
  return day.equityOpen.minus(equity).dividedBy(day.equityOpen);
}

/** `(peak − equity)/peak`, or null without a peak > 0. */
export function drawdownPct(day: DayCounters, equity: Decimal): Decimal | null {
  if (day.equityPeak === null || !day.equityPeak.gt(ZERO)) return null;
  return day.equityPeak.minus(equity).dividedBy(day.equityPeak);
}

/** `traded_notional_today / equity_open`, or null without an open equity > 0. */
export function turnoverX(day: DayCounters): Decimal | null {
  if (day.equityOpen === null || !day.equityOpen.gt(ZERO)) return null;
  return day.tradedNotionalQuote.dividedBy(day.equityOpen);
}

/** What the equity-based hard checks need. `equity`/`marginRatio` are null when unknown. */
export interface HardCheckInputs {
  readonly day: DayCounters;
  readonly equity: Decimal | null;
  readonly marginRatio: Decimal | null;
  readonly cancelEscalation: boolean;
}

/**
 * The day's hard limits as equity/notional levels, so a tick compares instead of dividing:
 * `loss ≥ max ⟺ equity ≤ open·(1 − max)`, `drawdown ≥ max ⟺ equity ≤ peak·(1 − max)`,
 * `turnover ≥ max ⟺ traded ≥ max·open`. Recomputed only when the day's counters change.
 */
export interface HardLimits {
  readonly day: DayCounters;
  readonly config: EppConfig;
  readonly lossFloor: Decimal | null;
  readonly drawdownFloor: Decimal | null;
  readonly turnoverCap: Decimal | null;
}

/** The limits for `day` (reusing `prev` when it was computed for the same day and config). */
export function hardLimits(day: DayCounters, config: EppConfig, prev: HardLimits | null): HardLimits {
  if (prev !== null && prev.day === day && prev.config === config) return prev;
  const open = day.equityOpen !== null && day.equityOpen.gt(ZERO) ? day.equityOpen : null;
  const peak = day.equityPeak !== null && day.equityPeak.gt(ZERO) ? day.equityPeak : null;
  return {
    day,
    config,
    lossFloor: open === null ? null : open.times(ONE.minus(config.maxDailyLossPct)),
    drawdownFloor: peak === null ? null : peak.times(ONE.minus(config.maxDrawdownPct)),
    turnoverCap: open === null ? null : open.times(config.maxTurnoverX),
  };
}

/** The first hard reason that holds, in the §8 table's order; null when none. */
export function hardReason(x: HardCheckInputs, config: EppConfig, limits: HardLimits = hardLimits(x.day, config, null)): HardReason | null {
  // `cmp` rather than `.gt`/`.lte`: the same comparisons without copying the argument (every tick runs these).
  if (cmp(config.leverage, config.maxLeverage) > 0) return 'leverage';
  if (x.equity !== null && limits.lossFloor !== null && cmp(x.equity, limits.lossFloor) <= 0) return 'daily_loss';
  if (x.equity !== null && limits.drawdownFloor !== null && cmp(x.equity, limits.drawdownFloor) <= 0) return 'drawdown';
  if (limits.turnoverCap !== null && cmp(x.day.tradedNotionalQuote, limits.turnoverCap) >= 0) return 'turnover';
  if (x.cancelEscalation) return 'cancel_budget_escalation';
  if (x.marginRatio !== null && x.marginRatio.lt(config.marginRatioHard)) return 'margin_ratio';
  return null;
}

/** What the market-data and account soft checks need. */
export interface SoftCheckInputs {
  readonly now: number;
  /** Timestamp of the book, or null when there is none. */
  readonly bookTs: number | null;
  readonly bookCrossed: boolean;
  readonly balanceFailed: boolean;
  /** Equity ≤ 0 with balances read: nothing to quote with. */
  readonly noEquity: boolean;
  readonly positionDriftPct: Decimal | null;
  readonly marginRatio: Decimal | null;
  readonly cancelBreach: boolean;
  readonly edgeGateBlocked: boolean;
  readonly operatorPaused: boolean;
  readonly portfolioPaused: boolean;
  readonly controlPlaneLost: boolean;
  readonly reconciliationHeld: boolean;
}

/** The soft reasons that hold, in the fixed order of `SOFT_REASONS`. */
export function softReasons(x: SoftCheckInputs, config: EppConfig): SoftReason[] {
  const out: SoftReason[] = [];
  if (x.edgeGateBlocked) out.push('edge_gate');
  if (x.cancelBreach) out.push('cancel_budget');
  if (x.bookTs === null || x.now - x.bookTs > config.maxBookAgeS * 1000) out.push('book_stale');
  if (x.bookCrossed) out.push('book_crossed');
  if (x.balanceFailed) out.push('balance_read_failed');
  if (x.noEquity) out.push('no_equity');
  if (x.positionDriftPct !== null && x.positionDriftPct.abs().gte(config.positionDriftPausePct)) out.push('position_drift');
  if (x.marginRatio !== null && x.marginRatio.lt(config.marginRatioSoft)) out.push('margin_ratio');
  if (x.operatorPaused) out.push('operator_pause');
  if (x.portfolioPaused) out.push('portfolio_risk');
  if (x.controlPlaneLost) out.push('control_plane');
  if (x.reconciliationHeld) out.push('reconciliation');
  return out;
}

/** Whether a position drift deserves the §8 warning (≥ 1% by default). */
export function positionDriftWarns(driftPct: Decimal | null, config: EppConfig): boolean {
  return driftPct !== null && driftPct.abs().gte(config.positionDriftWarnPct);
}

/**
 * Start-time validation: every reason this config may not start, empty when it may.
 * Leverage above `max_leverage` refuses to start (§8); the rest are sanity checks the step
 * relies on.
 */
export function validateStart(config: EppConfig, rules: InstrumentRules): string[] {
  const errors: string[] = [];
  if (config.leverage.gt(config.maxLeverage)) errors.push(`leverage ${config.leverage.toString()} exceeds max_leverage ${config.maxLeverage.toString()}`);
  if (!config.totalAmountQuote.gt(ZERO)) errors.push('total_amount_quote must be > 0');
  if (!rules.tickSize.gt(ZERO)) errors.push(`instrument ${rules.symbol}: tick size must be > 0`);
  if (!rules.lotStep.gt(ZERO)) errors.push(`instrument ${rules.symbol}: lot step must be > 0`);
  if (config.atrPeriod < 1 || config.emaPeriod < 1) errors.push('atr_period and ema_period must be ≥ 1');
  if (config.regimeHoldTicks < 1) errors.push('regime_hold_ticks must be ≥ 1');
  if (config.maxActiveOrders < 0) errors.push('max_active_orders must be ≥ 0');
  for (const [name, spec] of Object.entries(config.regimes)) {
    if (spec.spreadMin.gt(spec.spreadMax)) errors.push(`regimes.${name}: spread_min above spread_max`);
    if (spec.levelsMin > spec.levelsMax || spec.levelsMin < 0) errors.push(`regimes.${name}: levels_min must be in [0, levels_max]`);
  }
  if (config.targetBasePctMin.gt(config.targetBasePctMax)) errors.push('target_base_pct_min above target_base_pct_max');
  return errors;
}
