/**
 * The OHLCV limit fill model (bias `optimistic_estimated`): a resting order fills when a
 * synthetic quote at the bar's open or close reaches its price. Rules: ohlcv-model.ts.
 */
import type { FillSimulator } from '../types.ts';
import { type OhlcvFillOptions, createOhlcvFills } from './ohlcv-model.ts';

export function ohlcvLimitFills(options: OhlcvFillOptions): FillSimulator {
  return createOhlcvFills(options, { name: 'ohlcv-limit', bias: 'optimistic_estimated', throughTicks: 0 });
}
