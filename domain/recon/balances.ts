/** Balance check: venue totals per asset vs the ledger's expected totals. */
import { type Decimal, ZERO } from '../money/decimal.ts';
import { byString, str } from './compare.ts';
import type { ReconThresholds } from './thresholds.ts';
import type { Finding } from './types.ts';

export interface BalanceCheckInput {
  readonly venue: Readonly<Record<string, Decimal>>;
  readonly local: Readonly<Record<string, Decimal>>;
  readonly assets?: readonly string[];
  readonly dust?: Readonly<Record<string, Decimal>>;
}

/** One finding per asset whose difference crosses a threshold; sorted by asset. */
export function checkBalances(i: BalanceCheckInput, t: ReconThresholds): Finding[] {
  const assets = i.assets ?? [...new Set([...Object.keys(i.venue), ...Object.keys(i.local)])];
  const out: Finding[] = [];
  for (const asset of [...new Set(assets)].sort(byString)) {
    const venue = i.venue[asset] ?? ZERO;
    const local = i.local[asset] ?? ZERO;
    const diff = venue.minus(local);
    const abs = diff.abs();
    if (abs.lte(i.dust?.[asset] ?? ZERO)) continue;
    const base = { check: 'balance' as const, subject: asset, venue: str(venue), local: str(local), diff: str(diff) };
    if (local.isZero()) {
      // No relative size: the ledger expects none of it and the venue holds (or owes) some.
      out.push({ ...base, severity: 'critical', threshold: `local 0, |diff| > dust ${str(i.dust?.[asset] ?? ZERO)}`, message: `${asset}: venue holds ${str(venue)}, the ledger expects none` });
      continue;
    }
    const rel = abs.dividedBy(local.abs());
    const pct = `${rel.times(100).toSignificantDigits(4).toFixed()}%`;
    if (rel.gt(t.balance.criticalRel)) {
      out.push({ ...base, severity: 'critical', threshold: `rel > ${str(t.balance.criticalRel)}`, message: `${asset}: venue ${str(venue)} vs ledger ${str(local)} (${pct} off)` });
    } else if (rel.gt(t.balance.warningRel)) {
      out.push({ ...base, severity: 'warning', threshold: `rel > ${str(t.balance.warningRel)}`, message: `${asset}: venue ${str(venue)} vs ledger ${str(local)} (${pct} off)` });
    }
  }
  return out;
}
