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
import { eppStep } from './step.ts';
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
