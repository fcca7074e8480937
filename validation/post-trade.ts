/**
 * The post-trade validator (the origin plan's Day 76): the realized edge-model inputs against
 * the bot's configured ones. Pure.
 *
 * Checks (versioned in {@link POST_TRADE_THRESHOLDS_V1}):
 * - fill_factor: realized (validation/fill-factor.ts) < 0.7 × configured ⇒ CRITICAL; not
 *   measurable ⇒ UNMEASURABLE (never a silent OK);
 * - adverse_drift: realized Σ adverse drift / Σ notional (edge report) above the configured
 *   `adverse_drift_est_pct` ⇒ WARNING;
 * - slippage: realized Σ slippage / Σ notional above `slippage_est_pct` ⇒ WARNING.
 */
import { Decimal } from '../domain/money/decimal.ts';
import type { EdgeTotals } from './edge-report.ts';
import type { FillFactorCalibration } from './fill-factor.ts';

export type Severity = 'OK' | 'WARNING' | 'CRITICAL' | 'UNMEASURABLE';

export interface PostTradeThresholds {
  readonly version: string;
  /** realized / configured fill factor strictly below this ⇒ CRITICAL. */
  readonly criticalFillFactorRatio: Decimal;
  /** Fewer measurable fills than this adds a low-sample note. */
  readonly lowSampleFills: number;
}

/** Version 1: the 0.7 ratio is the origin plan's (Day 76); the low-sample note is ours. */
export const POST_TRADE_THRESHOLDS_V1: PostTradeThresholds = {
  version: 'post-trade-thresholds/v1',
  criticalFillFactorRatio: new Decimal('0.7'),
  lowSampleFills: 20,
};

export interface ConfiguredEdge {
  readonly fillFactor: Decimal;
  readonly slippageEstPct: Decimal;
  readonly adverseDriftEstPct: Decimal;
  /** `config <file>` or `defaults (strategy-epp)`. */
  readonly source: string;
}

export interface PostTradeCheck {
  readonly check: 'fill_factor' | 'adverse_drift' | 'slippage';
  readonly realized: string | null;
  readonly configured: string;
  readonly severity: Severity;
  readonly rule: string;
  readonly note?: string;
}

export interface PostTradeResult {
  readonly severity: Severity;
  readonly configSource: string;
  readonly checks: readonly PostTradeCheck[];
}

const RANK: Readonly<Record<Severity, number>> = { OK: 0, WARNING: 1, UNMEASURABLE: 2, CRITICAL: 3 };

function fractionOf(sum: string, notional: string): Decimal | null {
  const n = new Decimal(notional);
  return n.isZero() ? null : new Decimal(sum).dividedBy(n);
}

function costCheck(check: 'adverse_drift' | 'slippage', realized: Decimal | null, configured: Decimal): PostTradeCheck {
  return {
    check, realized: realized?.toDecimalPlaces(8).toString() ?? null, configured: configured.toString(),
    severity: realized === null ? 'UNMEASURABLE' : realized.gt(configured) ? 'WARNING' : 'OK',
    rule: `realized Σ${check === 'slippage' ? 'slippage' : ' adverse drift'} / Σ notional > configured ⇒ WARNING`,
  };
}

/** Validates the realized figures against `configured`. */
export function postTradeValidate(cal: FillFactorCalibration, edge: EdgeTotals, configured: ConfiguredEdge, th: PostTradeThresholds = POST_TRADE_THRESHOLDS_V1): PostTradeResult {
  const ff = cal.realizedFillFactor;
  const floor = configured.fillFactor.times(th.criticalFillFactorRatio);
  const ffCheck: PostTradeCheck = {
    check: 'fill_factor',
    realized: ff?.toDecimalPlaces(6).toString() ?? null,
    configured: configured.fillFactor.toString(),
    severity: ff === null ? 'UNMEASURABLE' : ff.lt(floor) ? 'CRITICAL' : 'OK',
    rule: `realized < ${th.criticalFillFactorRatio.toString()} × configured (${floor.toString()}) ⇒ CRITICAL`,
    ...(ff === null
      ? { note: `not measurable: ${cal.fills} fill(s), ${cal.measurable} with a mid at placement and at fill` }
      : cal.measurable < th.lowSampleFills ? { note: `low sample: ${cal.measurable} measurable fill(s)` } : {}),
  };
  const checks = [
    ffCheck,
    costCheck('adverse_drift', fractionOf(edge.adverseDrift, edge.notional), configured.adverseDriftEstPct),
    costCheck('slippage', fractionOf(edge.slippage, edge.notional), configured.slippageEstPct),
  ];
  // The verdict is the fill-factor check's, raised to WARNING by a cost check's warning.
  const worst = checks.reduce<Severity>((w, c) => (c.check === 'fill_factor' || c.severity === 'WARNING') && RANK[c.severity] > RANK[w] ? c.severity : w, 'OK');
  return { severity: worst, configSource: configured.source, checks };
}
