/**
 * Public surface of the paper engine (strategy-epp §12): the seeded PRNG, the fill model's
 * step function and types, its stats, and the configuration with the desk's defaults.
 */
export * from './config.ts';
export * from './prng.ts';
export * from './types.ts';
export { createPaperState, inputTs, runPaper, stepPaper } from './fill-model.ts';
export { PAPER_METRIC_NAMES, driftPnl, paperStats } from './stats.ts';
export type { PaperStats } from './stats.ts';
export { assertValidPaperParams } from './validate.ts';
export { restorePaperState, snapshotPaperState } from './snapshot.ts';
