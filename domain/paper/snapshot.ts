/**
 * Saving and restoring a paper model. The state is plain data, so a snapshot is its JSON
 * (Decimals encode as their exact decimal strings); restoring revives the Decimal fields by
 * name and re-validates the parameters and the generator. A restored model continues exactly
 * as the original would have.
 */
import { Decimal } from '../money/decimal.ts';
import { restorePrng } from './prng.ts';
import type { PaperState } from './types.ts';
import { assertValidPaperParams } from './validate.ts';

// Every Decimal-valued field name in PaperState (market data, orders, probes, counters, params).
const DECIMAL_KEYS = new Set([
  'price', 'size', 'bid', 'ask', 'amount', 'filled', 'queueFactor', 'queueAhead', 'levelSize', 'tradedAtPrice',
  'adversePnlQuote', 'lotStep', 'queueParticipation', 'queueJitterPct', 'partialFillMin', 'partialFillMax',
  'takerSlippagePct', 'makerFeePct', 'takerFeePct',
]);

/** A model's state as a JSON string (byte-identical for identical states). */
export function snapshotPaperState(state: PaperState): string {
  return JSON.stringify(state);
}

/**
 * Restores a state from `snapshotPaperState` output. Throws a RangeError when the snapshot's
 * parameters or generator state are invalid, or a SyntaxError when it is not JSON.
 */
export function restorePaperState(json: string): PaperState {
  const state = JSON.parse(json, (key: string, value: unknown) =>
    typeof value === 'string' && DECIMAL_KEYS.has(key) ? new Decimal(value) : value,
  ) as PaperState;
  assertValidPaperParams(state.params);
  return { ...state, rng: restorePrng(state.rng) };
}
