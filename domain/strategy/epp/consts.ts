/**
 * Values derived from the config alone (bps thresholds as fractions, the vol band width, the
 * per-level step factors and quote budgets), computed
 * once per config object instead of on every tick. Divisions are the costliest Decimal
 * operation, and several of these are divisions the step used to redo each tick.
 *
 * Keyed by the config's identity in a WeakMap: an `EppConfig` is immutable (readonly, built
 * once at load time, and already compared by identity by the quote memo), so a derived value
 * can never go stale, and each one is the very same Decimal the direct formula yields.
 */
import { type Decimal, ONE, bpsToFraction } from '../../money/decimal.ts';
import type { EppConfig } from './config.ts';

export interface EppConsts {
  /** `min_net_edge_bps / 10000`. */
  readonly minNetEdge: Decimal;
  /** `edge_resume_bps / 10000`. */
  readonly edgeResume: Decimal;
  /** `band_hi − band_lo`. */
  readonly bandWidth: Decimal;
  /** `2·maker_fee_pct + slippage_est_pct + adverse_drift_est_pct + min_net_edge_bps/10000` (the floor before the vol penalty). */
  readonly floorBase: Decimal;
  /** `−skew_cap`. */
  readonly negSkewCap: Decimal;
  /** `1 + trend_eps_pct` and `1 − trend_eps_pct` (as `trendEpsPct.plus(1)`, `trendEpsPct.negated().plus(1)`). */
  readonly trendUp: Decimal;
  readonly trendDown: Decimal;
  /** `1 + i·spread_step_multiplier`, by level index (grown on demand). */
  readonly stepFactors: Decimal[];
  /** `total_amount_quote / (2·levels)`, by level count (filled on demand). */
  readonly perLevel: Map<number, Decimal>;
}

const CACHE = new WeakMap<EppConfig, EppConsts>();

/** The derived constants of `config` (computed on first use). */
export function eppConsts(config: EppConfig): EppConsts {
  let c = CACHE.get(config);
  if (c === undefined) {
    const minNetEdge = bpsToFraction(config.minNetEdgeBps);
    c = {
      minNetEdge,
      edgeResume: bpsToFraction(config.edgeResumeBps),
      bandWidth: config.bandHi.minus(config.bandLo),
      floorBase: config.makerFeePct.times(2).plus(config.slippageEstPct).plus(config.adverseDriftEstPct).plus(minNetEdge),
      negSkewCap: config.skewCap.negated(),
      trendUp: config.trendEpsPct.plus(1),
      trendDown: config.trendEpsPct.negated().plus(1),
      stepFactors: [ONE],
      perLevel: new Map(),
    };
    CACHE.set(config, c);
  }
  return c;
}

/** `1 + i·spread_step_multiplier` (the same Decimal every time for a config). */
export function stepFactor(config: EppConfig, i: number): Decimal {
  const f = eppConsts(config).stepFactors;
  for (let j = f.length; j <= i; j++) f.push(config.spreadStepMultiplier.times(j).plus(ONE));
  return f[i] as Decimal;
}

/** `total_amount_quote / (2·levels)` for `levels` > 0. */
export function perLevelQuote(config: EppConfig, levels: number): Decimal {
  const m = eppConsts(config).perLevel;
  let q = m.get(levels);
  if (q === undefined) {
    q = config.totalAmountQuote.dividedBy(2 * levels);
    m.set(levels, q);
  }
  return q;
}
