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
 * - `recordBar(ts, regime)` appends one equity-curve sample at the current mark.
 */
import { type Ledger, accrueFunding, applyFill, ledgerInit, snapshot } from '../../domain/accounting/ledger.ts';
import { fundingPayment, fundingSettlements } from '../../domain/accounting/perp.ts';
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
  fills(): readonly FillRecord[];
  samples(): readonly EquitySample[];
}

export function createPortfolio(config: PortfolioConfig): PortfolioTracker {
  let ledger: Ledger = ledgerInit({ base: config.base, quote: config.quote, baseBalance: config.startBase, quoteBalance: config.startQuote, mark: config.startMark });
  let markPrice = config.startMark;
  let markTs: number | null = null;
  let peak = ledger.equityOpen;
  let maxDd = ZERO;
  let maxDdQuote = ZERO;
  const fillLog: FillRecord[] = [];
  const curve: EquitySample[] = [];
  const funding = config.funding ?? null;

  const ddOf = (equity: Decimal): Decimal => (peak.gt(0) ? peak.minus(equity).dividedBy(peak) : ZERO);

  function observe(): void {
    const equity = snapshot(ledger, markPrice).equity;
    peak = dmax(peak, equity);
    maxDd = dmax(maxDd, ddOf(equity));
    maxDdQuote = dmax(maxDdQuote, peak.minus(equity));
  }

  function settleFunding(ts: number, price: Decimal): void {
    if (funding === null || markTs === null) return;
    for (const t of fundingSettlements(markTs, ts, funding.intervalMs)) {
      ledger = accrueFunding(ledger, fundingPayment(ledger.position, price, funding.rate), t);
    }
  }

  function view(): PortfolioView {
    const s = snapshot(ledger, markPrice);
    return {
      ts: markTs, mark: markPrice, base: s.position, quote: s.quoteBalance, equity: s.equity, equityOpen: s.equityOpen,
      realized: s.realized, unrealized: s.unrealized, fees: s.feesQuote, funding: s.funding, tradedNotional: s.tradedNotional,
      peakEquity: peak, drawdown: ddOf(s.equity), maxDrawdown: maxDd, maxDrawdownQuote: maxDdQuote,
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
      const v = view();
      const sample: EquitySample = {
        ts, mark: v.mark, base: v.base, quote: v.quote, equity: v.equity, realized: v.realized, unrealized: v.unrealized,
        fees: v.fees, funding: v.funding, drawdown: v.drawdown, regime,
      };
      curve.push(sample);
      return sample;
    },
    view,
    fills: () => fillLog,
    samples: () => curve,
  };
}
