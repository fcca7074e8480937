/**
 * One-pass scanning of plain decimal strings (`\d+(\.\d+)?`), for the hot paths of the capture
 * parser and the book: validation and conversion to a double in a single character loop, with no
 * regular expression call and no intermediate string. Internal to `market/` (not re-exported).
 *
 * Why a double is an exact key here: a decimal with at most 15 significant digits survives the
 * round trip decimal → double → decimal (IEEE 754 binary64 has `DBL_DIG` = 15), so two such
 * decimals are equal iff their doubles are. The scanner reports when a string is outside that
 * guarantee (`wide`: more significant digits, or a magnitude far outside the normal range) so the
 * caller can settle that case exactly from the strings.
 */

/** The result of a scan, reused across calls (the hot paths must not allocate). */
export class DecimalScan {
  /** The correctly rounded double of the decimal (what `Number(s)` returns). */
  value = 0;
  /** Whether distinct decimals may share `value` (over 15 significant digits, or extreme magnitude). */
  wide = false;
}

/** 10^k for k ≤ 22: every one is exact in binary64. */
const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Whether every character of `s` is a digit (`\d+`, non-empty). */
export function isDigits(s: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Same test as `/^\d+(?:\.\d+)?$/`, as one character loop. */
export function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let dot = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (dot >= 0) return false;
      dot = i;
    } else if (c < 48 || c > 57) return false;
  }
  return n > 0 && dot !== 0 && dot !== n - 1;
}

/**
 * Validates `s` as a plain non-negative decimal and converts it. Returns false (leaving `out`
 * untouched) when `s` is not `\d+(\.\d+)?`.
 *
 * The value: with at most 15 digits from the first non-zero one (trailing zeros included), the
 * digits form an integer m < 10^15 and the value is m / 10^scale with scale ≤ 22 — both exact
 * doubles, and IEEE division rounds correctly, so this is the correctly rounded value, exactly
 * `Number(s)`. Longer strings fall back to `Number(s)`.
 */
export function scanPlainDecimal(s: string, out: DecimalScan): boolean {
  const n = s.length;
  let dot = -1;
  /** All the digits as an integer (leading zeros add nothing); exact while ≤ 15 follow the first non-zero. */
  let mant = 0;
  /** Digits seen, and the positions (among digits) of the first and last non-zero one. */
  let nd = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      mant = mant * 10 + d;
      if (d !== 0) {
        if (first < 0) first = nd;
        last = nd;
      }
      nd++;
    } else if (d === -2 /* '.' */ && dot < 0) dot = i;
    else return false;
  }
  if (n === 0 || dot === 0 || dot === n - 1) return false;
  const scale = dot < 0 ? 0 : n - dot - 1;
  const digits = first < 0 ? 0 : nd - first;
  const value = digits <= 15 && scale <= 22 ? mant / (POW10[scale] as number) : Number(s);
  out.value = value;
  // Keep well inside the normal range: subnormals and overflow lose the 15-digit guarantee.
  out.wide = (first < 0 ? 0 : last - first + 1) > 15 || (value !== 0 && (value < 1e-290 || value > 1e290));
  return true;
}
