/**
 * A small seeded pseudo-random generator for the paper fill model (strategy-epp §12):
 * same seed ⇒ the same sequence, on every platform, forever.
 *
 * Algorithm: **mulberry32** (Tommy Ettinger, 2017). The state is one unsigned 32-bit word that
 * advances as a Weyl sequence (`state += 0x6D2B79F5 mod 2³²`); each output is a 32-bit mix of
 * the new state. Properties and limits, stated so nobody leans on it for more:
 * - period exactly 2³² (the Weyl increment is odd), so a run may draw up to ~4.29e9 values
 *   before the sequence repeats — far more than a paper session uses;
 * - not every 32-bit value is produced (the output mix is not a bijection), it passes
 *   PractRand to ~2³² bytes but fails parts of BigCrush; fine for simulation noise,
 *   **never** for anything that needs cryptographic or high-quality statistical randomness;
 * - streams of different seeds are shifted windows of the same cycle (seeds s and
 *   s + k·0x6D2B79F5 are the same stream k steps apart), so seeds are not independent streams.
 *
 * The generator is immutable: every draw returns the value and the next generator, so a
 * generator is saved by keeping (or JSON-encoding) the object and restored with `restorePrng`.
 */
import { Decimal } from '../money/decimal.ts';

/** Generator state: one unsigned 32-bit integer. Plain data, safe to JSON-encode. */
export interface Prng {
  readonly state: number;
}

/** A drawn value together with the generator to use for the next draw. */
export interface Draw<T> {
  readonly value: T;
  readonly rng: Prng;
}

const UINT32_MAX = 0xffff_ffff;
const TWO_POW_32 = 4_294_967_296;
const WEYL = 0x6d2b79f5;

/** Resolution of `nextDecimal`: uniform on a grid of DECIMAL_STEPS + 1 points between lo and hi. */
export const DECIMAL_STEPS = 1_000_000_000;
const DECIMAL_STEPS_DEC = new Decimal(DECIMAL_STEPS);
// Largest multiple of (DECIMAL_STEPS + 1) that fits in 2³²: draws at or above it are rejected,
// so every grid point is exactly equally likely (no modulo bias).
const DECIMAL_LIMIT = TWO_POW_32 - (TWO_POW_32 % (DECIMAL_STEPS + 1));

function assertUint32(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
    throw new RangeError(`${what}: expected an integer in [0, ${UINT32_MAX}], got ${String(value)}`);
  }
}

/** A generator seeded with `seed`, an integer in [0, 2³² − 1]; RangeError otherwise. */
export function createPrng(seed: number): Prng {
  assertUint32('prng seed', seed);
  return { state: seed };
}

/** Restores a generator saved as `{ state }` (e.g. parsed from JSON); RangeError when invalid. */
export function restorePrng(saved: { readonly state: number }): Prng {
  assertUint32('prng state', saved.state);
  return { state: saved.state };
}

/** Next unsigned 32-bit integer (mulberry32 output). */
export function nextUint32(rng: Prng): Draw<number> {
  const state = (rng.state + WEYL) >>> 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: (t ^ (t >>> 14)) >>> 0, rng: { state } };
}

/** Next float uniform in [0, 1), on a grid of 2⁻³² (exactly representable as a double). */
export function nextFloat(rng: Prng): Draw<number> {
  const d = nextUint32(rng);
  return { value: d.value / TWO_POW_32, rng: d.rng };
}

/** Next integer uniform in [0, DECIMAL_STEPS] (inclusive), by rejection sampling. */
function nextStep(rng: Prng): Draw<number> {
  let d = nextUint32(rng);
  // Rejection happens with probability ≈ 6.9%; the loop ends with probability 1 and the
  // number of words consumed is itself a deterministic function of the state.
  while (d.value >= DECIMAL_LIMIT) d = nextUint32(d.rng);
  return { value: d.value % (DECIMAL_STEPS + 1), rng: d.rng };
}

/**
 * Next Decimal uniform in [lo, hi] (both ends included) on a grid of (hi − lo)·10⁻⁹ steps:
 * `lo + (hi − lo)·k/10⁹` with k uniform in [0, 10⁹]. The arithmetic is exact decimal
 * arithmetic, so results are reproducible digit for digit. RangeError when lo > hi.
 */
export function nextDecimal(rng: Prng, lo: Decimal, hi: Decimal): Draw<Decimal> {
  if (!lo.isFinite() || !hi.isFinite() || lo.gt(hi)) {
    throw new RangeError(`nextDecimal: expected finite lo ≤ hi, got [${lo.toString()}, ${hi.toString()}]`);
  }
  const d = nextStep(rng);
  const value = lo.plus(hi.minus(lo).times(d.value).dividedBy(DECIMAL_STEPS_DEC));
  return { value, rng: d.rng };
}
