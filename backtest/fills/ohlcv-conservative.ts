/**
 * The OHLCV conservative fill model (bias `conservative_estimated`): like the limit model, but
 * a resting order fills only when a synthetic quote at the bar's open or close goes a full
 * tick PAST its price (buy: bid ≤ p − tick; sell: ask ≥ p + tick). Rules: ohlcv-model.ts.
 */
import type { FillSimulator } from '../types.ts';
import { type OhlcvFillOptions, createOhlcvFills } from './ohlcv-model.ts';

export function ohlcvConservativeFills(options: OhlcvFillOptions): FillSimulator {
  return createOhlcvFills(options, { name: 'ohlcv-conservative', bias: 'conservative_estimated', throughTicks: 1 });
}
