/**
 * Replay regression (docs/replay-regression.md): a versioned suite of market-data windows, each
 * run through the backtest harness twice and checked for invariants and baseline metrics.
 */
export { SuiteError, WindowInputError } from './errors.ts';
export { type Suite, type SuiteWindow, type InvariantName, INVARIANT_NAMES, SUITE_VERSION, loadSuite, validateSuite } from './suite.ts';
export { METRIC_NAMES, type MetricName, type MetricCheck, checkMetric } from './metrics.ts';
export { type WindowResult, runWindow } from './run-window.ts';
export { type SuiteReport, REPORT_SCHEMA_VERSION, reportJson, reportMarkdown } from './report.ts';
export { type ReplayOutcome, type ReplayRequest, runReplay } from './run-suite.ts';
export { type BaselineChange } from './update-baselines.ts';
