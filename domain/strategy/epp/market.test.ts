import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HlcBar, atrBrute, bandPct, driftBrute, driftValue, emaBrute } from '../../indicators/index.ts';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from './config.ts';
import { bookAt } from './fixtures.ts';
import { marketInit, marketUpdate } from './market.ts';
import { regimeThresholds } from './regime.ts';

const C: EppConfig = { ...EPP_DEFAULTS, emaPeriod: 5, atrPeriod: 3 };
const EPS = new Decimal('1e-12');
const close = (a: Decimal | null, b: Decimal | null): boolean => a !== null && b !== null && a.minus(b).abs().lt(EPS);

/** From scratch: 1-minute bars of the ticks (the last, still open, bar excluded). */
function closedBars(ticks: readonly { ts: number; mid: Decimal }[]): HlcBar[] {
  const bars: { minute: number; high: Decimal; low: Decimal; close: Decimal }[] = [];
  for (const t of ticks) {
    const minute = Math.floor(t.ts / 60_000);
    const cur = bars[bars.length - 1];
    if (cur !== undefined && cur.minute === minute) {
      cur.high = Decimal.max(cur.high, t.mid);
      cur.low = Decimal.min(cur.low, t.mid);
      cur.close = t.mid;
    } else bars.push({ minute, high: t.mid, low: t.mid, close: t.mid });
  }
  return bars.slice(0, -1);
}

describe('indicators through the controller (§2)', () => {
  it('property: running thresholds and drift equal a from-scratch recomputation to 12 places', () => {
    const tick = fc.record({ dt: fc.integer({ min: 0, max: 45_000 }), moveBps: fc.integer({ min: -60, max: 60 }) });
    fc.assert(
      fc.property(fc.array(tick, { minLength: 1, maxLength: 80 }), (steps) => {
        let m = marketInit(C);
        let ts = Date.UTC(2024, 7, 8, 12);
        let mid = new Decimal(100);
        const seen: { ts: number; mid: Decimal }[] = [];
        for (const s of steps) {
          ts += s.dt;
          mid = mid.times(10_000 + s.moveBps).dividedBy(10_000).toDecimalPlaces(4);
          const book = bookAt(ts, mid, '0.0001');
          m = marketUpdate(m, book, mid, C);
          seen.push({ ts, mid });
        }
        const bars = closedBars(seen);
        expect(m.barCount).toBe(bars.length);
        const lastBar = bars[bars.length - 1];
        if (bars.length < C.atrPeriod || lastBar === undefined) {
          expect(m.thresholds).toBeNull();
        } else {
          const atr = atrBrute(bars, C.atrPeriod);
          const ema = emaBrute(bars.map((b) => b.close), C.emaPeriod);
          if (atr === null || ema === null) throw new Error('brute force not warm');
          const want = regimeThresholds(ema, bandPct(atr, lastBar.close), C);
          const got = m.thresholds;
          expect(got !== null && close(got.bandPct, want.bandPct) && close(got.upAbove, want.upAbove) && close(got.downBelow, want.downBelow) && close(got.shockDrift, want.shockDrift)).toBe(true);
          expect(got?.highVol).toBe(want.highVol);
        }
        const drift = driftBrute(seen, C.driftWindowS * 1000);
        const running = driftValue(m.drift);
        expect(drift === null ? running === null : close(running, drift)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
