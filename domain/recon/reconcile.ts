/**
 * Reconciliation of one bot's account on one symbol: the venue's view against the bot's own
 * books, as findings with severities from versioned thresholds. Pure: the same input gives the
 * same findings in the same order (balances by asset, then orders by client id, then fills by
 * trade id), whatever order the sides listed things in.
 */
import { checkBalances } from './balances.ts';
import { checkFills } from './fills.ts';
import { checkOrders } from './orders.ts';
import { RECON_THRESHOLDS_V1, type ReconThresholds, type Severity } from './thresholds.ts';
import type { Finding, ReconInput } from './types.ts';

export function reconcile(input: ReconInput, thresholds: ReconThresholds = RECON_THRESHOLDS_V1): Finding[] {
  const balances =
    input.local.balances === null || input.venue.balances === null
      ? []
      : checkBalances({ venue: input.venue.balances, local: input.local.balances, ...(input.assets !== undefined ? { assets: input.assets } : {}), ...(input.dust !== undefined ? { dust: input.dust } : {}) }, thresholds);
  return [
    ...balances,
    ...checkOrders(input.venue.openOrders, input.local.openOrders, input.phase, input.adopted ?? [], thresholds),
    ...checkFills(input.venue.fills, input.local.fills, input.sinceMs, thresholds),
  ];
}

/** Findings counted by severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { warning: 0, critical: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
