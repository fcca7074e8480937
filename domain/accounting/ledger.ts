/**
 * Average-cost accounting ledger for one instrument (strategy-epp §11).
 *
 * Model. The ledger holds a base `position` (a spot base balance, or a perp position that may go
 * negative), a `quoteBalance` (spot cash; on perps: margin balance minus the position's cost, so
 * `quote + position·mark` is still margin balance + unrealized PnL), and the position's signed
 * `costBasis = position·avgCost`. Storing the cost basis rather than the average cost keeps the
 * accounting identity exact (see below); `avgCost = costBasis/position` is derived.
 *
 * Fills. A fill of signed quantity q (buy +, sell −) at price p moves `p·q` of quote and q of base.
 * The part of q that increases |position| (or opens it from flat) adds `p·q` to the cost basis.
 * The part that reduces it removes its share of the cost basis, `r = costBasis·closed/position`
 * (rounded to COST_DP decimals, the only rounding in the ledger), and realizes `p·closed − r`,
 * i.e. `(p − avgCost)·closed`. A fill larger than the position closes it (realizing on the closed
 * part) and opens the rest on the other side at p.
 *
 * Fees (kept apart from price PnL, by asset and in quote):
 * - in quote: paid out of `quoteBalance`; `feesQuote += fee`.
 * - in base: paid out of the position. It is booked as a disposal of `fee` base units at the fill
 *   price whose proceeds `fee·p` go to the fee: the position shrinks by `fee`, the cost basis of
 *   those units leaves through the same average-cost rule (so the price PnL on them is realized
 *   and `avgCost` of the rest is unchanged), and `feesQuote += fee·p`. No quote moves.
 * - in a third asset (e.g. BNB): not in this ledger's balances, so it is NOT in `feesQuote`.
 *   It is converted with the fill's `feeRate` (quote per unit of fee asset) into
 *   `feesExternalQuote` when given; otherwise the asset is listed in `unpricedFeeAssets`.
 * A negative fee is a rebate and follows the same rules with the opposite sign.
 *
 * Funding: `accrueFunding(l, amount)` pays `amount` (positive = paid, negative = received) out
 * of `quoteBalance` and adds it to `funding`.
 *
 * Identity. With `equity = quoteBalance + position·mark` and `unrealized = position·mark −
 * costBasis` (= `(mark − avgCost)·position`), every operation keeps
 * `quoteBalance + costBasis = equityOpen + realized − feesQuote − funding`, hence
 * `equity − equityOpen = realized + unrealized − feesQuote − funding`. It holds exactly whenever
 * every sum fits in 40 significant digits (true for prices/amounts on venue grids); otherwise it
 * holds to the 40-digit precision of the desk's Decimal.
 */
import { type Decimal, ZERO, dmin } from '../money/decimal.ts';
import type { Side } from '../instrument/rules.ts';

/** Decimal places kept on the cost basis removed by a reducing fill. */
export const COST_DP = 20;

/** Opening inventory; the base balance is costed at the opening `mark`. */
export interface LedgerInit {
  readonly base: string;
  readonly quote: string;
  readonly baseBalance: Decimal;
  readonly quoteBalance: Decimal;
  readonly mark: Decimal;
}

/** Ledger state. Immutable: every operation returns a new ledger. */
export interface Ledger {
  readonly base: string;
  readonly quote: string;
  /** Base position (negative = short). */
  readonly position: Decimal;
  /** Signed cost of the position: `position·avgCost`. */
  readonly costBasis: Decimal;
  readonly quoteBalance: Decimal;
  /** Cumulative realized price PnL in quote (fees and funding excluded). */
  readonly realized: Decimal;
  /** Fees paid, per asset, in units of that asset. */
  readonly feesByAsset: Readonly<Record<string, Decimal>>;
  /** Fees paid out of this ledger's balances (quote and base), in quote. */
  readonly feesQuote: Decimal;
  /** Fees paid in a third asset, converted at the fills' `feeRate`, in quote (outside equity). */
  readonly feesExternalQuote: Decimal;
  /** Third assets that fees were paid in without a `feeRate`. */
  readonly unpricedFeeAssets: readonly string[];
  /** Cumulative funding in quote (positive = paid). */
  readonly funding: Decimal;
  /** Σ price·amount over fills. */
  readonly tradedNotional: Decimal;
  readonly fillCount: number;
  /** `quoteBalance + baseBalance·mark` at opening. */
  readonly equityOpen: Decimal;
  /** Timestamp (ms) of the last fill or funding, null before any. */
  readonly lastTs: number | null;
}

/** One fill. `fee` is in `feeAsset` units; `feeRate` (quote per feeAsset unit) prices a third asset. */
export interface LedgerFill {
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly fee: Decimal;
  readonly feeAsset: string;
  readonly ts: number;
  readonly feeRate?: Decimal;
}

/** Result of `applyFill`. */
export interface FillResult {
  readonly ledger: Ledger;
  /** Price PnL realized by this fill (including on base units paid as fee). */
  readonly realized: Decimal;
  /** This fill's fee in quote if paid from the ledger's balances, else 0. */
  readonly feeQuote: Decimal;
}

/** A point-in-time view at `mark`. */
export interface LedgerSnapshot {
  readonly position: Decimal;
  /** 0 when flat. */
  readonly avgCost: Decimal;
  readonly quoteBalance: Decimal;
  readonly realized: Decimal;
  readonly unrealized: Decimal;
  readonly feesQuote: Decimal;
  readonly feesExternalQuote: Decimal;
  readonly unpricedFeeAssets: readonly string[];
  readonly feesByAsset: Readonly<Record<string, Decimal>>;
  readonly funding: Decimal;
  readonly equity: Decimal;
  readonly equityOpen: Decimal;
  readonly tradedNotional: Decimal;
}

/** Opens a ledger; the opening base balance is costed at `mark`. */
export function ledgerInit(init: LedgerInit): Ledger {
  if (init.base === init.quote) throw new RangeError(`ledger: base and quote must differ, got ${init.base}`);
  if (!init.mark.gt(0)) throw new RangeError(`ledger: opening mark must be > 0, got ${init.mark.toString()}`);
  const costBasis = init.baseBalance.times(init.mark);
  return {
    base: init.base,
    quote: init.quote,
    position: init.baseBalance,
    costBasis,
    quoteBalance: init.quoteBalance,
    realized: ZERO,
    feesByAsset: {},
    feesQuote: ZERO,
    feesExternalQuote: ZERO,
    unpricedFeeAssets: [],
    funding: ZERO,
    tradedNotional: ZERO,
    fillCount: 0,
    equityOpen: init.quoteBalance.plus(costBasis),
    lastTs: null,
  };
}

interface Inventory {
  readonly position: Decimal;
  readonly costBasis: Decimal;
  readonly realized: Decimal;
}

/** Average-cost inventory change for a signed quantity `q` at `price` (no cash movement). */
export function moveInventory(position: Decimal, costBasis: Decimal, q: Decimal, price: Decimal): Inventory {
  if (q.isZero()) return { position, costBasis, realized: ZERO };
  if (position.isZero() || position.isNegative() === q.isNegative()) {
    return { position: position.plus(q), costBasis: costBasis.plus(price.times(q)), realized: ZERO };
  }
  const closedAbs = dmin(q.abs(), position.abs());
  const closed = position.isNegative() ? closedAbs.negated() : closedAbs; // position units removed
  const full = closedAbs.eq(position.abs());
  const r = full ? costBasis : costBasis.times(closed).dividedBy(position).toDecimalPlaces(COST_DP);
  const realized = price.times(closed).minus(r);
  const rest = q.plus(closed); // the part that opens the other side (0 unless crossing)
  if (!full || rest.isZero()) return { position: position.minus(closed), costBasis: costBasis.minus(r), realized };
  return { position: rest, costBasis: price.times(rest), realized };
}

function addFee(fees: Readonly<Record<string, Decimal>>, asset: string, fee: Decimal): Readonly<Record<string, Decimal>> {
  return { ...fees, [asset]: (fees[asset] ?? ZERO).plus(fee) };
}

function checkFill(f: LedgerFill): void {
  if (f.side !== 'buy' && f.side !== 'sell') throw new RangeError(`fill: side must be buy or sell, got ${String(f.side)}`);
  if (!f.price.gt(0)) throw new RangeError(`fill: price must be > 0, got ${f.price.toString()}`);
  if (!f.amount.gt(0)) throw new RangeError(`fill: amount must be > 0, got ${f.amount.toString()}`);
  if (!f.fee.isFinite()) throw new RangeError(`fill: fee must be finite, got ${f.fee.toString()}`);
  if (f.feeRate !== undefined && !(f.feeRate.isFinite() && f.feeRate.gte(0))) throw new RangeError(`fill: feeRate must be ≥ 0, got ${f.feeRate.toString()}`);
}

/** Applies one fill; returns the new ledger and the price PnL it realized. */
export function applyFill(l: Ledger, f: LedgerFill): FillResult {
  checkFill(f);
  const q = f.side === 'buy' ? f.amount : f.amount.negated();
  const notional = f.price.times(f.amount);
  const traded = moveInventory(l.position, l.costBasis, q, f.price);
  let inv: Inventory = traded;
  let quoteBalance = f.side === 'buy' ? l.quoteBalance.minus(notional) : l.quoteBalance.plus(notional);
  let feeQuote = ZERO;
  let feesExternalQuote = l.feesExternalQuote;
  let unpricedFeeAssets = l.unpricedFeeAssets;
  if (f.feeAsset === l.quote) {
    feeQuote = f.fee;
    quoteBalance = quoteBalance.minus(f.fee);
  } else if (f.feeAsset === l.base) {
    feeQuote = f.fee.times(f.price);
    const paid = moveInventory(traded.position, traded.costBasis, f.fee.negated(), f.price);
    inv = { position: paid.position, costBasis: paid.costBasis, realized: traded.realized.plus(paid.realized) };
  } else if (f.feeRate !== undefined) {
    feesExternalQuote = feesExternalQuote.plus(f.fee.times(f.feeRate));
  } else if (!unpricedFeeAssets.includes(f.feeAsset)) {
    unpricedFeeAssets = [...unpricedFeeAssets, f.feeAsset];
  }
  const ledger: Ledger = {
    ...l,
    position: inv.position,
    costBasis: inv.costBasis,
    quoteBalance,
    realized: l.realized.plus(inv.realized),
    feesByAsset: f.fee.isZero() ? l.feesByAsset : addFee(l.feesByAsset, f.feeAsset, f.fee),
    feesQuote: l.feesQuote.plus(feeQuote),
    feesExternalQuote,
    unpricedFeeAssets,
    tradedNotional: l.tradedNotional.plus(notional),
    fillCount: l.fillCount + 1,
    lastTs: f.ts,
  };
  return { ledger, realized: inv.realized, feeQuote };
}

/** Accrues one funding payment in quote (positive = paid, negative = received). */
export function accrueFunding(l: Ledger, amountQuote: Decimal, ts: number): Ledger {
  if (!amountQuote.isFinite()) throw new RangeError(`funding: amount must be finite, got ${amountQuote.toString()}`);
  return { ...l, quoteBalance: l.quoteBalance.minus(amountQuote), funding: l.funding.plus(amountQuote), lastTs: ts };
}

/** Average cost of the position (0 when flat). */
export function avgCost(l: Ledger): Decimal {
  return l.position.isZero() ? ZERO : l.costBasis.dividedBy(l.position);
}

/** Values the ledger at `mark`. */
export function snapshot(l: Ledger, mark: Decimal): LedgerSnapshot {
  const value = l.position.times(mark);
  return {
    position: l.position,
    avgCost: avgCost(l),
    quoteBalance: l.quoteBalance,
    realized: l.realized,
    unrealized: value.minus(l.costBasis),
    feesQuote: l.feesQuote,
    feesExternalQuote: l.feesExternalQuote,
    unpricedFeeAssets: l.unpricedFeeAssets,
    feesByAsset: l.feesByAsset,
    funding: l.funding,
    equity: l.quoteBalance.plus(value),
    equityOpen: l.equityOpen,
    tradedNotional: l.tradedNotional,
  };
}
