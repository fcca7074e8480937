/**
 * Validation: paper-soak KPIs, parity of two environments, fill-factor calibration, the edge
 * report and the post-trade validator — pure computations over the desk's events — and their
 * readers (JSONL store, JetStream) and report writer. docs/validation.md is the contract.
 */
export * from './events.ts';
export * from './window.ts';
export * from './findings.ts';
export * from './errors.ts';
export * from './soak-thresholds.ts';
export * from './soak-kpis.ts';
export * from './soak-report.ts';
export * from './parity-thresholds.ts';
export * from './parity-metrics.ts';
export * from './parity.ts';
export * from './mids.ts';
export * from './fill-marks.ts';
export * from './fill-factor.ts';
export * from './edge-report.ts';
export * from './post-trade.ts';
export * from './analysis-report.ts';
export { readEvents, isNatsSource, type ReadResult } from './read-events.ts';
export { readJsonlEvents, eventFiles } from './read-jsonl.ts';
export { readJetStreamEvents } from './read-jetstream.ts';
export { readConfiguredBots, type ConfiguredBots } from './read-config.ts';
export { writeJsonReport } from './write-report.ts';
export * from './format.ts';
