/**
 * Per-day and per-regime breakdowns of a run (see metrics.ts for the definitions). A bar's PnL
 * is the change of the sampled equity since the previous sample (the opening equity for the
 * first), so the bars' PnLs add up to the last sample's equity − the opening equity.
 */
import { type Decimal, ZERO } from '../../domain/money/decimal.ts';
import type { EquitySample, FillRecord } from './types.ts';
import { utcDay } from './utc-day.ts';

export interface DayTotals {
  readonly day: string;
  readonly pnl: Decimal;
  readonly fees: Decimal;
  readonly fills: number;
  readonly notional: Decimal;
}

export interface RegimeTotals {
  readonly regime: string;
  readonly bars: number;
  readonly pnl: Decimal;
  readonly fills: number;
}

/** Label of bars the strategy gave no regime for. */
export const NO_REGIME = 'none';

const byKey = <T extends { readonly day?: string; readonly regime?: string }>(m: Map<string, T>): T[] =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

/** Mutable per-day accumulator (the sums are added in the same order as before: same values). */
interface DayAcc {
  day: string;
  pnl: Decimal;
  fees: Decimal;
  fills: number;
  notional: Decimal;
}

const DAY_MS = 86_400_000;

/**
 * `utcDay(ts)`, remembering the last day's [start, end): samples come in time order, so the
 * ISO formatting runs once per day instead of once per sample.
 */
function dayKeys(): (ts: number) => string {
  let start = Number.NaN;
  let key = '';
  return (ts) => {
    if (!(ts >= start && ts < start + DAY_MS)) {
      key = utcDay(ts);
      start = Math.floor(ts / DAY_MS) * DAY_MS;
    }
    return key;
  };
}

/** Per UTC day: equity change of the day's bars; fees, fill count and notional of the day's fills. Sorted by day. */
export function perDay(equityOpen: Decimal, samples: readonly EquitySample[], fills: readonly FillRecord[]): DayTotals[] {
  const days = new Map<string, DayAcc>();
  const get = (day: string): DayAcc => {
    let d = days.get(day);
    if (d === undefined) days.set(day, (d = { day, pnl: ZERO, fees: ZERO, fills: 0, notional: ZERO }));
    return d;
  };
  const dayOf = dayKeys();
  let prev = equityOpen;
  for (const s of samples) {
    const d = get(dayOf(s.ts));
    d.pnl = d.pnl.plus(s.equity.minus(prev));
    prev = s.equity;
  }
  const fillDay = dayKeys();
  for (const f of fills) {
    const d = get(fillDay(f.fill.ts));
    d.fees = d.fees.plus(f.fill.fee);
    d.fills += 1;
    d.notional = d.notional.plus(f.notional);
  }
  return byKey(days).map((d) => ({ day: d.day, pnl: d.pnl, fees: d.fees, fills: d.fills, notional: d.notional }));
}

/**
 * Per regime label: the number of bars, their PnL, and the fills of those bars — a fill belongs
 * to the first sample at or after its ts (fills after the last sample belong to no bar). Sorted
 * by label.
 */
export function perRegime(equityOpen: Decimal, samples: readonly EquitySample[], fills: readonly FillRecord[]): RegimeTotals[] {
  const regimes = new Map<string, RegimeTotals>();
  const sorted = [...fills].sort((a, b) => a.fill.ts - b.fill.ts); // stable: ties keep booking order
  let prev = equityOpen;
  let k = 0;
  for (const s of samples) {
    let n = 0;
    while (k < sorted.length && (sorted[k] as FillRecord).fill.ts <= s.ts) {
      n += 1;
      k += 1;
    }
    const regime = s.regime ?? NO_REGIME;
    const r = regimes.get(regime) ?? { regime, bars: 0, pnl: ZERO, fills: 0 };
    regimes.set(regime, { regime, bars: r.bars + 1, pnl: r.pnl.plus(s.equity.minus(prev)), fills: r.fills + n });
    prev = s.equity;
  }
  return byKey(regimes);
}
