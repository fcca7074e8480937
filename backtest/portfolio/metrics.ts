/**
 * The run's metrics, from the portfolio's fills, equity curve and final view. Every money
 * figure is in quote. Definitions:
 *
 * - `netPnl` = final equity − opening equity (= realized + unrealized − fees − funding).
 * - `grossSpreadCapture` = Σ |fill price − mid at fill|·amount; `avgCapturePerFill` = it / fills (0 without fills).
 * - `fees`, `funding`: paid, in quote (negative = rebates / received).
 * - `maxDrawdown`: the largest `(peak − equity)/peak` over the marks (fraction of the peak);
 *   `maxDrawdownQuote` the largest `peak − equity`.
 * - `sharpe`: Sharpe proxy = mean(r)/stdev(r)·sqrt(barsPerYear), r_i = E_i/E_{i−1} − 1 over the
 *   equity samples (E_{−1} = opening equity; a return after an equity ≤ 0 is skipped), stdev
 *   the population one, barsPerYear = 365 days / barIntervalMs (crypto trades every day);
 *   no risk-free rate. 0 when fewer than 2 returns or stdev = 0.
 * - `profitFactor` = Σ positive per-fill realized PnL / |Σ negative per-fill realized PnL|
 *   (price PnL, fees excluded); null when no fill realized a loss.
 * - `fillRate` = orders with at least one fill / orders placed; null when none were placed.
 * - `turnover` = traded notional / opening equity (per day: the day's notional / opening
 *   equity); null when the opening equity is ≤ 0.
 * - per day (UTC) and per regime: see breakdowns.ts.
 *
 * Serialisation (fixed.ts): exact plain decimals for sums; quotients rounded to 12 places.
 */
import { Decimal, ZERO, sum } from '../../domain/money/decimal.ts';
import { perDay, perRegime } from './breakdowns.ts';
import { exact, ratio } from './fixed.ts';
import type { EquitySample, FillRecord, PortfolioView } from './types.ts';

export interface MetricsInput {
  readonly fills: readonly FillRecord[];
  readonly samples: readonly EquitySample[];
  /** The portfolio's view at the end of the run. */
  readonly final: PortfolioView;
  /** Orders the strategy placed (accepted or not) — the fill rate's denominator. */
  readonly ordersPlaced: number;
  /** Spacing of the equity samples, for the Sharpe annualisation. */
  readonly barIntervalMs: number;
}

export interface DayMetrics { readonly day: string; readonly pnl: string; readonly fees: string; readonly fills: number; readonly turnover: string | null }
export interface RegimeMetrics { readonly regime: string; readonly bars: number; readonly pnl: string; readonly fills: number }

export interface BacktestMetrics {
  readonly startEquity: string;
  readonly endEquity: string;
  readonly netPnl: string;
  readonly realized: string;
  readonly unrealized: string;
  readonly grossSpreadCapture: string;
  readonly avgCapturePerFill: string;
  readonly fees: string;
  readonly funding: string;
  readonly maxDrawdown: string;
  readonly maxDrawdownQuote: string;
  readonly sharpe: string;
  readonly profitFactor: string | null;
  readonly fillRate: string | null;
  readonly ordersPlaced: number;
  readonly ordersFilled: number;
  readonly fills: number;
  readonly bars: number;
  readonly tradedNotional: string;
  readonly turnover: string | null;
  readonly perDay: readonly DayMetrics[];
  readonly perRegime: readonly RegimeMetrics[];
}

const YEAR_MS = new Decimal(365 * 24 * 3600 * 1000);

/** Sharpe proxy of the equity samples (see the module comment). */
export function sharpeProxy(equityOpen: Decimal, samples: readonly EquitySample[], barIntervalMs: number): Decimal {
  if (!(Number.isFinite(barIntervalMs) && barIntervalMs > 0)) throw new RangeError(`metrics: barIntervalMs must be > 0, got ${barIntervalMs}`);
  const returns: Decimal[] = [];
  let prev = equityOpen;
  for (const s of samples) {
    if (prev.gt(0)) returns.push(s.equity.dividedBy(prev).minus(1));
    prev = s.equity;
  }
  if (returns.length < 2) return ZERO;
  const mean = sum(returns).dividedBy(returns.length);
  const variance = sum(returns.map((r) => r.minus(mean).pow(2))).dividedBy(returns.length);
  if (variance.isZero()) return ZERO;
  return mean.dividedBy(variance.sqrt()).times(YEAR_MS.dividedBy(barIntervalMs).sqrt());
}

function profitFactor(fills: readonly FillRecord[]): Decimal | null {
  const gains = sum(fills.filter((f) => f.realized.gt(0)).map((f) => f.realized));
  const losses = sum(fills.filter((f) => f.realized.lt(0)).map((f) => f.realized)).abs();
  return losses.isZero() ? null : gains.dividedBy(losses);
}

/** Computes the metrics of a run (see the module comment for every definition). */
export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const { fills, samples, final } = input;
  const open = final.equityOpen;
  const capture = sum(fills.map((f) => f.capture));
  const notional = sum(fills.map((f) => f.notional));
  const ordersFilled = new Set(fills.map((f) => f.fill.orderId)).size;
  const turnover = (n: Decimal): string | null => (open.gt(0) ? ratio(n.dividedBy(open)) : null);
  const pf = profitFactor(fills);
  return {
    startEquity: exact(open),
    endEquity: exact(final.equity),
    netPnl: exact(final.equity.minus(open)),
    realized: exact(final.realized),
    unrealized: exact(final.unrealized),
    grossSpreadCapture: exact(capture),
    avgCapturePerFill: fills.length === 0 ? '0' : ratio(capture.dividedBy(fills.length)),
    fees: exact(final.fees),
    funding: exact(final.funding),
    maxDrawdown: ratio(final.maxDrawdown),
    maxDrawdownQuote: exact(final.maxDrawdownQuote),
    sharpe: ratio(sharpeProxy(open, samples, input.barIntervalMs)),
    profitFactor: pf === null ? null : ratio(pf),
    fillRate: input.ordersPlaced > 0 ? ratio(new Decimal(ordersFilled).dividedBy(input.ordersPlaced)) : null,
    ordersPlaced: input.ordersPlaced,
    ordersFilled,
    fills: fills.length,
    bars: samples.length,
    tradedNotional: exact(notional),
    turnover: turnover(notional),
    perDay: perDay(open, samples, fills).map((d) => ({ day: d.day, pnl: exact(d.pnl), fees: exact(d.fees), fills: d.fills, turnover: turnover(d.notional) })),
    perRegime: perRegime(open, samples, fills).map((r) => ({ regime: r.regime, bars: r.bars, pnl: exact(r.pnl), fills: r.fills })),
  };
}
