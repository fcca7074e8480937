/**
 * The validation ladder as the gates enforce it (docs/promotion-gates.md). The hardening plan
 * (Day 77 "Validation Ladder Gate Integration") names Level 1 backtest regression PASS, Level 2
 * paper smoke with `paper_fill_count > 0`, Level 3 paper soak with all 7 KPIs green, Level 5
 * fill-factor calibration present with `realized_fill_factor > 0`, Level 6 post-trade validation
 * with no CRITICAL; Levels 0 and 4 are ours (static checks; shadow parity and reconciliation —
 * the plan's Day 6 gate inputs). Level 7 (scaling capital) is an operator's decision the gates
 * do not certify.
 */

export interface LevelDef {
  readonly level: number;
  readonly name: string;
  /** What reaching it means. */
  readonly meaning: string;
  /** Produced by the run itself (no venue, no prior evidence needed). */
  readonly selfContained: boolean;
}

export const LADDER: readonly LevelDef[] = [
  { level: 0, name: 'static', meaning: 'the config is valid and no artifact holds a secret', selfContained: true },
  { level: 1, name: 'replay regression', meaning: 'every window of the regression suite passes its invariants and baselines', selfContained: true },
  { level: 2, name: 'paper smoke', meaning: 'the config trades on the paper engine: every bot fills within 10 simulated minutes, the store is clean', selfContained: true },
  { level: 3, name: 'paper soak', meaning: 'a fresh paper soak report (window ≥ 2h) with all 7 KPIs green', selfContained: false },
  { level: 4, name: 'shadow parity', meaning: 'fresh parity within thresholds and a fresh reconciliation without critical findings (needs a venue: the simulator or live)', selfContained: false },
  { level: 5, name: 'micro-capital', meaning: 'a fresh fill-factor calibration with realized fill factor > 0 for every bot (needs live fills)', selfContained: false },
  { level: 6, name: 'scaled live', meaning: 'a fresh post-trade validation without CRITICAL or UNMEASURABLE (needs live fills)', selfContained: false },
];

export const MAX_LEVEL = 6;
/**
 * The highest level a machine without a live venue and without earlier evidence can reach
 * honestly: everything up to it is produced by the run. Level 3 needs a multi-hour paper soak
 * report, which one command cannot produce; ask for it with `--level 3`.
 */
export const DEFAULT_LEVEL = 2;

/** Check ids in run order, each with its level. */
export const CHECKS = [
  { id: 'config', level: 0, title: 'config check' },
  { id: 'regression', level: 1, title: 'replay regression suite' },
  { id: 'paper_smoke', level: 2, title: 'paper smoke (fills > 0 within 10 simulated minutes)' },
  { id: 'event_store', level: 2, title: 'event-store integrity (the smoke\'s store)' },
  { id: 'paper_soak', level: 3, title: 'paper-soak KPIs' },
  { id: 'parity', level: 4, title: 'parity thresholds' },
  { id: 'reconciliation', level: 4, title: 'reconciliation status' },
  { id: 'fill_factor', level: 5, title: 'fill-factor calibration' },
  { id: 'post_trade', level: 6, title: 'post-trade validation' },
  { id: 'secrets', level: 0, title: 'secrets scan of the artifacts' },
] as const;
export type CheckId = (typeof CHECKS)[number]['id'];

/** The level of `id`. */
export function levelOf(id: CheckId): number {
  const c = CHECKS.find((x) => x.id === id);
  if (c === undefined) throw new Error(`unknown check ${id}`);
  return c.level;
}

/** Highest level L such that every check of a level ≤ L passed; null when level 0 did not. */
export function levelReached(checks: readonly { readonly level: number; readonly status: string }[]): number | null {
  let reached: number | null = null;
  for (const def of LADDER) {
    const at = checks.filter((c) => c.level === def.level);
    if (at.length === 0 || at.some((c) => c.status !== 'PASS')) break;
    reached = def.level;
  }
  return reached;
}
