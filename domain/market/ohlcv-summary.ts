/**
 * Folds validated OHLCV bars into a summary: rows, span, the bar interval and the gaps.
 *
 * The interval is the most common step between consecutive bars, so a few gaps don't change
 * it; every step longer than the interval is a gap of `step / interval - 1` missing bars.
 * Timestamps must strictly increase: a row at or before the previous one is rejected as a
 * bad row (a duplicate or an unsorted file would otherwise corrupt every backtest built on it).
 */
import type { Bar } from './types.ts';
import type { OhlcvIssue } from './ohlcv.ts';

/** A hole in the series: `missing` bars between `afterTs` and `beforeTs`. */
export interface OhlcvGap {
  readonly afterTs: number;
  readonly beforeTs: number;
  readonly missing: number;
}

export interface OhlcvSummary {
  readonly rows: number;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** lastTs − firstTs (ms); 0 for fewer than two rows. */
  readonly spanMs: number;
  /** Most common step between bars (ms), or null for fewer than two rows. */
  readonly intervalMs: number | null;
  readonly gaps: number;
  readonly missingBars: number;
  /** Steps that are not a multiple of the interval (irregular series). */
  readonly irregularSteps: number;
  /** The first gaps (up to `maxListed`). */
  readonly gapList: readonly OhlcvGap[];
  readonly badRows: number;
  /** The first bad rows (up to `maxListed`). */
  readonly issues: readonly OhlcvIssue[];
}

export interface OhlcvCollectorOptions {
  /** Keep the accepted bars (for backtests); inspection only needs the summary. Default false. */
  readonly keepBars?: boolean;
  /** How many gaps and bad rows to list in the summary. Default 20. */
  readonly maxListed?: number;
}

/** Accumulates bars (in file order) and bad rows into an {@link OhlcvSummary}. */
export class OhlcvCollector {
  private readonly ts: number[] = [];
  private readonly kept: Bar[] = [];
  private readonly issueList: OhlcvIssue[] = [];
  private badCount = 0;
  private readonly keepBars: boolean;
  private readonly maxListed: number;

  constructor(options: OhlcvCollectorOptions = {}) {
    this.keepBars = options.keepBars ?? false;
    this.maxListed = options.maxListed ?? 20;
  }

  /** Adds a valid bar; returns false (and records a bad row) if its timestamp does not increase. */
  add(bar: Bar, line: number, file?: string): boolean {
    const prev = this.ts[this.ts.length - 1];
    if (prev !== undefined && bar.ts <= prev) {
      this.reject(line, `timestamp ${new Date(bar.ts).toISOString()} is not after the previous row's ${new Date(prev).toISOString()}`, file);
      return false;
    }
    this.ts.push(bar.ts);
    if (this.keepBars) this.kept.push(bar);
    return true;
  }

  /** Records a bad row. */
  reject(line: number, reason: string, file?: string): void {
    this.badCount++;
    if (this.issueList.length < this.maxListed) this.issueList.push(file === undefined ? { line, reason } : { file, line, reason });
  }

  /** Accepted bars (empty unless `keepBars`). */
  get bars(): readonly Bar[] {
    return this.kept;
  }

  summary(): OhlcvSummary {
    const ts = this.ts;
    const first = ts[0] ?? null;
    const last = ts[ts.length - 1] ?? null;
    const interval = modeStep(ts);
    let gaps = 0;
    let missing = 0;
    let irregular = 0;
    const gapList: OhlcvGap[] = [];
    for (let i = 1; interval !== null && i < ts.length; i++) {
      const step = (ts[i] as number) - (ts[i - 1] as number);
      if (step % interval !== 0) irregular++;
      if (step <= interval) continue;
      const n = Math.ceil(step / interval) - 1;
      gaps++;
      missing += n;
      if (gapList.length < this.maxListed) gapList.push({ afterTs: ts[i - 1] as number, beforeTs: ts[i] as number, missing: n });
    }
    return {
      rows: ts.length, firstTs: first, lastTs: last, spanMs: first === null || last === null ? 0 : last - first,
      intervalMs: interval, gaps, missingBars: missing, irregularSteps: irregular, gapList,
      badRows: this.badCount, issues: [...this.issueList],
    };
  }
}

/** The most common positive step (the smallest on a tie), or null for fewer than two points. */
function modeStep(ts: readonly number[]): number | null {
  const counts = new Map<number, number>();
  for (let i = 1; i < ts.length; i++) {
    const step = (ts[i] as number) - (ts[i - 1] as number);
    counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [step, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && step < best)) {
      best = step;
      bestCount = count;
    }
  }
  return best;
}
