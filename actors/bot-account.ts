/**
 * A bot's own books: the average-cost ledger (opened at the first usable mid), fill volume, the
 * equity peak and maximum drawdown, and the balances the controller sees each tick. Fills come
 * from the execution adapter's update stream; nothing here reads the venue's balances (the
 * reconciler compares the two).
 */
import { type Ledger, applyFill, ledgerInit, snapshot } from '../domain/accounting/ledger.ts';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import type { SpotBalances } from '../domain/strategy/epp/types.ts';
import type { OrderFill } from '../adapters/execution/types.ts';

export interface AccountFigures {
  readonly base: Decimal;
  readonly quote: Decimal;
  readonly equity: Decimal;
  readonly equityOpen: Decimal;
  readonly realized: Decimal;
  readonly unrealized: Decimal;
  readonly fees: Decimal;
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
  ) {}

  /** Marks the books at `mid`; the first mark opens the ledger (the opening base is costed at it). */
  markAt(mid: Decimal): void {
    this.mark = mid;
    if (this.ledger === null) {
      this.ledger = ledgerInit({ base: this.rules.base, quote: this.rules.quote, baseBalance: this.startBase, quoteBalance: this.startQuote, mark: mid });
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

  /** Spot balances (free + locked) as the controller sees them. */
  balances(): SpotBalances {
    return this.ledger === null
      ? { kind: 'spot', base: this.startBase, quote: this.startQuote }
      : { kind: 'spot', base: this.ledger.position, quote: this.ledger.quoteBalance };
  }

  figures(): AccountFigures {
    if (this.ledger === null || this.mark === null) {
      return { base: this.startBase, quote: this.startQuote, equity: this.startQuote, equityOpen: this.startQuote, realized: ZERO, unrealized: ZERO, fees: ZERO, baseFraction: null };
    }
    const s = snapshot(this.ledger, this.mark);
    return {
      base: s.position,
      quote: s.quoteBalance,
      equity: s.equity,
      equityOpen: s.equityOpen,
      realized: s.realized,
      unrealized: s.unrealized,
      fees: s.feesQuote.plus(s.feesExternalQuote),
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
