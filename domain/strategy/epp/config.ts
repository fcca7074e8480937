/**
 * The EPP v2.4 controller's configuration as the domain sees it (camelCase, Decimal for every
 * fraction/price/amount, numbers for counts and durations) and the spec's defaults
 * (`strategy-epp.md`). The zod schema in `config/schema/` parses the snake_case YAML/JSON form,
 * takes its defaults from `EPP_DEFAULTS`, and converts into this type — one source of truth.
 *
 * Fractions: 0.0025 = 0.25% = 25 bps. Durations: seconds unless the name says `Ms`.
 */
import { Decimal } from '../../money/decimal.ts';

export const REGIMES = ['neutral_low_vol', 'up', 'down', 'high_vol_shock'] as const;
export type Regime = (typeof REGIMES)[number];

export const VARIANTS = ['live', 'paper_only', 'disabled', 'no_trade'] as const;
export type Variant = (typeof VARIANTS)[number];

export const ONE_SIDED = ['off', 'buy_only', 'sell_only'] as const;
export type OneSided = (typeof ONE_SIDED)[number];

export type MarketKind = 'spot' | 'perp';

/** The frozen per-regime quoting spec (§3 table). */
export interface RegimeSpec {
  readonly spreadMin: Decimal;
  readonly spreadMax: Decimal;
  readonly levelsMin: number;
  readonly levelsMax: number;
  readonly refreshS: number;
  readonly targetBasePct: Decimal;
  readonly oneSided: OneSided;
}

export interface EppConfig {
  readonly variant: Variant;
  readonly market: MarketKind;
  /** Quote budget spread over all levels of both sides (§6). */
  readonly totalAmountQuote: Decimal;

  // §2 indicators
  readonly barIntervalS: number;
  readonly emaPeriod: number;
  readonly atrPeriod: number;
  readonly driftWindowS: number;

  // §3 regime detection
  readonly shockDriftMultiplier: Decimal;
  readonly highVolBandPct: Decimal;
  readonly trendEpsPct: Decimal;
  readonly regimeHoldTicks: number;
  readonly regimes: Readonly<Record<Regime, RegimeSpec>>;

  // §4 spread
  readonly bandLo: Decimal;
  readonly bandHi: Decimal;
  readonly spreadFloorRecalcS: number;
  readonly makerFeePct: Decimal;
  readonly takerFeePct: Decimal;
  readonly slippageEstPct: Decimal;
  readonly adverseDriftEstPct: Decimal;
  readonly minNetEdgeBps: Decimal;
  readonly volPenaltyMultiplier: Decimal;
  /** Minimum distance of a quote from the opposite touch beyond half the market spread (§4: 0.0001). */
  readonly insideBookBufferPct: Decimal;

  // §5 inventory skew
  readonly trendSkewFactor: Decimal;
  readonly neutralSkewFactor: Decimal;
  readonly skewCap: Decimal;
  readonly targetBasePctMin: Decimal;
  readonly targetBasePctMax: Decimal;

  // §6 levels
  readonly spreadStepMultiplier: Decimal;

  // §7 edge model and gate
  readonly fillFactor: Decimal;
  readonly turnoverPenaltyPct: Decimal;
  readonly edgeResumeBps: Decimal;
  readonly edgeGateHoldS: number;

  // §8 risk policy
  readonly maxDailyLossPct: Decimal;
  readonly maxDrawdownPct: Decimal;
  readonly maxTurnoverX: Decimal;
  readonly cancelBudgetPerMin: number;
  /** Consecutive cancel-budget breaches that escalate SOFT_PAUSE to HARD_STOP (§8: the 3rd). */
  readonly cancelBudgetEscalationBreaches: number;
  readonly maxBookAgeS: number;
  readonly positionDriftWarnPct: Decimal;
  readonly positionDriftPausePct: Decimal;
  readonly marginRatioSoft: Decimal;
  readonly marginRatioHard: Decimal;
  readonly maxLeverage: Decimal;
  readonly leverage: Decimal;

  // §9 order management
  readonly priceToleranceTicks: number;
  readonly maxActiveOrders: number;
  readonly orderAckTimeoutS: number;
  readonly fillPriceWarnPct: Decimal;
}

const d = (v: string): Decimal => new Decimal(v);

const regime = (spreadMin: string, spreadMax: string, levelsMin: number, levelsMax: number, refreshS: number, targetBasePct: string): RegimeSpec => ({
  spreadMin: d(spreadMin),
  spreadMax: d(spreadMax),
  levelsMin,
  levelsMax,
  refreshS,
  targetBasePct: d(targetBasePct),
  oneSided: 'off',
});

/**
 * Defaults. Values the spec fixes are taken from it; the cost estimates it leaves to config
 * (fees, slippage, adverse drift, turnover penalty, edge thresholds, budget) are desk defaults
 * for a Binance VIP0 spot account paying fees in BNB (maker 0.075%) and are marked so in the
 * generated config reference.
 */
export const EPP_DEFAULTS: EppConfig = {
  variant: 'paper_only',
  market: 'spot',
  totalAmountQuote: d('1000'),
  barIntervalS: 60,
  emaPeriod: 50,
  atrPeriod: 14,
  driftWindowS: 30,
  shockDriftMultiplier: d('1.25'),
  highVolBandPct: d('0.0080'),
  trendEpsPct: d('0.0010'),
  regimeHoldTicks: 3,
  regimes: {
    neutral_low_vol: regime('0.0025', '0.0050', 2, 4, 60, '0.50'),
    up: regime('0.0030', '0.0060', 2, 3, 45, '0.60'),
    down: regime('0.0030', '0.0060', 2, 3, 45, '0.40'),
    high_vol_shock: regime('0.0060', '0.0120', 1, 2, 20, '0.50'),
  },
  bandLo: d('0.0010'),
  bandHi: d('0.0080'),
  spreadFloorRecalcS: 30,
  makerFeePct: d('0.00075'),
  takerFeePct: d('0.00075'),
  slippageEstPct: d('0.0001'),
  adverseDriftEstPct: d('0.0001'),
  minNetEdgeBps: d('0'),
  volPenaltyMultiplier: d('0.5'),
  insideBookBufferPct: d('0.0001'),
  trendSkewFactor: d('0.8'),
  neutralSkewFactor: d('0.5'),
  skewCap: d('0.5'),
  targetBasePctMin: d('0.2'),
  targetBasePctMax: d('0.8'),
  spreadStepMultiplier: d('0.4'),
  fillFactor: d('0.4'),
  turnoverPenaltyPct: d('0'),
  edgeResumeBps: d('0.5'),
  edgeGateHoldS: 120,
  maxDailyLossPct: d('0.015'),
  maxDrawdownPct: d('0.025'),
  maxTurnoverX: d('3.0'),
  cancelBudgetPerMin: 50,
  cancelBudgetEscalationBreaches: 3,
  maxBookAgeS: 30,
  positionDriftWarnPct: d('0.01'),
  positionDriftPausePct: d('0.05'),
  marginRatioSoft: d('0.20'),
  marginRatioHard: d('0.10'),
  maxLeverage: d('5'),
  leverage: d('1'),
  priceToleranceTicks: 1,
  maxActiveOrders: 10,
  orderAckTimeoutS: 30,
  fillPriceWarnPct: d('0.01'),
};
