/**
 * Balance changes a bot's own fills explain, per asset: what the live desk's reconciliation
 * compares with the venue's balance changes since the bot started. On a shared account the
 * totals belong to several owners; the bot can only vouch for the changes its fills made.
 */
import { type Decimal, ZERO } from '../money/decimal.ts';
import type { ReconFill, Side } from './types.ts';

/** A fill the bot booked, with the venue trade id it came from. */
export interface BookedFill extends ReconFill {
  readonly side: Side;
}

/**
 * Base and quote changes of `fills`: a buy adds its amount of base and spends its notional of
 * quote, a sell the reverse; a fee in base or quote is taken from that asset (a fee in another
 * asset, e.g. BNB, changes neither).
 */
export function fillDeltas(fills: readonly BookedFill[], base: string, quote: string): Record<string, Decimal> {
  let b = ZERO;
  let q = ZERO;
  for (const f of fills) {
    const notional = f.amount.times(f.price);
    if (f.side === 'buy') {
      b = b.plus(f.amount);
      q = q.minus(notional);
    } else {
      b = b.minus(f.amount);
      q = q.plus(notional);
    }
    if (f.feeAsset === base) b = b.minus(f.fee);
    else if (f.feeAsset === quote) q = q.minus(f.fee);
  }
  return { [base]: b, [quote]: q };
}

/** `now − start` per asset of `assets` (an asset missing on a side counts as 0). */
export function balanceChanges(now: Readonly<Record<string, Decimal>>, start: Readonly<Record<string, Decimal>>, assets: readonly string[]): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  for (const a of assets) out[a] = (now[a] ?? ZERO).minus(start[a] ?? ZERO);
  return out;
}
