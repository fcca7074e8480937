/**
 * Versioned reconciliation thresholds. A report names the version it was judged by, so a
 * finding can always be explained after the thresholds change; a change of any value is a new
 * version (`RECON_THRESHOLDS_V2`, …), never an edit of V1.
 */
import { Decimal } from '../money/decimal.ts';

export type Severity = 'warning' | 'critical';

/** When the check runs: at startup an unknown venue order is worse than at runtime. */
export type ReconPhase = 'startup' | 'runtime';

export interface ReconThresholds {
  readonly version: string;
  readonly balance: {
    /** |venue − local| / |local| strictly above this ⇒ warning. */
    readonly warningRel: Decimal;
    /** |venue − local| / |local| strictly above this ⇒ critical (the runtime soft-pauses). */
    readonly criticalRel: Decimal;
  };
  readonly order: {
    /** A venue order the bot does not know, by phase; an adopted one is always `adoptedSeverity`. */
    readonly orphan: Readonly<Record<ReconPhase, Severity>>;
    readonly orphanAdopted: Severity;
    /** An order the bot believes open that the venue does not list. */
    readonly missing: Severity;
    /** The venue's price or amount differs from the bot's beyond `matchRel`. */
    readonly terms: Severity;
    /** The venue's filled amount differs from the bot's (the bot has not heard a fill yet). */
    readonly filled: Severity;
  };
  readonly fill: {
    readonly missing: Severity;
    readonly phantom: Severity;
    /** Same trade id booked twice locally. */
    readonly duplicate: Severity;
    /** Price, amount or order id disagree beyond `matchRel`: the ledger is wrong. */
    readonly terms: Severity;
    /** Fee amount or asset disagree beyond `feeRel`. */
    readonly fee: Severity;
  };
  /** Relative tolerance for prices and amounts (a float round trip through ccxt's numbers). */
  readonly matchRel: Decimal;
  /** Relative tolerance for fees (a locally estimated fee vs the venue's charge). */
  readonly feeRel: Decimal;
}

/**
 * Version 1.
 *
 * - balance warning > 1 %, critical > 5 %: the hardening plan, Day 71 "Periodic position
 *   reconciliation": "If delta > 1%, log WARNING. If delta > 5%, trigger SOFT_PAUSE." (strict
 *   `>`, relative to the local figure). A venue holding of an asset the ledger expects at zero
 *   has no relative size and is critical once above the caller's dust.
 * - any missing or phantom fill is critical: the plan, Day 51 "Exchange-Side Fill
 *   Reconciliation", alerts on missing fills, phantom fills and "price/amount discrepancy beyond
 *   tolerance"; a ledger that lacks or invents a trade is wrong about inventory and PnL, so the
 *   bot must stop quoting on it. A price/amount disagreement is critical for the same reason.
 * - orphan order: warning at runtime (the bot may simply not have seen the ack yet), critical
 *   at startup (the plan, Days 68 and 71: orphans left by a crash "can fill unexpectedly")
 *   unless the runtime adopted it (it will cancel or track it): then a warning.
 * - a locally open order the venue lacks is a warning: it left the book (filled or cancelled)
 *   and the poll has not caught up; if it filled, the fill check reports the missing fill as a
 *   critical. Same for a filled-amount lag. An order whose price or amount differs is critical.
 * - fee mismatch is a warning beyond 1 % relative: fees may be estimated locally when the venue
 *   omits them (the plan, Day 60, fee fallback `notional * taker_fee_pct`); they move PnL by
 *   basis points, not inventory.
 * - matchRel 1e-9: ccxt hands prices and amounts over as doubles; their shortest decimal form
 *   round-trips the venue's decimal exactly, so this only absorbs a venue that formats with
 *   more digits than a double carries.
 */
export const RECON_THRESHOLDS_V1: ReconThresholds = {
  version: 'recon-thresholds/v1',
  balance: { warningRel: new Decimal('0.01'), criticalRel: new Decimal('0.05') },
  order: { orphan: { startup: 'critical', runtime: 'warning' }, orphanAdopted: 'warning', missing: 'warning', terms: 'critical', filled: 'warning' },
  fill: { missing: 'critical', phantom: 'critical', duplicate: 'critical', terms: 'critical', fee: 'warning' },
  matchRel: new Decimal('1e-9'),
  feeRel: new Decimal('0.01'),
};
