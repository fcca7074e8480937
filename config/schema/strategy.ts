/**
 * The file form (snake_case) of the EPP v2.4 strategy config, its cross-field rules, and the
 * conversion into the domain's `EppConfig`. Defaults come from `EPP_DEFAULTS`, so the schema
 * and the domain can never disagree about them.
 */
import type { z } from 'zod';
import { EPP_DEFAULTS, ONE_SIDED, REGIMES, VARIANTS } from '../../domain/strategy/epp/config.ts';
import type { EppConfig, MarketKind, Regime, RegimeSpec } from '../../domain/strategy/epp/config.ts';
import { decimalField, enumField, intField, numField, requireOrder, strictObject, WHEN_MAPPING } from './fields.ts';

/** Market kinds an instrument or strategy can run on. */
export const MARKETS = ['spot', 'perp'] as const satisfies readonly MarketKind[];

function regimeSchema(name: Regime) {
  const d = EPP_DEFAULTS.regimes[name];
  return strictObject(
    {
      spread_min: decimalField('(0,1)', { def: d.spreadMin, src: '§3', doc: `Narrowest spread (fraction of mid, per side) quoted in \`${name}\`, used at the low end of the vol band.` }),
      spread_max: decimalField('(0,1)', { def: d.spreadMax, src: '§3', doc: `Widest spread (fraction of mid, per side) quoted in \`${name}\`, used at the high end of the vol band.` }),
      levels_min: intField('[1,50]', { def: d.levelsMin, src: '§3', doc: `Fewest levels per side in \`${name}\` (used at the high end of the vol band).` }),
      levels_max: intField('[1,50]', { def: d.levelsMax, src: '§3', doc: `Most levels per side in \`${name}\` (used at the low end of the vol band).` }),
      refresh_s: numField('(0,∞)', { def: d.refreshS, src: '§3', doc: `Maximum age in seconds of a resting order in \`${name}\` before it is replaced.` }),
      target_base_pct: decimalField('[0,1]', { def: d.targetBasePct, src: '§3', doc: `Target share of equity held in base in \`${name}\` (fraction); drives the inventory skew.` }),
      one_sided: enumField(ONE_SIDED, { def: d.oneSided, src: '§3', doc: `Quote both sides (\`off\`) or only one in \`${name}\`; a side removed by a regime change is cancelled at once.` }),
    },
    `the ${name} regime spec`,
  ).superRefine((v, ctx) => {
    requireOrder(ctx, v, 'spread_min', 'spread_max', '≤', 'spread_min');
    requireOrder(ctx, v, 'levels_min', 'levels_max', '≤', 'levels_min');
  }, WHEN_MAPPING);
}

const regimesSchema = strictObject(
  Object.fromEntries(REGIMES.map((r) => [r, regimeSchema(r).prefault({}).describe(`Quoting spec of the \`${r}\` regime; keys given here override the defaults one by one.`)])) as {
    [R in Regime]: z.ZodPrefault<ReturnType<typeof regimeSchema>>;
  },
  'a mapping of regime name to regime spec',
);

const D = EPP_DEFAULTS;

/** The strategy section: every `EppConfig` field in snake_case, with the spec's defaults. */
export const strategySchema = strictObject(
  {
    variant: enumField(VARIANTS, { def: D.variant, src: 'desk', doc: 'How the bot runs: `live` trades, `paper_only` trades on the paper engine, `no_trade` runs the pipeline and places nothing, `disabled` does not run (§10).' }),
    market: enumField(MARKETS, { src: 'optional', doc: 'Market kind the strategy quotes. In a bot file it defaults to, and must equal, `instrument.market`; standalone it defaults to `spot`.' }),
    total_amount_quote: decimalField('(0,∞)', { def: D.totalAmountQuote, src: 'desk', doc: 'Quote budget spread over all levels of both sides, in quote units; each level gets total / (2·levels) (§6).' }),
    bar_interval_s: intField('[1,86400]', { def: D.barIntervalS, src: '§2', doc: 'Length of the mid bars the indicators run on, in seconds.' }),
    ema_period: intField('[1,10000]', { def: D.emaPeriod, src: '§2', doc: 'EMA period over bar closes, in bars.' }),
    atr_period: intField('[1,10000]', { def: D.atrPeriod, src: '§2', doc: 'Wilder ATR period, in bars; the bot is warming up (no orders) until this many bars exist.' }),
    drift_window_s: intField('[1,86400]', { def: D.driftWindowS, src: '§2', doc: 'Look-back of the mid drift used by shock detection, in seconds.' }),
    shock_drift_multiplier: decimalField('(0,∞)', { def: D.shockDriftMultiplier, src: '§3', doc: '`high_vol_shock` when |drift| / bandPct reaches this multiple.' }),
    high_vol_band_pct: decimalField('(0,1)', { def: D.highVolBandPct, src: '§3', doc: '`high_vol_shock` when bandPct (ATR / close, fraction) reaches this.' }),
    trend_eps_pct: decimalField('[0,1)', { def: D.trendEpsPct, src: '§3', doc: 'Distance of mid from the EMA (fraction) beyond which the regime is `up` or `down`.' }),
    regime_hold_ticks: intField('[1,10000]', { def: D.regimeHoldTicks, src: '§3', doc: 'Consecutive ticks a new regime must be detected on before it takes effect.' }),
    regimes: regimesSchema.prefault({}).describe('Per-regime quoting specs (§3 table), keyed by regime name; a partial entry merges over that regime\'s defaults. Default: strategy-epp.md §3.'),
    band_lo: decimalField('[0,1)', { def: D.bandLo, src: '§4', doc: 'bandPct (fraction) at which the vol position is 0: spread_min and levels_max.' }),
    band_hi: decimalField('(0,1)', { def: D.bandHi, src: '§4', doc: 'bandPct (fraction) at which the vol position is 1: spread_max and levels_min.' }),
    spread_floor_recalc_s: numField('[0,∞)', { def: D.spreadFloorRecalcS, src: '§4', doc: 'Minimum seconds between two recomputations of the spread floor.' }),
    maker_fee_pct: decimalField('(-0.01,0.01)', { def: D.makerFeePct, src: 'desk', doc: 'Maker fee as a fraction of notional (negative for a rebate); Binance VIP0 paying in BNB.' }),
    taker_fee_pct: decimalField('[0,0.01)', { def: D.takerFeePct, src: 'desk', doc: 'Taker fee as a fraction of notional; Binance VIP0 paying in BNB.' }),
    slippage_est_pct: decimalField('[0,1)', { def: D.slippageEstPct, src: 'desk', doc: 'Expected slippage per fill (fraction), in the spread floor and the edge model.' }),
    adverse_drift_est_pct: decimalField('[0,1)', { def: D.adverseDriftEstPct, src: 'desk', doc: 'Expected adverse price drift after a fill (fraction), in the spread floor and the edge model.' }),
    min_net_edge_bps: decimalField('[-10000,10000]', { def: D.minNetEdgeBps, src: 'desk', doc: 'Net edge (bps) below which the edge gate soft-pauses the bot; also part of the spread floor.' }),
    vol_penalty_multiplier: decimalField('[0,∞)', { def: D.volPenaltyMultiplier, src: '§4', doc: 'Multiple of bandPct added to the spread floor.' }),
    inside_book_buffer_pct: decimalField('[0,1)', { def: D.insideBookBufferPct, src: '§4', doc: 'Each side\'s spread is at least half the market spread plus this (fraction): never quote inside the book.' }),
    trend_skew_factor: decimalField('[0,∞)', { def: D.trendSkewFactor, src: '§5', doc: 'Inventory skew factor in `up` and `down`.' }),
    neutral_skew_factor: decimalField('[0,∞)', { def: D.neutralSkewFactor, src: '§5', doc: 'Inventory skew factor in `neutral_low_vol` and `high_vol_shock`.' }),
    skew_cap: decimalField('[0,1)', { def: D.skewCap, src: '§5', doc: 'Bound on |skew| (fraction of the spread).' }),
    target_base_pct_min: decimalField('[0,1]', { def: D.targetBasePctMin, src: '§5', doc: 'Lower clamp of an operator\'s `set_target_base_pct` override (fraction of equity).' }),
    target_base_pct_max: decimalField('[0,1]', { def: D.targetBasePctMax, src: '§5', doc: 'Upper clamp of an operator\'s `set_target_base_pct` override (fraction of equity).' }),
    spread_step_multiplier: decimalField('[0,∞)', { def: D.spreadStepMultiplier, src: '§6', doc: 'Level i quotes at sideSpread·(1 + i·this).' }),
    fill_factor: decimalField('(0,1]', { def: D.fillFactor, src: '§7', doc: 'Share of the spread the edge model expects to capture.' }),
    turnover_penalty_pct: decimalField('[0,1)', { def: D.turnoverPenaltyPct, src: 'desk', doc: 'Cost charged per unit of turnover in the edge model (fraction).' }),
    edge_resume_bps: decimalField('[-10000,10000]', { def: D.edgeResumeBps, src: 'desk', doc: 'Net edge (bps) the gate needs before it lifts its pause (hysteresis above min_net_edge_bps).' }),
    edge_gate_hold_s: numField('[0,∞)', { def: D.edgeGateHoldS, src: '§7', doc: 'Minimum seconds the edge gate stays closed once it blocks.' }),
    max_daily_loss_pct: decimalField('(0,1)', { def: D.maxDailyLossPct, src: '§8', doc: 'Daily loss from the day\'s opening equity (fraction) that triggers HARD_STOP.' }),
    max_drawdown_pct: decimalField('(0,1)', { def: D.maxDrawdownPct, src: '§8', doc: 'Drawdown from the day\'s peak equity (fraction) that triggers HARD_STOP.' }),
    max_turnover_x: decimalField('(0,∞)', { def: D.maxTurnoverX, src: '§8', doc: 'Traded notional today over opening equity (multiple) that triggers HARD_STOP.' }),
    cancel_budget_per_min: intField('[1,100000]', { def: D.cancelBudgetPerMin, src: '§8', doc: 'Cancels per minute above which the bot soft-pauses.' }),
    cancel_budget_escalation_breaches: intField('[1,1000]', { def: D.cancelBudgetEscalationBreaches, src: '§8', doc: 'Consecutive cancel-budget breaches that escalate SOFT_PAUSE to HARD_STOP.' }),
    max_book_age_s: numField('(0,∞)', { def: D.maxBookAgeS, src: '§8', doc: 'Market-data age in seconds above which the bot soft-pauses until fresh.' }),
    position_drift_warn_pct: decimalField('(0,1)', { def: D.positionDriftWarnPct, src: '§8', doc: 'Position drift against the venue (fraction) that logs a warning.' }),
    position_drift_pause_pct: decimalField('(0,1)', { def: D.positionDriftPausePct, src: '§8', doc: 'Position drift against the venue (fraction) that soft-pauses the bot.' }),
    margin_ratio_soft: decimalField('(0,1)', { def: D.marginRatioSoft, src: '§8', doc: 'Perps: margin ratio below which the bot soft-pauses.' }),
    margin_ratio_hard: decimalField('(0,1)', { def: D.marginRatioHard, src: '§8', doc: 'Perps: margin ratio below which the bot hard-stops.' }),
    max_leverage: decimalField('[1,125]', { def: D.maxLeverage, src: '§8', doc: 'Highest leverage the desk accepts; a config above it refuses to start.' }),
    leverage: decimalField('[1,125]', { def: D.leverage, src: 'desk', doc: 'Leverage the bot runs at (1 on spot).' }),
    price_tolerance_ticks: intField('[0,1000000]', { def: D.priceToleranceTicks, src: '§9', doc: 'A live order within this many ticks of its desired price is kept.' }),
    max_active_orders: intField('[1,1000]', { def: D.maxActiveOrders, src: '§9', doc: 'Most live orders per bot.' }),
    order_ack_timeout_s: numField('(0,∞)', { def: D.orderAckTimeoutS, src: '§9', doc: 'Seconds after which an unacknowledged order is cancelled and logged.' }),
    fill_price_warn_pct: decimalField('(0,1)', { def: D.fillPriceWarnPct, src: '§9', doc: 'A fill further than this (fraction) from its order\'s price is logged as a warning.' }),
  },
  'a strategy section',
).superRefine((v, ctx) => {
  requireOrder(ctx, v, 'band_lo', 'band_hi', '<', 'band_lo');
  requireOrder(ctx, v, 'target_base_pct_min', 'target_base_pct_max', '≤', 'target_base_pct_min');
  requireOrder(ctx, v, 'margin_ratio_hard', 'margin_ratio_soft', '<', 'margin_ratio_hard');
  requireOrder(ctx, v, 'min_net_edge_bps', 'edge_resume_bps', '≤', 'edge_resume_bps');
  requireOrder(ctx, v, 'position_drift_warn_pct', 'position_drift_pause_pct', '≤', 'position_drift_warn_pct');
  // §8: leverage above max_leverage refuses to start.
  requireOrder(ctx, v, 'leverage', 'max_leverage', '≤', 'leverage');
}, WHEN_MAPPING);

/** A parsed strategy section (snake_case, Decimals). */
export type StrategyFile = z.output<typeof strategySchema>;
/** A strategy section as written in a file (before defaults and conversion). */
export type StrategyInput = z.input<typeof strategySchema>;

function toRegimeSpec(r: StrategyFile['regimes'][Regime]): RegimeSpec {
  return {
    spreadMin: r.spread_min,
    spreadMax: r.spread_max,
    levelsMin: r.levels_min,
    levelsMax: r.levels_max,
    refreshS: r.refresh_s,
    targetBasePct: r.target_base_pct,
    oneSided: r.one_sided,
  };
}

/**
 * Converts a parsed strategy section into the domain's `EppConfig`. `market` is the bot's
 * instrument market when there is one; the section's own `market` wins when given.
 */
export function toEppConfig(s: StrategyFile, market?: MarketKind): EppConfig {
  const regimes = Object.fromEntries(REGIMES.map((r) => [r, toRegimeSpec(s.regimes[r])])) as Record<Regime, RegimeSpec>;
  return {
    variant: s.variant,
    market: s.market ?? market ?? EPP_DEFAULTS.market,
    totalAmountQuote: s.total_amount_quote,
    barIntervalS: s.bar_interval_s,
    emaPeriod: s.ema_period,
    atrPeriod: s.atr_period,
    driftWindowS: s.drift_window_s,
    shockDriftMultiplier: s.shock_drift_multiplier,
    highVolBandPct: s.high_vol_band_pct,
    trendEpsPct: s.trend_eps_pct,
    regimeHoldTicks: s.regime_hold_ticks,
    regimes,
    bandLo: s.band_lo,
    bandHi: s.band_hi,
    spreadFloorRecalcS: s.spread_floor_recalc_s,
    makerFeePct: s.maker_fee_pct,
    takerFeePct: s.taker_fee_pct,
    slippageEstPct: s.slippage_est_pct,
    adverseDriftEstPct: s.adverse_drift_est_pct,
    minNetEdgeBps: s.min_net_edge_bps,
    volPenaltyMultiplier: s.vol_penalty_multiplier,
    insideBookBufferPct: s.inside_book_buffer_pct,
    trendSkewFactor: s.trend_skew_factor,
    neutralSkewFactor: s.neutral_skew_factor,
    skewCap: s.skew_cap,
    targetBasePctMin: s.target_base_pct_min,
    targetBasePctMax: s.target_base_pct_max,
    spreadStepMultiplier: s.spread_step_multiplier,
    fillFactor: s.fill_factor,
    turnoverPenaltyPct: s.turnover_penalty_pct,
    edgeResumeBps: s.edge_resume_bps,
    edgeGateHoldS: s.edge_gate_hold_s,
    maxDailyLossPct: s.max_daily_loss_pct,
    maxDrawdownPct: s.max_drawdown_pct,
    maxTurnoverX: s.max_turnover_x,
    cancelBudgetPerMin: s.cancel_budget_per_min,
    cancelBudgetEscalationBreaches: s.cancel_budget_escalation_breaches,
    maxBookAgeS: s.max_book_age_s,
    positionDriftWarnPct: s.position_drift_warn_pct,
    positionDriftPausePct: s.position_drift_pause_pct,
    marginRatioSoft: s.margin_ratio_soft,
    marginRatioHard: s.margin_ratio_hard,
    maxLeverage: s.max_leverage,
    leverage: s.leverage,
    priceToleranceTicks: s.price_tolerance_ticks,
    maxActiveOrders: s.max_active_orders,
    orderAckTimeoutS: s.order_ack_timeout_s,
    fillPriceWarnPct: s.fill_price_warn_pct,
  };
}
