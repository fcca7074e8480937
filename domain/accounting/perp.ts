/**
 * Perpetual-futures figures of an average-cost ledger (strategy-epp §5, §8, §11) and funding.
 *
 * On a perp the ledger's `position` is the signed contract position in base units and its
 * `quoteBalance` is the margin (wallet) balance minus the position's cost, so:
 * - margin balance (the wallet: deposits + realized PnL − fees − funding) = `quoteBalance + costBasis`;
 * - unrealized PnL = `position·mark − costBasis`;
 * - equity = margin balance + unrealized PnL (= `quoteBalance + position·mark`, as on spot).
 *
 * Margin ratio. The desk's margin ratio is the share of equity NOT tied up as initial margin by
 * the position at the bot's leverage: `1 − |position|·mark / (leverage·equity)`, clamped to
 * [0, 1]; 1 when flat, 0 when equity ≤ 0. Lower is riskier: the §8 guard soft-pauses below 0.20
 * and hard-stops below 0.10. It is deliberately more conservative than the venue's liquidation
 * test (equity ≤ maintenance margin): the initial margin at any leverage ≤ 125 exceeds the
 * maintenance margin, so a ratio ≥ 0.10 means equity ≥ 1.1 × initial margin > maintenance
 * margin. A guard at the venue's own liquidation distance would fire only once the position
 * is already worth hundreds of times equity, too late to matter.
 *
 * Funding. A venue settles funding at every multiple of its interval since the epoch (8 h:
 * 00:00, 08:00, 16:00 UTC). At a settlement the position pays `position·mark·rate` (positive
 * = paid: longs pay shorts when the rate is positive).
 */
import { type Decimal, ONE, ZERO, clamp } from '../money/decimal.ts';
import type { Ledger } from './ledger.ts';

/** A perp account's figures at a mark. */
export interface PerpFigures {
  /** Wallet: deposits + realized − fees − funding. */
  readonly marginBalance: Decimal;
  readonly unrealizedPnl: Decimal;
  /** `marginBalance + unrealizedPnl`. */
  readonly equity: Decimal;
  /** Initial margin of the position at `leverage`: `|position|·mark / leverage`. */
  readonly initialMargin: Decimal;
  /** `1 − initialMargin/equity` in [0, 1]. */
  readonly marginRatio: Decimal;
}

/** The desk's margin ratio (see the module comment); `leverage` must be ≥ 1. */
export function marginRatio(position: Decimal, mark: Decimal, equity: Decimal, leverage: Decimal): Decimal {
  if (!leverage.gte(ONE)) throw new RangeError(`margin ratio: leverage must be ≥ 1, got ${leverage.toString()}`);
  if (position.isZero()) return ONE;
  if (!equity.gt(ZERO)) return ZERO;
  return clamp(ONE.minus(position.abs().times(mark).dividedBy(leverage.times(equity))), ZERO, ONE);
}

/** The perp figures of a ledger at `mark` and `leverage`. */
export function perpFigures(l: Ledger, mark: Decimal, leverage: Decimal): PerpFigures {
  const marginBalance = l.quoteBalance.plus(l.costBasis);
  const unrealizedPnl = l.position.times(mark).minus(l.costBasis);
  const equity = marginBalance.plus(unrealizedPnl);
  return {
    marginBalance,
    unrealizedPnl,
    equity,
    initialMargin: l.position.abs().times(mark).dividedBy(leverage),
    marginRatio: marginRatio(l.position, mark, equity, leverage),
  };
}

/** Funding paid (+) or received (−) by `position` at a settlement at `mark` and `rate`. */
export function fundingPayment(position: Decimal, mark: Decimal, rate: Decimal): Decimal {
  return position.times(mark).times(rate);
}

/** Settlement times (ms) in `(fromMs, toMs]`, every `intervalMs` since the epoch, oldest first. */
export function fundingSettlements(fromMs: number, toMs: number, intervalMs: number): number[] {
  if (!(Number.isSafeInteger(intervalMs) && intervalMs > 0)) throw new RangeError(`funding: interval must be a positive integer of ms, got ${intervalMs}`);
  const out: number[] = [];
  for (let t = (Math.floor(fromMs / intervalMs) + 1) * intervalMs; t <= toMs; t += intervalMs) out.push(t);
  return out;
}
