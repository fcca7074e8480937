/**
 * Regime detection (strategy-epp §3): classify one tick, then apply the hold rule — a new
 * regime takes effect only after it is detected on `regime_hold_ticks` consecutive ticks.
 * The first regime after warm-up obeys the same rule (until then the bot is still warming up).
 */
import { type DriftState, driftValue } from '../../indicators/drift.ts';
import { approxNumber, certifiedLess } from '../../money/approx.ts';
import { type Decimal, cmp } from '../../money/decimal.ts';
import type { EppConfig, Regime } from './config.ts';
import { eppConsts } from './consts.ts';

/** Per-bar values the detector compares against (they change only when a bar closes). */
export interface RegimeThresholds {
  readonly bandPct: Decimal;
  /** `ema·(1 + trend_eps_pct)`. */
  readonly upAbove: Decimal;
  /** `ema·(1 − trend_eps_pct)`. */
  readonly downBelow: Decimal;
  /** `shock_drift_multiplier·bandPct`: |drift| at or above it is a shock. */
  readonly shockDrift: Decimal;
  /** `bandPct ≥ high_vol_band_pct`. */
  readonly highVol: boolean;
}

/** Precomputes the thresholds from the EMA and band % of the last closed bar. */
export function regimeThresholds(ema: Decimal, bandPct: Decimal, config: EppConfig): RegimeThresholds {
  const c = eppConsts(config); // 1 ± trend_eps_pct, once per config
  return {
    bandPct,
    upAbove: ema.times(c.trendUp),
    downBelow: ema.times(c.trendDown),
    shockDrift: config.shockDriftMultiplier.times(bandPct),
    highVol: bandPct.gte(config.highVolBandPct),
  };
}

/**
 * Classifies one tick. `high_vol_shock` when `|drift30s|/bandPct ≥ shock_drift_multiplier`
 * (evaluated as `|drift| ≥ multiplier·bandPct` to avoid a division; with bandPct = 0 any
 * non-zero drift is a shock) or `bandPct ≥ high_vol_band_pct`; else `up`/`down` by the mid
 * against the EMA ± trend_eps_pct; else `neutral_low_vol`. A null drift (no sample 30 s old
 * yet) cannot signal a shock.
 */
export function detectRegime(mid: Decimal, drift: Decimal | null, t: RegimeThresholds): Regime {
  if (t.highVol) return 'high_vol_shock';
  if (drift !== null && !drift.isZero() && drift.abs().gte(t.shockDrift)) return 'high_vol_shock';
  if (mid.gt(t.upAbove)) return 'up';
  if (mid.lt(t.downBelow)) return 'down';
  return 'neutral_low_vol';
}

/**
 * `detectRegime(mid, driftValue(drift), t)`, without the drift's division on almost every tick
 * (a division is the costliest Decimal operation, and this runs on every tick).
 *
 * `drift = (mid_now − mid_ref)/mid_ref` with `mid_ref > 0`, so `|drift| ≥ shockDrift` ⟺
 * `|mid_now − mid_ref| ≥ shockDrift·mid_ref`; that comparison is decided on double estimates
 * (money/approx.ts: the move is an exact Decimal difference, each side then within 30 ulps)
 * when they are more than 1e−12 apart (relative). Closer than that — where the drift's own
 * 40-digit rounding could matter — the drift is computed and compared exactly as
 * `detectRegime` does, so the answer is always the same as `detectRegime`'s.
 */
export function detectRegimeFromDrift(mid: Decimal, drift: DriftState, t: RegimeThresholds): Regime {
  if (t.highVol) return 'high_vol_shock';
  const last = drift.last;
  const ref = drift.ref;
  if (last !== null && ref !== null) {
    const move = last.mid.minus(ref.mid);
    if (!move.isZero()) {
      const m = approxNumber(move);
      const below = certifiedLess(m < 0 ? -m : m, approxNumber(t.shockDrift) * approxNumber(ref.mid));
      if (!(below ?? !(driftValue(drift) as Decimal).abs().gte(t.shockDrift))) return 'high_vol_shock';
    }
  }
  if (cmp(mid, t.upAbove) > 0) return 'up';
  if (cmp(mid, t.downBelow) < 0) return 'down';
  return 'neutral_low_vol';
}

/** The hold-rule state: the regime in effect and the challenger being counted. */
export interface RegimeHoldState {
  /** The regime in effect, or null before the first one has held. */
  readonly current: Regime | null;
  readonly candidate: Regime | null;
  /** Consecutive ticks the candidate has been detected. */
  readonly count: number;
}

export const REGIME_HOLD_INIT: RegimeHoldState = { current: null, candidate: null, count: 0 };

/** Folds one detection into the hold rule; `changed` is set on the tick the regime switches. */
export function regimeHold(
  s: RegimeHoldState,
  detected: Regime,
  holdTicks: number,
): { readonly state: RegimeHoldState; readonly changed: { readonly from: Regime | null; readonly to: Regime } | null } {
  if (detected === s.current) {
    return { state: s.candidate === null ? s : { current: s.current, candidate: null, count: 0 }, changed: null };
  }
  const count = detected === s.candidate ? s.count + 1 : 1;
  if (count >= holdTicks) return { state: { current: detected, candidate: null, count: 0 }, changed: { from: s.current, to: detected } };
  return { state: { current: s.current, candidate: detected, count }, changed: null };
}
