/** The backtest portfolio: ledger-backed tracker, metrics and their byte-stable serialisation. */
export type { EquitySample, FillRecord, FundingConfig, PortfolioConfig, PortfolioView } from './types.ts';
export { type PortfolioTracker, createPortfolio } from './tracker.ts';
export { type BacktestMetrics, type DayMetrics, type MetricsInput, type RegimeMetrics, computeMetrics, sharpeProxy } from './metrics.ts';
export { type DayTotals, type RegimeTotals, NO_REGIME, perDay, perRegime } from './breakdowns.ts';
export { RATIO_DP, exact, ratio } from './fixed.ts';
export { utcDay } from './utc-day.ts';
