/**
 * Test fixtures for the EPP controller: an instrument, book and balance builders, a warm-up
 * driver and a minimal order driver that turns decisions into the next tick's open orders.
 * Pure (no clock, no randomness), so tests and the benchmark can share it.
 */
import type { InstrumentRules } from '../../instrument/rules.ts';
import type { BookTop } from '../../market/types.ts';
import { Decimal } from '../../money/decimal.ts';
import type { EppConfig } from './config.ts';
import type { EppDecision } from './decisions.ts';
import { type EppState, eppInit } from './state.ts';
import { type EppStepResult, eppStep } from './step.ts';
import type { EppBalances, EppInputs, OpenOrder } from './types.ts';

const d = (v: string | number): Decimal => new Decimal(v);

/** A BTCUSDT-like instrument with small numbers: tick 0.01, lot 0.001, min notional 5. */
export const TEST_RULES: InstrumentRules = {
  symbol: 'TESTUSDT',
  base: 'TEST',
  quote: 'USDT',
  tickSize: d('0.01'),
  lotStep: d('0.001'),
  minAmount: d('0.001'),
  minNotional: d('5'),
};

/** 2024-08-08T23:00:00Z. */
export const T0 = Date.UTC(2024, 7, 8, 23, 0, 0);

/** A book top around `mid` with the given half spread. */
export function bookAt(ts: number, mid: Decimal | string | number, half: Decimal | string = '0.05'): BookTop {
  const m = d(mid instanceof Decimal ? mid.toString() : mid);
  const bid = m.minus(half);
  const ask = m.plus(half);
  return { ts, bid, ask, bids: [{ price: bid, size: d(1) }], asks: [{ price: ask, size: d(1) }] };
}

/** Spot balances (default: 5 base, 500 quote ≈ 50% base at mid 100). */
export function spot(base: string | number = 5, quote: string | number = 500): EppBalances {
  return { kind: 'spot', base: d(base), quote: d(quote) };
}

/** Inputs of one tick with the book at `mid`. */
export function tickAt(now: number, mid: Decimal | string | number, over: Partial<EppInputs> = {}): EppInputs {
  return { now, book: bookAt(now, mid), balances: spot(), openOrders: [], fills: [], ...over };
}

/**
 * Warm-up mids: three ticks a minute at 100.0, 100.2, 100.1 (seconds 0, 20, 40) — every bar
 * has high 100.2, low 100.0, close 100.1, so ATR = 0.2, EMA = 100.1, bandPct ≈ 0.0019980.
 */
export const WARM_PATTERN = ['100.0', '100.2', '100.1'] as const;

/** Drives `minutes` minutes of the warm pattern from `start` through the step; returns the state and the next tick time. */
export function warmUp(config: EppConfig, rules: InstrumentRules, start: number, minutes: number, state?: EppState): { state: EppState; now: number } {
  let s = state ?? eppInit(config, { now: start });
  let now = start;
  for (let m = 0; m < minutes; m++) {
    for (let i = 0; i < WARM_PATTERN.length; i++) {
      now = start + m * 60_000 + i * 20_000;
      s = eppStep(s, tickAt(now, WARM_PATTERN[i] as string), config, rules).state;
    }
  }
  return { state: s, now: now + 20_000 };
}

/**
 * A minimal driver: applies one step's decisions to the open orders — places become live
 * (acked when `ack` is true), cancels disappear (the venue confirms at once).
 */
export function applyDecisions(orders: readonly OpenOrder[], decisions: readonly EppDecision[], now: number, ack = true): OpenOrder[] {
  const cancelled = new Set<string>();
  for (const x of decisions) if (x.type === 'cancel') cancelled.add(x.clientOrderId);
  const out = orders.filter((o) => !cancelled.has(o.clientOrderId));
  for (const x of decisions) {
    if (x.type === 'place') out.push({ clientOrderId: x.clientOrderId, levelId: x.levelId, side: x.side, price: x.price, remaining: x.amount, placedAt: now, acked: ack, cancelling: false });
  }
  return out;
}

/** The warm pattern's mid at `now` (second 0 → 100.0, 20 → 100.2, 40 → 100.1), so bars stay as warmed. */
export function patternMid(now: number): string {
  const i = Math.min(2, Math.floor((((now % 60_000) + 60_000) % 60_000) / 20_000));
  return WARM_PATTERN[i] as string;
}

/** A controller driven through `applyDecisions`: its state, the clock of its next tick, its live orders. */
export interface EppSim {
  readonly state: EppState;
  readonly now: number;
  readonly orders: readonly OpenOrder[];
  /** The result of the last `simStep`, null before the first. */
  readonly last: EppStepResult | null;
}

/** A sim after at least one step. */
export type SteppedSim = EppSim & { readonly last: EppStepResult };

/**
 * Warms a controller up for 15 minutes of the warm pattern from `start` (the first regime has held
 * by then), with `over` merged into every tick (e.g. perp balances). No orders are live yet.
 */
export function simStart(config: EppConfig, rules: InstrumentRules = TEST_RULES, over: Partial<EppInputs> = {}, start: number = T0): EppSim {
  let state = eppInit(config, { now: start });
  for (let now = start; now < start + 15 * 60_000; now += 20_000) state = eppStep(state, tickAt(now, patternMid(now), over), config, rules).state;
  return { state, now: start + 15 * 60_000, orders: [], last: null };
}

/** One tick of a sim. `mid` defaults to the warm pattern; `tick` overrides any input; the clock then advances 20 s. */
export function simStep(sim: EppSim, config: EppConfig, rules: InstrumentRules = TEST_RULES, tick: Partial<EppInputs> & { readonly mid?: string } = {}, ack = true): SteppedSim {
  const { mid, ...over } = tick;
  const now = over.now ?? sim.now;
  const r = eppStep(sim.state, tickAt(now, mid ?? patternMid(now), { openOrders: sim.orders, ...over }), config, rules);
  return { state: r.state, now: now + 20_000, orders: applyDecisions(over.openOrders ?? sim.orders, r.decisions, now, ack), last: r };
}
