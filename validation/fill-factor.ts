/**
 * Fill-factor calibration (strategy-epp §7: `netEdge = fill_factor·spread − …`, where
 * `fill_factor·spread` is the share of its quoted distance from the mid a fill is expected to
 * capture). Pure.
 *
 * Estimator, per fill i with a measurable mid at its order's placement (`m_p`) and at the fill
 * (`m_f`), limit price `p_o`, fill price `p_f`:
 * - quoted_i   = sign·(m_p − p_o) / m_p   (the distance the order was quoted at),
 * - captured_i = sign·(m_f − p_f) / m_f   (what the fill actually got against the mid then),
 * - realized fill factor = Σ captured_i / Σ quoted_i (a ratio of means over the same fills).
 * Signed, not absolute as the origin plan's `mean(|fill − mid|)/mean(spread)`: a fill on the
 * wrong side of the mid captured a negative amount, and |·| would count it as capture.
 * Undefined (null) when no fill is measurable or Σ quoted ≤ 0.
 */
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import { type FillMark, signed } from './fill-marks.ts';

export interface FillFactorCalibration {
  readonly fills: number;
  readonly measurable: number;
  readonly excluded: { readonly noOrderEvent: number; readonly noMidAtPlacement: number; readonly noMidAtFill: number };
  /** Σ captured / Σ quoted, or null. */
  readonly realizedFillFactor: Decimal | null;
  readonly meanQuotedFraction: Decimal | null;
  readonly meanCapturedFraction: Decimal | null;
  /** The largest distance from a fill or placement to a mid sample it used (ms). */
  readonly maxMidStaleMs: number;
}

/** Calibrates the fill factor from `marks` (see the module comment). */
export function calibrateFillFactor(marks: readonly FillMark[]): FillFactorCalibration {
  let quoted = ZERO;
  let captured = ZERO;
  let n = 0;
  let stale = 0;
  const excluded = { noOrderEvent: 0, noMidAtPlacement: 0, noMidAtFill: 0 };
  for (const m of marks) {
    if (m.orderPrice === null) { excluded.noOrderEvent += 1; continue; }
    if (m.midAtPlace === null) { excluded.noMidAtPlacement += 1; continue; }
    if (m.midAtFill === null) { excluded.noMidAtFill += 1; continue; }
    const mp = m.midAtPlace.mid;
    const mf = m.midAtFill.mid;
    quoted = quoted.plus(signed(m, mp.minus(m.orderPrice)).dividedBy(mp));
    captured = captured.plus(signed(m, mf.minus(m.fill.price)).dividedBy(mf));
    stale = Math.max(stale, m.midAtPlace.staleMs, m.midAtFill.staleMs);
    n += 1;
  }
  return {
    fills: marks.length,
    measurable: n,
    excluded,
    realizedFillFactor: n === 0 || quoted.lte(ZERO) ? null : captured.dividedBy(quoted),
    meanQuotedFraction: n === 0 ? null : quoted.dividedBy(n),
    meanCapturedFraction: n === 0 ? null : captured.dividedBy(n),
    maxMidStaleMs: stale,
  };
}

