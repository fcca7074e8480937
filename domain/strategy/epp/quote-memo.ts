/**
 * Memo of the last tick's quote and ladder. Most book updates change only sizes, not prices:
 * when the touch, the balances and every quote input are the same as last tick, the quote and
 * the desired ladder are the same too, and recomputing them (dozens of Decimal operations)
 * would be wasted. The memo is part of the state, so the step stays pure and deterministic.
 */
import type { InstrumentRules } from '../../instrument/rules.ts';
import { type Decimal, cmp } from '../../money/decimal.ts';
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

/** `a.eq(b)` without the argument copy (see `cmp`). */
function same(a: Decimal, b: Decimal): boolean {
  return a === b || cmp(a, b) === 0;
}

function sameOpt(a: Decimal | null, b: Decimal | null): boolean {
  return a === b || (a !== null && b !== null && same(a, b));
}

function sameBalances(a: SpotBalances | PerpBalances, b: SpotBalances | PerpBalances): boolean {
  if (a === b) return true;
  if (a.kind === 'spot' && b.kind === 'spot') return same(a.base, b.base) && same(a.quote, b.quote);
  if (a.kind === 'perp' && b.kind === 'perp') return same(a.position, b.position) && same(a.marginBalance, b.marginBalance) && same(a.unrealizedPnl, b.unrealizedPnl);
  return false;
}

/** Whether a memo computed under `a` is valid under `b`. */
export function sameQuoteKey(a: QuoteKey, b: QuoteKey): boolean {
  return sameRegimeInputs(a, b) && a.rules === b.rules && same(a.bid, b.bid) && same(a.ask, b.ask) && sameBalances(a.balances, b.balances);
}

/**
 * Whether the regime part of a quote computed under `a` (vol position, spread, floor, target,
 * levels, net edge) is valid under `b`: it does not depend on the touch, the balances or the
 * instrument, so a moved touch recomputes only the touch part (`computeQuoteReusing`).
 */
export function sameRegimeInputs(a: QuoteKey, b: QuoteKey): boolean {
  return (
    a.config === b.config &&
    a.regime === b.regime &&
    a.thresholds === b.thresholds &&
    a.floor === b.floor &&
    sameOpt(a.targetOverride, b.targetOverride) &&
    sameOpt(a.fundingRate, b.fundingRate)
  );
}
