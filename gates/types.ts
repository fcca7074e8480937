/**
 * The shapes of a gate run: one {@link GateCheck} per check, the evidence inputs each read, and
 * the report `desk gates` writes (`gates.json`). docs/promotion-gates.md is the contract.
 */

/** PASS / FAIL; SKIP only for a check above the requested level (not run). */
export const CHECK_STATUSES = ['PASS', 'FAIL', 'SKIP'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** A scalar the check measured (counts, verdicts, ratios as decimal strings). */
export type Measured = string | number | boolean | null;

/**
 * One evidence file a check read, with the time it carries and whether that time is within the
 * max age. `produced: true` — written by this run (fresh by construction, no age check).
 */
export interface EvidenceInput {
  readonly input: string;
  readonly path: string;
  readonly produced: boolean;
  readonly exists: boolean;
  /** The time the file carries (ISO-8601), or null (missing, unreadable, or no time in it). */
  readonly time: string | null;
  /** Where `time` came from, e.g. `ts`, `max(bots[].window.end)`. */
  readonly timeSource: string | null;
  /** The max age it was judged by (ISO-8601 duration text as given, e.g. `24h`), null when produced. */
  readonly maxAge: string | null;
  readonly fresh: boolean;
  /** Why it is not fresh (missing, stale, no time, in the future). */
  readonly problem?: string;
}

export interface GateCheck {
  readonly id: string;
  readonly level: number;
  readonly title: string;
  readonly status: CheckStatus;
  /** Files the verdict rests on (reports read or written, stores verified). */
  readonly evidence: readonly string[];
  readonly measured: Readonly<Record<string, Measured>>;
  /** Every reason it failed (empty on PASS and SKIP). */
  readonly reasons: readonly string[];
  readonly inputs: readonly EvidenceInput[];
}

export interface LevelResult {
  readonly level: number;
  readonly name: string;
  readonly status: CheckStatus;
  readonly checks: readonly string[];
}

export const GATES_REPORT_SCHEMA = 'desk.gates_report/v1';

export interface GatesReport {
  readonly schema: typeof GATES_REPORT_SCHEMA;
  readonly verdict: 'PASS' | 'FAIL';
  readonly requestedLevel: number;
  /** Highest level whose checks, and every lower level's, all PASS; null when level 0 fails. */
  readonly levelReached: number | null;
  /** The inputs of the run as given (paths as passed, max ages). */
  readonly options: Readonly<Record<string, string | number | Readonly<Record<string, string>>>>;
  readonly levels: readonly LevelResult[];
  readonly checks: readonly GateCheck[];
  /** `<check>: <reason>` for every failing check, in check order. */
  readonly failures: readonly string[];
  /**
   * Everything that depends on the wall clock, in one place: when the run started and ended,
   * the age of each evidence input then, and how long the slow checks took. The rest of the
   * report is a function of the inputs.
   */
  readonly clock: {
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly inputAgesS: Readonly<Record<string, number>>;
    readonly durationsMs: Readonly<Record<string, number>>;
  };
}
