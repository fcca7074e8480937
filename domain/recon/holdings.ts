/**
 * The startup balance check of a bot on a possibly shared account: the bot's holdings are a
 * lower bound of what the account must hold. The venue side is capped at what the bot needs
 * before the ordinary balance check runs, so more than the bot's share is never a finding and
 * less is judged by the thresholds; any shortfall at all is listed in `short` (the desk refuses
 * to start on it: every sell or buy beyond the account's holdings would be refused).
 */
import { Decimal } from '../money/decimal.ts';
import { reconcile } from './reconcile.ts';
import type { ReconThresholds } from './thresholds.ts';
import { RECON_THRESHOLDS_V1 } from './thresholds.ts';
import type { Finding } from './types.ts';

export interface HoldingsCheck {
  /** Per asset: what the venue holds, what the bot needs. */
  readonly compared: readonly { readonly asset: string; readonly venue: Decimal; readonly need: Decimal }[];
  /** Assets the venue holds less of than the bot needs. */
  readonly short: readonly { readonly asset: string; readonly venue: Decimal; readonly need: Decimal }[];
  /** The findings of `reconcile` on the capped balances (shortfalls only). */
  readonly findings: readonly Finding[];
}

export function checkHoldings(venue: Readonly<Record<string, Decimal>>, need: Readonly<Record<string, Decimal>>, thresholds: ReconThresholds = RECON_THRESHOLDS_V1): HoldingsCheck {
  const assets = Object.keys(need).sort();
  const compared = assets.map((asset) => ({ asset, venue: venue[asset] ?? new Decimal(0), need: need[asset] ?? new Decimal(0) }));
  const capped: Record<string, Decimal> = {};
  for (const c of compared) capped[c.asset] = Decimal.min(c.venue, c.need);
  return {
    compared,
    short: compared.filter((c) => c.venue.lt(c.need)),
    findings: reconcile({ venue: { balances: capped, openOrders: [], fills: [] }, local: { balances: need, openOrders: [], fills: [] }, phase: 'startup', assets }, thresholds),
  };
}
