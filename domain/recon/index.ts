/** Reconciliation: the venue's view of a bot's account against the bot's own books. */
export { reconcile, countBySeverity } from './reconcile.ts';
export { RECON_THRESHOLDS_V1 } from './thresholds.ts';
export type { ReconPhase, ReconThresholds, Severity } from './thresholds.ts';
export type { Finding, ReconCheck, ReconFill, ReconInput, ReconOrder, ReconSide, Side } from './types.ts';
export { balanceChanges, fillDeltas, type BookedFill } from './deltas.ts';
export { checkHoldings, type HoldingsCheck } from './holdings.ts';
