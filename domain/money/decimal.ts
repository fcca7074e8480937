/**
 * Money math for the whole desk. Every price, size, fee, spread and PnL is a `Decimal`;
 * `number` is only for counters, timestamps and metrics.
 *
 * We use one private Decimal constructor configured for money (40 significant digits,
 * half-even rounding for display) so nothing depends on decimal.js's global settings.
 */
import { Decimal as DecimalJs } from 'decimal.js';

export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;

/** Anything the desk accepts as a decimal value: a Decimal, a decimal string, or a finite number. */
export type DecimalLike = Decimal | string | number;

export const ZERO: Decimal = new Decimal(0);
export const ONE: Decimal = new Decimal(1);
export const TWO: Decimal = new Decimal(2);
export const BPS: Decimal = new Decimal(10_000);

/** Parses a decimal; throws a RangeError naming `what` when the value is not a finite number. */
export function dec(value: DecimalLike, what = 'value'): Decimal {
  let d: Decimal;
  try {
    d = value instanceof Decimal ? value : new Decimal(value);
  } catch {
    throw new RangeError(`${what}: expected a decimal number, got ${JSON.stringify(String(value))}`);
  }
  if (!d.isFinite()) throw new RangeError(`${what}: expected a finite decimal number, got ${d.toString()}`);
  return d;
}

export function isDecimal(value: unknown): value is Decimal {
  return value instanceof Decimal;
}

export function clamp(x: Decimal, lo: Decimal, hi: Decimal): Decimal {
  if (lo.gt(hi)) throw new RangeError(`clamp: lower bound ${lo.toString()} is above upper bound ${hi.toString()}`);
  return Decimal.min(Decimal.max(x, lo), hi);
}

export function dmin(a: Decimal, b: Decimal): Decimal {
  return a.lte(b) ? a : b;
}

export function dmax(a: Decimal, b: Decimal): Decimal {
  return a.gte(b) ? a : b;
}

/** Largest multiple of `step` that is ≤ x (step > 0). */
export function floorToStep(x: Decimal, step: Decimal): Decimal {
  return x.dividedBy(step).floor().times(step);
}

/** Smallest multiple of `step` that is ≥ x (step > 0). */
export function ceilToStep(x: Decimal, step: Decimal): Decimal {
  return x.dividedBy(step).ceil().times(step);
}

/** Whether x lies exactly on the grid of `step`. */
export function isOnStep(x: Decimal, step: Decimal): boolean {
  return x.mod(step).isZero();
}

/** Basis points → fraction (10 bps → 0.001). */
export function bpsToFraction(bps: DecimalLike): Decimal {
  return dec(bps, 'bps').dividedBy(BPS);
}

/** Sums decimals (0 for an empty list). */
export function sum(values: Iterable<Decimal>): Decimal {
  let acc = ZERO;
  for (const v of values) acc = acc.plus(v);
  return acc;
}
