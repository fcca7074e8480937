/**
 * The paper fill model (strategy-epp §12): an event-driven, deterministic fill simulator for one
 * instrument. `stepPaper(state, input)` is a pure function returning the next state and the
 * events the input caused; same parameters (seed included) + same inputs ⇒ the same events,
 * byte for byte. Time only moves with the inputs' timestamps.
 *
 * Timing rules:
 * - inputs must come in non-decreasing time; a step first activates every pending order due at
 *   or before the input's time (in due-time, then placement order), each judged against the
 *   book current at that moment — i.e. the last book *before* this input — and then applies the
 *   input. Orders placed with `latency_ms = 0` activate right after their placement input;
 * - cancels take effect at their own timestamp (no cancel latency);
 * - fills only happen on inputs: maker fills on trades, taker fills on activation and on books;
 * - a drift probe is measured on the first book whose time is at or after fill time + window.
 */
import type { Decimal } from '../money/decimal.ts';
import { createPrng } from './prng.ts';
import { EMPTY_COUNTERS } from './stats.ts';
import { applyBook, applyTrade } from './market-events.ts';
import { cancelOrder, placeOrder, runActivations } from './orders.ts';
import type { PaperEvent, PaperInput, PaperParams, PaperState, PaperStep } from './types.ts';
import { assertValidPaperParams } from './validate.ts';
import { type Work, beginWork, endWork } from './work.ts';
import type { PaperConfig } from './config.ts';

/** A fresh model: no book, no orders, generator seeded with `config.seed`. RangeError on bad params. */
export function createPaperState(config: PaperConfig, instrument: { readonly lotStep: Decimal; readonly quoteAsset: string }): PaperState {
  const params: PaperParams = { config, lotStep: instrument.lotStep, quoteAsset: instrument.quoteAsset };
  assertValidPaperParams(params);
  return {
    params,
    now: null,
    rng: createPrng(config.seed),
    nextSeq: 0,
    book: null,
    taken: [],
    orders: [],
    probes: [],
    counters: EMPTY_COUNTERS,
  };
}

/** The timestamp an input carries. */
export function inputTs(input: PaperInput): number {
  switch (input.type) {
    case 'market.book':
      return input.top.ts;
    case 'market.trade':
      return input.trade.ts;
    default:
      return input.ts;
  }
}

function applyInput(w: Work, input: PaperInput): void {
  switch (input.type) {
    case 'market.book':
      return applyBook(w, input.top);
    case 'market.trade':
      return applyTrade(w, input.trade);
    case 'order.place':
      return placeOrder(w, input.ts, input.order);
    case 'order.cancel':
      return cancelOrder(w, input.ts, input.clientOrderId);
    case 'clock.advance':
      return;
  }
}

/**
 * Feeds one input to the model. Returns the next state and the events, in order. Throws a
 * RangeError (a caller fault) when the input's time is not a finite number or goes backwards.
 */
export function stepPaper(state: PaperState, input: PaperInput): PaperStep {
  const ts = inputTs(input);
  if (!Number.isFinite(ts)) throw new RangeError(`paper: input ${input.type} has a non-finite timestamp ${String(ts)}`);
  if (state.now !== null && ts < state.now) {
    throw new RangeError(`paper: input ${input.type} at ${ts} is earlier than the model time ${state.now}`);
  }
  const w = beginWork(state);
  w.now = ts;
  runActivations(w, ts);
  applyInput(w, input);
  runActivations(w, ts);
  return endWork(w);
}

/** Folds a sequence of inputs through the model; returns the final state and every event. */
export function runPaper(state: PaperState, inputs: Iterable<PaperInput>): PaperStep {
  let current = state;
  const events: PaperEvent[] = [];
  for (const input of inputs) {
    const step = stepPaper(current, input);
    current = step.state;
    events.push(...step.events);
  }
  return { state: current, events };
}
