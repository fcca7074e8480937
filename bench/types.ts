/** One benchmark figure as written to `bench-results.json` (later issues add figures the same way). */
export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly p50?: number;
  readonly p99?: number;
  /** The floor this figure is compared against, measured in the same run. */
  readonly floor?: number;
  /** value / floor. */
  readonly ratio?: number;
  /** Target the figure is judged against, in the same unit (documentation only). */
  readonly target?: string;
}

/** Returns the p-th percentile (0..100) of samples (nearest-rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
