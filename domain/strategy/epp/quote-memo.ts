/**
 * Memo of the last tick's quote and ladder. Most book updates change only sizes, not prices:
 * when the touch, the balances and every quote input are the same as last tick, the quote and
 * the desired ladder are the same too, and recomputing them (dozens of Decimal operations)
 * would be wasted. The memo is part of the state, so the step stays pure and deterministic.
 */
import type { InstrumentRules } from '../../instrument/rules.ts';
import type { Decimal } from '../../money/decimal.ts';
import type { EppConfig, Regime } from './config.ts';
import type { DesiredWithBand } from './diff.ts';
import type { EppQuote } from './quote.ts';
import type { RegimeThresholds } from './regime.ts';
import type { FloorCache } from './spread.ts';
import type { PerpBalances, SpotBalances } from './types.ts';

/** Everything a quote depends on. Decimals compare by value, objects by identity. */
export interface QuoteKey {
  readonly config: EppConfig;
  readonly rules: InstrumentRules;
  readonly regime: Regime;
  readonly thresholds: RegimeThresholds;
  readonly floor: FloorCache;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly balances: SpotBalances | PerpBalances;
  readonly targetOverride: Decimal | null;
  readonly fundingRate: Decimal | null;
}

export interface QuoteMemo {
  readonly key: QuoteKey;
  readonly quote: EppQuote;
  /** The desired ladder, built on first use. */
  readonly ladder: readonly DesiredWithBand[] | null;
}

function sameOpt(a: Decimal | null, b: Decimal | null): boolean {
  return a === b || (a !== null && b !== null && a.eq(b));
}

function sameBalances(a: SpotBalances | PerpBalances, b: SpotBalances | PerpBalances): boolean {
  if (a === b) return true;
  if (a.kind === 'spot' && b.kind === 'spot') return a.base.eq(b.base) && a.quote.eq(b.quote);
  if (a.kind === 'perp' && b.kind === 'perp') return a.position.eq(b.position) && a.marginBalance.eq(b.marginBalance) && a.unrealizedPnl.eq(b.unrealizedPnl);
  return false;
}

/** Whether a memo computed under `a` is valid under `b`. */
export function sameQuoteKey(a: QuoteKey, b: QuoteKey): boolean {
  return (
    a.config === b.config &&
    a.rules === b.rules &&
    a.regime === b.regime &&
    a.thresholds === b.thresholds &&
    a.floor === b.floor &&
    a.bid.eq(b.bid) &&
    a.ask.eq(b.ask) &&
    sameBalances(a.balances, b.balances) &&
    sameOpt(a.targetOverride, b.targetOverride) &&
    sameOpt(a.fundingRate, b.fundingRate)
  );
}
