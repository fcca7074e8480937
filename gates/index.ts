/**
 * Promotion gates: one command that runs every gate of the validation ladder — config, replay
 * regression, paper smoke, event-store integrity, paper-soak KPIs, parity, reconciliation,
 * fill-factor calibration, post-trade validation, a secrets scan — judges the freshness of every
 * evidence input, and reports the ladder level reached (docs/promotion-gates.md).
 */
export * from './types.ts';
export * from './ladder.ts';
export { GatesInputError } from './errors.ts';
export { EVIDENCE_INPUTS, type EvidenceName } from './context.ts';
export { EVIDENCE_FILES, SOAK_MIN_WINDOW_MS } from './checks-evidence.ts';
export { FUTURE_TOLERANCE_MS, type MaxAge } from './freshness.ts';
export { type RegressionResult, type RunRegressionSuite, runRegressionSuite } from './regression.ts';
export { SMOKE_DURATION_S, judgeSmoke, runPaperSmoke } from './smoke.ts';
export { KNOWN_SECRET_ENV, SECRET_PATTERNS, type SecretFinding, type SecretNeedle, envSecretNeedles, scanArtifacts, scanFile } from './secrets-scan.ts';
export { DEFAULT_MAX_AGE, type GatesOptions, type GatesRun, parseMaxAges, runGates } from './run-gates.ts';
export { gatesMarkdown, writeGatesReport } from './report.ts';
