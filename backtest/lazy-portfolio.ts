/**
 * The engine's portfolio port over the portfolio tracker, opened at the first mark: the tracker
 * values the opening holdings at a start mark, and the right one is the mid of the first
 * decision point (not a price from before the strategy could act).
 *
 * On a perp (`config.perp`) the holdings carry the perp account (`PerpAccountView`): the
 * ledger's `perpFigures` at the mark, the funding paid so far and the configured rate.
 */
import { type Decimal, ZERO } from '../domain/money/decimal.ts';
import type { PortfolioPort } from './engine.ts';
import { type PortfolioConfig, type PortfolioTracker, createPortfolio } from './portfolio/index.ts';
import type { BacktestFill, PerpAccountView } from './types.ts';

export interface LazyPortfolio extends PortfolioPort {
  /** The tracker, null until the first mark. */
  tracker(): PortfolioTracker | null;
}

export function lazyPortfolio(config: Omit<PortfolioConfig, 'startMark'>): LazyPortfolio {
  let t: PortfolioTracker | null = null;
  const open = (): PortfolioTracker => {
    if (t === null) throw new Error('portfolio: used before the first mark'); // the engine marks before anything else
    return t;
  };
  return {
    applyFill: (fill: BacktestFill) => open().applyFill(fill),
    mark(ts: number, mid: Decimal) {
      t ??= createPortfolio({ ...config, startMark: mid });
      t.mark(ts, mid);
    },
    recordBar: (ts: number, regime: string | null) => open().recordBar(ts, regime),
    holdings() {
      const tr = open();
      const v = tr.view();
      const f = tr.perp();
      if (f === null) return { base: v.base, quote: v.quote, equity: v.equity };
      const perp: PerpAccountView = { marginBalance: f.marginBalance, unrealizedPnl: f.unrealizedPnl, marginRatio: f.marginRatio, funding: v.funding, fundingRate: config.funding?.rate ?? ZERO };
      return { base: v.base, quote: v.quote, equity: v.equity, perp };
    },
    tracker: () => t,
  };
}
