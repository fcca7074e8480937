/**
 * The backtest portfolio: the desk's average-cost ledger (domain/accounting, strategy-epp §11)
 * fed with the simulator's fills and the engine's marks.
 *
 * - Fills: fees are in quote (`BacktestFill.fee`), so `fees` is the ledger's `feesQuote` and
 *   `equity − equityOpen = realized + unrealized − fees − funding` holds exactly.
 * - Marks: `mark(ts, price)` revalues at `price` and updates the drawdown (peak-to-trough of the
 *   equity observed at marks, as a fraction of the peak; 0 while the peak is ≤ 0).
 * - Funding (optional, perp): settled in `mark` — every settlement time t in
 *   (previous mark ts, ts] charges `position·price·rate` on the position held at this mark
 *   (perp.ts `fundingSettlements`/`fundingPayment`). Its resolution is therefore the mark
 *   cadence (one bar); no funding before the first mark.
 * - Perp (`config.perp`): the opening quote is the margin wallet and the opening base a signed
 *   position whose cost is not paid out of it (ledger cash = wallet − position·startMark, as the
 *   live `BotAccount` opens it); `perp()` gives `perpFigures` of the ledger at the current mark.
 * - `recordBar(ts, regime)` appends one equity-curve sample at the current mark.
 */
import { type Ledger, accrueFunding, applyFill, ledgerInit } from '../../domain/accounting/ledger.ts';
import { type PerpFigures, fundingPayment, fundingSettlements, perpFigures } from '../../domain/accounting/perp.ts';
import { approxNumber, certifiedLess } from '../../domain/money/approx.ts';
import { type Decimal, ZERO, dmax } from '../../domain/money/decimal.ts';
import type { BacktestFill } from '../types.ts';
import type { EquitySample, FillRecord, PortfolioConfig, PortfolioView } from './types.ts';

export interface PortfolioTracker {
  /** Books one fill; returns what it realized and captured. */
  applyFill(fill: BacktestFill): FillRecord;
  /** Revalues at `price` (settling funding first) and updates the drawdown. */
  mark(ts: number, price: Decimal): void;
  /** Appends an equity-curve sample at the current mark. */
  recordBar(ts: number, regime?: string | null): EquitySample;
  view(): PortfolioView;
  /** The perp account's figures at the current mark; null on spot. */
  perp(): PerpFigures | null;
  fills(): readonly FillRecord[];
  samples(): readonly EquitySample[];
}

export function createPortfolio(config: PortfolioConfig): PortfolioTracker {
  const perp = config.perp ?? null;
  // A perp's wallet is the opening quote: the opening position's cost is not paid out of it.
  const quoteBalance = perp === null ? config.startQuote : config.startQuote.minus(config.startBase.times(config.startMark));
  let ledger: Ledger = ledgerInit({ base: config.base, quote: config.quote, baseBalance: config.startBase, quoteBalance, mark: config.startMark });
  let markPrice = config.startMark;
  let markTs: number | null = null;
  let peak = ledger.equityOpen;
  let maxDd = ZERO;
  let maxDdQuote = ZERO;
  const fillLog: FillRecord[] = [];
  const curve: EquitySample[] = [];
  const funding = config.funding ?? null;

  // The engine marks, reads the holdings and records a sample at every decision point, and each
  // of these used to take a fresh ledger snapshot and a 40-digit division for the drawdown. Now
  // the valuation is memoized on the identity of its immutable inputs (ledger, mark), and the
  // drawdown is divided out only when it is read or when it may raise the maximum.
  let val: { ledger: Ledger; mark: Decimal; value: Decimal; equity: Decimal; unrealized: Decimal } | null = null;
  /** `position·mark`, `quoteBalance + position·mark` and `position·mark − costBasis`, as `snapshot()` computes them. */
  function valued(): { equity: Decimal; unrealized: Decimal } {
    if (val === null || val.ledger !== ledger || val.mark !== markPrice) {
      const value = ledger.position.times(markPrice);
      val = { ledger, mark: markPrice, value, equity: ledger.quoteBalance.plus(value), unrealized: value.minus(ledger.costBasis) };
    }
    return val;
  }
  let dd: { peak: Decimal; equity: Decimal; dd: Decimal } | null = null;
  /** `(peak − equity)/peak` (0 while the peak is ≤ 0), memoized on its last arguments. */
  function ddOf(pk: Decimal, equity: Decimal): Decimal {
    if (dd === null || dd.peak !== pk || dd.equity !== equity) dd = { peak: pk, equity, dd: pk.gt(0) ? pk.minus(equity).dividedBy(pk) : ZERO };
    return dd.dd;
  }
  /**
   * Whether `(peak − equity)/peak` can exceed `maxDd`, given `down = peak − equity ≥ 0`. It
   * cannot when it is 0 (down = 0, or a peak ≤ 0) or when `down < maxDd·peak` is certified on
   * double estimates (money/approx.ts): the exact quotient is then below maxDd, and so is its
   * rounding, so `dmax` would keep maxDd anyway. Otherwise the quotient is computed and compared.
   */
  function ddMayRise(down: Decimal): boolean {
    if (down.isZero() || !peak.gt(0)) return false;
    return certifiedLess(approxNumber(down), approxNumber(maxDd) * approxNumber(peak)) !== true;
  }
  /** The equity last observed (peak and maxima are up to date for it). */
  let observed: Decimal | null = null;

  function observe(): void {
    const equity = valued().equity;
    if (equity === observed) return; // same ledger, same mark: nothing new (observing is idempotent)
    observed = equity;
    peak = dmax(peak, equity);
    const down = peak.minus(equity);
    if (ddMayRise(down)) maxDd = dmax(maxDd, ddOf(peak, equity));
    maxDdQuote = dmax(maxDdQuote, down);
  }

  function settleFunding(ts: number, price: Decimal): void {
    if (funding === null || markTs === null) return;
    for (const t of fundingSettlements(markTs, ts, funding.intervalMs)) {
      ledger = accrueFunding(ledger, fundingPayment(ledger.position, price, funding.rate), t);
    }
  }

  /**
   * The fields of `snapshot(ledger, markPrice)` the view reads (not its average cost: a
   * division); `drawdown` is computed when read, at the peak of the time of the view.
   */
  function view(): PortfolioView {
    const v = valued();
    const l = ledger;
    const pk = peak;
    return {
      ts: markTs, mark: markPrice, base: l.position, quote: l.quoteBalance, equity: v.equity, equityOpen: l.equityOpen,
      realized: l.realized, unrealized: v.unrealized, fees: l.feesQuote, funding: l.funding, tradedNotional: l.tradedNotional,
      peakEquity: pk, get drawdown() { return ddOf(pk, v.equity); }, maxDrawdown: maxDd, maxDrawdownQuote: maxDdQuote,
    };
  }

  return {
    applyFill(fill) {
      const r = applyFill(ledger, { side: fill.side, price: fill.price, amount: fill.amount, fee: fill.fee, feeAsset: config.quote, ts: fill.ts });
      ledger = r.ledger;
      const rec: FillRecord = { fill, realized: r.realized, capture: fill.price.minus(fill.mid).abs().times(fill.amount), notional: fill.price.times(fill.amount) };
      fillLog.push(rec);
      return rec;
    },
    mark(ts, price) {
      if (!price.gt(0)) throw new RangeError(`portfolio: mark must be > 0, got ${price.toString()}`);
      if (markTs !== null && ts < markTs) throw new RangeError(`portfolio: mark at ${ts} is earlier than the last mark at ${markTs}`);
      settleFunding(ts, price);
      markPrice = price;
      markTs = ts;
      observe();
    },
    recordBar(ts, regime = null) {
      observe();
      const v = valued();
      const l = ledger;
      const pk = peak;
      const sample: EquitySample = {
        ts, mark: markPrice, base: l.position, quote: l.quoteBalance, equity: v.equity, realized: l.realized, unrealized: v.unrealized,
        fees: l.feesQuote, funding: l.funding, get drawdown() { return ddOf(pk, v.equity); }, regime,
      };
      curve.push(sample);
      return sample;
    },
    view,
    perp: () => (perp === null ? null : perpFigures(ledger, markPrice, perp.leverage)),
    fills: () => fillLog,
    samples: () => curve,
  };
}
