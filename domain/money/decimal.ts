/**
 * Money math for the whole desk. Every price, size, fee, spread and PnL is a `Decimal`;
 * `number` is only for counters, timestamps and metrics.
 *
 * We use one private Decimal constructor configured for money (40 significant digits,
 * half-even rounding for display) so nothing depends on decimal.js's global settings.
 */
import { Decimal as DecimalJs } from 'decimal.js';

const PRECISION = 40;
export const Decimal = DecimalJs.clone({ precision: PRECISION, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
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

/**
 * `x.cmp(y)` without the copy: decimal.js's comparison first copies its argument into a new
 * Decimal (an allocation and a digit-array copy), which made comparisons a large share of the
 * EPP step. Same algorithm on the documented fields (`s` sign, `e` exponent, `d` base-1e7
 * digit words); NaN and ±Infinity (no digits) go to the library.
 */
export function cmp(x: Decimal, y: Decimal): number {
  const xd = x.d as number[] | null;
  const yd = y.d as number[] | null;
  if (!xd || !yd) return x.cmp(y);
  const xs = x.s;
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -y.s : 0;
  if (xs !== y.s) return xs;
  if (x.e !== y.e) return x.e > y.e !== xs < 0 ? 1 : -1;
  const xL = xd.length;
  const yL = yd.length;
  for (let i = 0, j = xL < yL ? xL : yL; i < j; ++i) {
    if (xd[i] !== yd[i]) return (xd[i] as number) > (yd[i] as number) !== xs < 0 ? 1 : -1;
  }
  return xL === yL ? 0 : xL > yL !== xs < 0 ? 1 : -1;
}

export function clamp(x: Decimal, lo: Decimal, hi: Decimal): Decimal {
  if (cmp(lo, hi) > 0) throw new RangeError(`clamp: lower bound ${lo.toString()} is above upper bound ${hi.toString()}`);
  // Non-finite bounds or value: the library's min/max semantics (NaN propagates).
  if (!x.d || !lo.d || !hi.d) return Decimal.min(Decimal.max(x, lo), hi);
  return cmp(x, lo) < 0 ? lo : cmp(x, hi) > 0 ? hi : x;
}

export function dmin(a: Decimal, b: Decimal): Decimal {
  return cmp(a, b) <= 0 ? a : b;
}

export function dmax(a: Decimal, b: Decimal): Decimal {
  return cmp(a, b) >= 0 ? a : b;
}

/**
 * Decimal places k when `step` is 10^−k with k ≥ 0 (1, 0.1, 0.01, …: most venue ticks and lots),
 * else −1. Read from the documented digit fields (`d`: base-1e7 words, `e`: base-10 exponent):
 * a power of ten is a single word that is itself a power of ten.
 */
function stepPlaces(step: Decimal): number {
  const d = step.d;
  if (step.s !== 1 || d.length !== 1 || step.e > 0) return -1;
  const w = d[0] as number;
  return w === 1 || w === 10 || w === 100 || w === 1000 || w === 10_000 || w === 100_000 || w === 1_000_000 ? -step.e : -1;
}

/**
 * Largest multiple of `step` that is ≤ x (step > 0).
 *
 * A power-of-ten step is a floor at k decimal places: exact for any x, and without the
 * division (the costliest Decimal operation; the EPP ladder snaps every level). Other steps
 * divide: exact whenever x/step fits the precision (x has ≤ 40 significant digits).
 */
export function floorToStep(x: Decimal, step: Decimal): Decimal {
  const k = stepPlaces(step);
  if (k >= 0) return x.toDecimalPlaces(k, Decimal.ROUND_FLOOR);
  return x.dividedBy(step).floor().times(step);
}

/** Smallest multiple of `step` that is ≥ x (step > 0); see {@link floorToStep}. */
export function ceilToStep(x: Decimal, step: Decimal): Decimal {
  const k = stepPlaces(step);
  if (k >= 0) return x.toDecimalPlaces(k, Decimal.ROUND_CEIL);
  return x.dividedBy(step).ceil().times(step);
}

/**
 * `x / divisor` floored onto the grid of `step` — `floor(x / (divisor·step))·step` — exactly,
 * for positive x, divisor and step: the number of steps comes from `dividedToIntegerBy` (long
 * division stopped at the units digit, truncated: the floor of a positive quotient), so no digit
 * beyond the precision can round it up onto the next step, and only the integer digits are
 * computed. Other signs, or a count too long for the precision, take
 * `floorToStep(x / divisor, step)`.
 */
export function floorQuotientToStep(x: Decimal, divisor: Decimal, step: Decimal): Decimal {
  if (x.s === 1 && divisor.s === 1 && step.s === 1 && !x.isZero() && !divisor.isZero()) {
    // divisor·step is exact when its digits fit the precision (always, for prices × lots), and
    // the integer quotient times step must fit it too, or rounding would creep back in.
    if (divisor.sd() + step.sd() <= PRECISION) {
      const unit = divisor.times(step);
      if (x.e - unit.e + 1 + step.sd() <= PRECISION) return x.dividedToIntegerBy(unit).times(step);
    }
  }
  return floorToStep(x.dividedBy(divisor), step);
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
