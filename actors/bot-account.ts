/**
 * A bot's own books: the average-cost ledger (opened at the first usable mid), fill volume, the
 * equity peak and maximum drawdown, and the balances the controller sees each tick. Fills come
 * from the execution adapter's update stream; nothing here reads the venue's balances (the
 * reconciler compares the two).
 *
 * On a perp (`perp` given) the base is the signed position and the controller sees the perp
 * account (margin balance, unrealized PnL, position, margin ratio at the bot's leverage;
 * domain/accounting/perp.ts); funding is booked with `onFunding`.
 */
import { type Ledger, accrueFunding, applyFill, ledgerInit, snapshot } from '../domain/accounting/ledger.ts';
import { perpFigures } from '../domain/accounting/perp.ts';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import { type Decimal, ONE, ZERO } from '../domain/money/decimal.ts';
import type { PerpBalances, SpotBalances } from '../domain/strategy/epp/types.ts';
import type { OrderFill } from '../adapters/execution/types.ts';

export interface AccountFigures {
  readonly base: Decimal;
  readonly quote: Decimal;
  readonly equity: Decimal;
  readonly equityOpen: Decimal;
  readonly realized: Decimal;
  readonly unrealized: Decimal;
  readonly fees: Decimal;
  /** Funding paid (+) or received (−) in quote since start. */
  readonly funding: Decimal;
  /** Perps: wallet (deposits + realized − fees − funding) and the desk's margin ratio; null on spot. */
  readonly marginBalance: Decimal | null;
  readonly marginRatio: Decimal | null;
  /** Base value as a fraction of equity, null without a mark. */
  readonly baseFraction: Decimal | null;
}

export class BotAccount {
  private ledger: Ledger | null = null;
  private mark: Decimal | null = null;
  private peak: Decimal | null = null;
  private drawdown = ZERO;
  private volumeBase = ZERO;
  private volumeQuote = ZERO;
  private fillCount = 0;

  constructor(
    private readonly rules: InstrumentRules,
    private readonly startBase: Decimal,
    private readonly startQuote: Decimal,
    private readonly perp: { readonly leverage: Decimal } | null = null,
  ) {}

  /** Marks the books at `mid`; the first mark opens the ledger (the opening base is costed at it). */
  markAt(mid: Decimal): void {
    this.mark = mid;
    if (this.ledger === null) {
      // A perp's wallet is the opening quote: the opening position's cost is not paid out of it.
      const quoteBalance = this.perp === null ? this.startQuote : this.startQuote.minus(this.startBase.times(mid));
      this.ledger = ledgerInit({ base: this.rules.base, quote: this.rules.quote, baseBalance: this.startBase, quoteBalance, mark: mid });
    }
    const equity = snapshot(this.ledger, mid).equity;
    if (this.peak === null || equity.gt(this.peak)) this.peak = equity;
    else if (this.peak.gt(ZERO)) {
      const dd = this.peak.minus(equity).dividedBy(this.peak);
      if (dd.gt(this.drawdown)) this.drawdown = dd;
    }
  }

  /** Books a fill; returns its fee in quote (what the controller's day counters need). */
  onFill(f: OrderFill): Decimal {
    if (this.ledger === null) this.markAt(f.price);
    const r = applyFill(this.ledger as Ledger, { side: f.side, price: f.price, amount: f.amount, fee: f.fee, feeAsset: f.feeAsset, ts: f.ts });
    this.ledger = r.ledger;
    this.volumeBase = this.volumeBase.plus(f.amount);
    this.volumeQuote = this.volumeQuote.plus(f.amount.times(f.price));
    this.fillCount += 1;
    return f.feeAsset === this.rules.quote ? f.fee : f.feeAsset === this.rules.base ? f.fee.times(f.price) : ZERO;
  }

  /** Books a funding payment in quote (positive = paid). */
  onFunding(amount: Decimal, ts: number): void {
    if (this.ledger === null) throw new Error('bot account: funding before the first mark');
    this.ledger = accrueFunding(this.ledger, amount, ts);
  }

  /** The signed base position (spot: the base balance). */
  get position(): Decimal {
    return this.ledger === null ? this.startBase : this.ledger.position;
  }

  /** The balances (free + locked) as the controller sees them: spot, or the perp account. */
  balances(): SpotBalances | PerpBalances {
    if (this.perp !== null) return this.perpBalances(this.perp.leverage);
    return this.ledger === null
      ? { kind: 'spot', base: this.startBase, quote: this.startQuote }
      : { kind: 'spot', base: this.ledger.position, quote: this.ledger.quoteBalance };
  }

  /** Base and cash as held: spot base and quote; on a perp the position and the margin balance. */
  holdings(): { readonly base: Decimal; readonly quote: Decimal } {
    const b = this.balances();
    return b.kind === 'spot' ? { base: b.base, quote: b.quote } : { base: b.position, quote: b.marginBalance };
  }

  private perpBalances(leverage: Decimal): PerpBalances {
    if (this.ledger === null || this.mark === null) {
      // Before the first mark: the opening wallet and position. A position cannot be valued
      // without a mark, and the bot does not quote without a book: the ratio is not judged yet.
      return { kind: 'perp', marginBalance: this.startQuote, unrealizedPnl: ZERO, position: this.startBase, marginRatio: ONE };
    }
    const f = perpFigures(this.ledger, this.mark, leverage);
    return { kind: 'perp', marginBalance: f.marginBalance, unrealizedPnl: f.unrealizedPnl, position: this.ledger.position, marginRatio: f.marginRatio };
  }

  figures(): AccountFigures {
    if (this.ledger === null || this.mark === null) {
      const perp = this.perp === null ? null : this.perpBalances(this.perp.leverage);
      return { base: this.startBase, quote: this.startQuote, equity: this.startQuote, equityOpen: this.startQuote, realized: ZERO, unrealized: ZERO, fees: ZERO, funding: ZERO, marginBalance: perp?.marginBalance ?? null, marginRatio: perp?.marginRatio ?? null, baseFraction: null };
    }
    const s = snapshot(this.ledger, this.mark);
    const perp = this.perp === null ? null : perpFigures(this.ledger, this.mark, this.perp.leverage);
    return {
      base: s.position,
      quote: s.quoteBalance,
      equity: s.equity,
      equityOpen: s.equityOpen,
      realized: s.realized,
      unrealized: s.unrealized,
      fees: s.feesQuote.plus(s.feesExternalQuote),
      funding: s.funding,
      marginBalance: perp?.marginBalance ?? null,
      marginRatio: perp?.marginRatio ?? null,
      baseFraction: s.equity.gt(ZERO) ? s.position.times(this.mark).dividedBy(s.equity) : null,
    };
  }

  get maxDrawdown(): Decimal {
    return this.drawdown;
  }

  get volume(): { readonly base: Decimal; readonly quote: Decimal; readonly fills: number } {
    return { base: this.volumeBase, quote: this.volumeQuote, fills: this.fillCount };
  }
}
