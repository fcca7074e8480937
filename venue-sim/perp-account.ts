/**
 * The perpetual simulator's account (one-way position mode, cross margin, USDT settled), plugged
 * into the engine as its `SimAccount`: the engine keeps orders and trades, this keeps the money.
 *
 * - wallet balance (USDT): starting balance + realized PnL − fees ± funding ± transfers;
 * - per market a signed position (base units) at an average entry price; a fill that reduces
 *   it realizes (price − entry)·closed·sign into the wallet, a fill past zero opens the rest
 *   at the fill price;
 * - mark = mid of the replay's current book top; unrealized = position·(mark − entry);
 *   margin balance = wallet + Σ unrealized;
 * - initial margin = notional / leverage (leverage per market, default 20, at most the market's
 *   maximum); positions at the mark, open orders at their price × remaining. An order is refused
 *   when positions' + open orders' + its own initial margin would exceed the margin balance (the
 *   part of it that reduces the position needs none);
 * - maintenance margin = |position|·mark·mmr (the market's first-tier rate);
 * - funding at each settlement of the schedule (funding.ts): the position pays position·mark·rate
 *   (longs pay when the rate is positive, shorts receive);
 * - income entries (Binance's `incomeType`s): REALIZED_PNL, COMMISSION, FUNDING_FEE, TRANSFER.
 *
 * No liquidation: a margin balance below maintenance is reported, not acted on.
 */
import type { Side } from '../domain/instrument/rules.ts';
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import type { SimAccount, SimMarket, SimOrder } from './engine.ts';
import type { FundingSchedule } from './funding.ts';
import type { PerpParams } from './markets.ts';

export const DEFAULT_LEVERAGE = 20;
export const SETTLE_ASSET = 'USDT';

export type IncomeType = 'REALIZED_PNL' | 'COMMISSION' | 'FUNDING_FEE' | 'TRANSFER';

export interface IncomeEntry {
  readonly id: number;
  readonly time: number;
  /** '' for transfers. */
  readonly marketId: string;
  readonly type: IncomeType;
  /** Signed: positive credits the wallet. */
  readonly amount: Decimal;
  readonly asset: string;
}

export interface PerpPosition {
  /** Signed base amount (long > 0). */
  qty: Decimal;
  entry: Decimal;
  updateTime: number;
}

/** One market's risk figures at the current mark. */
export interface PositionRisk {
  readonly market: SimMarket;
  readonly params: PerpParams;
  readonly qty: Decimal;
  readonly entry: Decimal;
  /** null before the market has a book. */
  readonly mark: Decimal | null;
  readonly leverage: number;
  readonly notional: Decimal;
  readonly unrealized: Decimal;
  readonly initialMargin: Decimal;
  readonly maintMargin: Decimal;
  readonly openOrderInitialMargin: Decimal;
  readonly updateTime: number;
}

export interface AccountSummary {
  readonly wallet: Decimal;
  readonly unrealized: Decimal;
  readonly marginBalance: Decimal;
  readonly positionInitialMargin: Decimal;
  readonly openOrderInitialMargin: Decimal;
  readonly maintMargin: Decimal;
  /** marginBalance − initial margins (may be negative). */
  readonly available: Decimal;
  readonly positions: readonly PositionRisk[];
}

export interface PerpAccountOptions {
  readonly markets: readonly { readonly market: SimMarket; readonly params: PerpParams }[];
  readonly wallet: Decimal;
  readonly funding: FundingSchedule;
  readonly now: () => number;
}

export class PerpAccount implements SimAccount {
  private walletBalance: Decimal;
  private readonly params = new Map<string, PerpParams>();
  private readonly marketsById = new Map<string, SimMarket>();
  private readonly positions = new Map<string, PerpPosition>();
  private readonly leverages = new Map<string, number>();
  private readonly incomeList: IncomeEntry[] = [];
  private nextIncomeId = 1;
  private walletUpdate: number;

  constructor(private readonly o: PerpAccountOptions) {
    this.walletBalance = o.wallet;
    this.walletUpdate = o.now();
    for (const { market, params } of o.markets) {
      this.params.set(market.id, params);
      this.marketsById.set(market.id, market);
    }
  }

  get funding(): FundingSchedule {
    return this.o.funding;
  }

  get wallet(): Decimal {
    this.sync();
    return this.walletBalance;
  }

  get walletUpdateTime(): number {
    return this.walletUpdate;
  }

  paramsOf(marketId: string): PerpParams | undefined {
    return this.params.get(marketId);
  }

  leverage(marketId: string): number {
    return this.leverages.get(marketId) ?? DEFAULT_LEVERAGE;
  }

  /** Sets a market's leverage; the refusal message when it is not a whole number from 1 to the market's maximum. */
  setLeverage(marketId: string, leverage: number): string | null {
    const p = this.params.get(marketId);
    if (p === undefined) return `unknown market ${marketId}`;
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > p.maxLeverage) return `leverage ${leverage}: expected a whole number from 1 to ${p.maxLeverage}`;
    this.leverages.set(marketId, leverage);
    return null;
  }

  /** The mark price: mid of the market's current book top (null before the first book). */
  mark(m: SimMarket): Decimal | null {
    const bid = m.top?.bids[0]?.price;
    const ask = m.top?.asks[0]?.price;
    if (bid === undefined || ask === undefined) return bid ?? ask ?? null;
    return bid.plus(ask).div(2);
  }

  position(marketId: string): PerpPosition {
    return this.positions.get(marketId) ?? { qty: ZERO, entry: ZERO, updateTime: 0 };
  }

  /** Risk figures of every market and the account totals, at the current marks. */
  summary(open: readonly SimOrder[]): AccountSummary {
    this.sync();
    const positions = [...this.marketsById.values()].map((m) => this.risk(m, open));
    const sum = (f: (r: PositionRisk) => Decimal): Decimal => positions.reduce((s, r) => s.plus(f(r)), ZERO);
    const unrealized = sum((r) => r.unrealized);
    const positionInitialMargin = sum((r) => r.initialMargin);
    const openOrderInitialMargin = sum((r) => r.openOrderInitialMargin);
    const marginBalance = this.walletBalance.plus(unrealized);
    return {
      wallet: this.walletBalance, unrealized, marginBalance, positionInitialMargin, openOrderInitialMargin, maintMargin: sum((r) => r.maintMargin),
      available: marginBalance.minus(positionInitialMargin).minus(openOrderInitialMargin), positions,
    };
  }

  risk(m: SimMarket, open: readonly SimOrder[]): PositionRisk {
    const params = this.params.get(m.id) as PerpParams;
    const pos = this.position(m.id);
    const mark = this.mark(m);
    const leverage = this.leverage(m.id);
    const notional = mark === null ? ZERO : pos.qty.times(mark);
    const orders = open.filter((o) => o.marketId === m.id).reduce((s, o) => s.plus(o.price.times(o.amount.minus(o.filled))), ZERO);
    return {
      market: m, params, qty: pos.qty, entry: pos.entry, mark, leverage, notional,
      unrealized: mark === null ? ZERO : pos.qty.times(mark.minus(pos.entry)),
      initialMargin: notional.abs().div(leverage), maintMargin: notional.abs().times(params.mmr), openOrderInitialMargin: orders.div(leverage),
      updateTime: pos.updateTime,
    };
  }

  // ── SimAccount ────────────────────────────────────────────────────────────────────────────

  refusal(req: { readonly market: SimMarket; readonly side: Side; readonly price: Decimal; readonly amount: Decimal }, open: readonly SimOrder[]): string | null {
    const s = this.summary(open);
    const pos = this.position(req.market.id).qty;
    const reducing = (req.side === 'buy' && pos.lt(0)) || (req.side === 'sell' && pos.gt(0)) ? Decimal.min(pos.abs(), req.amount) : ZERO;
    const own = req.price.times(req.amount.minus(reducing)).div(this.leverage(req.market.id));
    const needed = s.positionInitialMargin.plus(s.openOrderInitialMargin).plus(own);
    if (needed.gt(s.marginBalance)) return `margin is insufficient: initial margin ${needed.toFixed()} would exceed the margin balance ${s.marginBalance.toFixed()}`;
    return null;
  }

  settle(m: SimMarket, side: Side, fill: { readonly price: Decimal; readonly amount: Decimal; readonly fee: Decimal; readonly feeAsset: string; readonly time: number }): Decimal {
    this.sync();
    const pos = this.positions.get(m.id) ?? { qty: ZERO, entry: ZERO, updateTime: fill.time };
    const signed = side === 'buy' ? fill.amount : fill.amount.neg();
    let realized = ZERO;
    if (pos.qty.isZero() || pos.qty.isPositive() === signed.isPositive()) {
      const qty = pos.qty.plus(signed);
      pos.entry = pos.qty.abs().times(pos.entry).plus(fill.amount.times(fill.price)).div(qty.abs());
      pos.qty = qty;
    } else {
      const closed = Decimal.min(pos.qty.abs(), fill.amount);
      realized = fill.price.minus(pos.entry).times(closed).times(pos.qty.isPositive() ? 1 : -1);
      const qty = pos.qty.plus(signed);
      if (qty.isZero()) pos.entry = ZERO;
      else if (qty.isPositive() !== pos.qty.isPositive()) pos.entry = fill.price; // flipped: the rest opens at the fill price
      pos.qty = qty;
    }
    pos.updateTime = fill.time;
    this.positions.set(m.id, pos);
    if (!realized.isZero()) this.book(fill.time, m.id, 'REALIZED_PNL', realized);
    if (!fill.fee.isZero()) this.book(fill.time, m.id, 'COMMISSION', fill.fee.neg());
    return realized;
  }

  // ── funding, transfers, income ────────────────────────────────────────────────────────────

  /** Books every funding settlement due by now (each at the current mark). */
  sync(): void {
    for (const t of this.o.funding.takeDue(this.o.now())) this.applyFunding(t, this.o.funding.rate);
  }

  /** Moves `amount` (signed) into the wallet; the refusal message when it would leave the wallet negative. */
  transfer(amount: Decimal): string | null {
    this.sync();
    if (this.walletBalance.plus(amount).lt(0)) return `amount: a transfer of ${amount.toFixed()} would leave the wallet balance ${this.walletBalance.toFixed()} ${SETTLE_ASSET} below 0`;
    this.book(this.o.now(), '', 'TRANSFER', amount);
    return null;
  }

  /** Income entries, oldest first. */
  income(q: { readonly marketId?: string; readonly type?: IncomeType; readonly startTime?: number; readonly endTime?: number } = {}): IncomeEntry[] {
    this.sync();
    return this.incomeList.filter(
      (e) => (q.marketId === undefined || e.marketId === q.marketId) && (q.type === undefined || e.type === q.type) && (q.startTime === undefined || e.time >= q.startTime) && (q.endTime === undefined || e.time <= q.endTime),
    );
  }

  private applyFunding(time: number, rate: Decimal): void {
    for (const [id, pos] of this.positions) {
      const m = this.marketsById.get(id);
      const mark = m === undefined ? null : this.mark(m);
      if (pos.qty.isZero() || mark === null) continue;
      this.book(time, id, 'FUNDING_FEE', pos.qty.times(mark).times(rate).neg());
    }
  }

  private book(time: number, marketId: string, type: IncomeType, amount: Decimal): void {
    this.walletBalance = this.walletBalance.plus(amount);
    this.walletUpdate = time;
    this.incomeList.push({ id: this.nextIncomeId++, time, marketId, type, amount, asset: SETTLE_ASSET });
  }
}
