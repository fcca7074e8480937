/**
 * The edge report (the origin plan's Day 65 `gross_spread_capture − fees_paid −
 * estimated_slippage − adverse_drift_cost`), per fill and per UTC day, in quote. Pure.
 *
 * Per fill, with `m_f` the mid at the fill and `m_h` the mid `horizon` later (validation/mids.ts),
 * `p_o` the order's limit price, `p_f` the fill price, `a` the amount:
 * - gross capture  = sign·(m_f − p_o)·a   (what the quote stood to earn against the mid),
 * - fees           = the fill's fee in quote,
 * - slippage       = sign·(p_f − p_o)·a   (paid beyond the limit; 0 for a maker fill at its price),
 * - adverse drift  = −sign·(m_h − m_f)·a  (the mid moving against the fill afterwards; a cost),
 * - net            = gross − fees − slippage − adverse drift = sign·(m_h − p_f)·a − fees.
 * A fill without `p_o`, `m_f` or `m_h` is listed as unmeasured and left out of the sums (its
 * fee is still totalled apart). The desk records no `paper.drift` event (the paper adapter
 * keeps it as a statistic), so the drift comes from snapshot mids.
 */
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import { type FillMark, signed } from './fill-marks.ts';
import { isoOf } from './window.ts';

export interface EdgeFill {
  readonly ts: string;
  readonly clientOrderId: string;
  readonly side: 'buy' | 'sell';
  readonly liquidity: string;
  readonly amount: string;
  readonly price: string;
  readonly orderPrice: string | null;
  readonly midAtFill: string | null;
  readonly midLater: string | null;
  readonly grossCapture: string | null;
  readonly fees: string | null;
  readonly slippage: string | null;
  readonly adverseDrift: string | null;
  readonly net: string | null;
}

export interface EdgeTotals {
  readonly fills: number;
  readonly measured: number;
  readonly notional: string;
  readonly grossCapture: string;
  readonly fees: string;
  readonly slippage: string;
  readonly adverseDrift: string;
  readonly net: string;
  /** Net over the measured fills' notional, in bps (null without notional). */
  readonly netBps: string | null;
  /** Fees of the fills left out of the sums (unmeasured). */
  readonly feesUnmeasured: string;
  readonly feesUnconverted: number;
}

export interface EdgeReport {
  readonly horizonMs: number;
  readonly perFill: readonly EdgeFill[];
  readonly perDay: readonly ({ readonly day: string } & EdgeTotals)[];
  readonly total: EdgeTotals;
}

interface Acc { fills: number; measured: number; notional: Decimal; gross: Decimal; fees: Decimal; slip: Decimal; drift: Decimal; feesOut: Decimal; unconverted: number }
const acc = (): Acc => ({ fills: 0, measured: 0, notional: ZERO, gross: ZERO, fees: ZERO, slip: ZERO, drift: ZERO, feesOut: ZERO, unconverted: 0 });
const q = (d: Decimal): string => d.toDecimalPlaces(8).toString();

function totals(a: Acc): EdgeTotals {
  const net = a.gross.minus(a.fees).minus(a.slip).minus(a.drift);
  return {
    fills: a.fills, measured: a.measured, notional: q(a.notional), grossCapture: q(a.gross), fees: q(a.fees), slippage: q(a.slip), adverseDrift: q(a.drift), net: q(net),
    netBps: a.notional.isZero() ? null : net.dividedBy(a.notional).times(10_000).toDecimalPlaces(4).toString(), feesUnmeasured: q(a.feesOut), feesUnconverted: a.unconverted,
  };
}

/** The edge report of `marks`, measured at `horizonMs` after each fill. */
export function edgeReport(marks: readonly FillMark[], horizonMs: number): EdgeReport {
  const days = new Map<string, Acc>();
  const all = acc();
  const perFill: EdgeFill[] = marks.map((m) => {
    const f = m.fill;
    const day = isoOf(f.ts).slice(0, 10);
    const d = days.get(day) ?? acc();
    days.set(day, d);
    const a = f.amount;
    const gross = m.orderPrice !== null && m.midAtFill !== null ? signed(m, m.midAtFill.mid.minus(m.orderPrice)).times(a) : null;
    const slip = m.orderPrice !== null ? signed(m, f.price.minus(m.orderPrice)).times(a) : null;
    const drift = m.midAtFill !== null && m.midLater !== null ? signed(m, m.midLater.mid.minus(m.midAtFill.mid)).times(a).negated() : null;
    const fee = m.feeQuote;
    const net = gross !== null && slip !== null && drift !== null && fee !== null ? gross.minus(fee).minus(slip).minus(drift) : null;
    for (const x of [d, all]) {
      x.fills += 1;
      if (fee === null) x.unconverted += 1;
      if (net === null || gross === null || slip === null || drift === null || fee === null) {
        x.feesOut = x.feesOut.plus(fee ?? ZERO);
        continue;
      }
      x.measured += 1;
      x.notional = x.notional.plus(f.price.times(a));
      x.gross = x.gross.plus(gross);
      x.fees = x.fees.plus(fee);
      x.slip = x.slip.plus(slip);
      x.drift = x.drift.plus(drift);
    }
    const s = (v: Decimal | null): string | null => (v === null ? null : q(v));
    return {
      ts: isoOf(f.ts), clientOrderId: f.clientOrderId, side: f.side, liquidity: f.liquidity, amount: f.amount.toString(), price: f.price.toString(),
      orderPrice: m.orderPrice?.toString() ?? null, midAtFill: s(m.midAtFill?.mid ?? null), midLater: s(m.midLater?.mid ?? null),
      grossCapture: s(gross), fees: s(fee), slippage: s(slip), adverseDrift: s(drift), net: s(net),
    };
  });
  return {
    horizonMs,
    perFill,
    perDay: [...days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, a]) => ({ day, ...totals(a) })),
    total: totals(all),
  };
}
