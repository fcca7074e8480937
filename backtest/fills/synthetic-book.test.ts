import { describe, expect, it } from 'vitest';
import { atrBrute } from '../../domain/indicators/atr.ts';
import type { Bar } from '../../domain/market/types.ts';
import fc from 'fast-check';
import { approxNumber } from '../../domain/money/approx.ts';
import { Decimal } from '../../domain/money/decimal.ts';
import { halfSpread, spreadInit, spreadUpdate, syntheticQuotes, syntheticTop, touchedCertified } from './synthetic-book.ts';
import { d } from './ohlcv.fixtures.ts';

const bar = (o: string, h: string, l: string, c: string): Bar => ({ ts: 0, open: d(o), high: d(h), low: d(l), close: d(c), volume: d(1) });

describe('synthetic book', () => {
  it('is null before any bar, then uses the first bar body until the ATR is defined, then mult·ATR', () => {
    let s = spreadInit(d('0.1'), d(2), 3);
    expect(halfSpread(s)).toBeNull();
    const bars = [bar('100', '103', '97', '101.5'), bar('101.5', '102', '101', '101'), bar('101', '101.2', '100.8', '101'), bar('101', '104', '100', '103')];
    s = spreadUpdate(s, bars[0] as Bar);
    expect(halfSpread(s)?.toString()).toBe('3'); // 2·|101.5 − 100|; the 97–103 range is not used
    s = spreadUpdate(s, bars[1] as Bar);
    expect(halfSpread(s)?.toString()).toBe('3'); // still the first bar's body
    s = spreadUpdate(s, bars[2] as Bar);
    expect(halfSpread(s)?.eq((atrBrute(bars.slice(0, 3), 3) ?? d(0)).times(2))).toBe(true);
    s = spreadUpdate(s, bars[3] as Bar);
    expect(halfSpread(s)?.eq((atrBrute(bars, 3) ?? d(0)).times(2))).toBe(true);
  });

  it('never goes below one tick (a first bar with no body)', () => {
    const s = spreadUpdate(spreadInit(d('0.1'), d(5), 14), bar('100', '110', '90', '100'));
    expect(halfSpread(s)?.toString()).toBe('0.1');
  });

  it('snaps the bid down and the ask up to the tick', () => {
    const top = syntheticTop(7, d('100.04'), d('0.25'), d('0.1'));
    expect([top.ts, top.bid.toString(), top.ask.toString()]).toEqual([7, '99.7', '100.3']);
    expect(top.bids).toEqual([{ price: top.bid, size: d(0) }]);
  });
});

describe('touchedCertified', () => {
  /** The exact rule it stands in for (ohlcv-model.ts). */
  const exact = (side: 'buy' | 'sell', price: Decimal, through: number, mid: Decimal, half: Decimal, tick: Decimal): boolean => {
    const q = syntheticQuotes(mid, half, tick);
    const t = tick.times(through);
    return side === 'buy' ? q.bid.lte(price.minus(t)) : q.ask.gte(price.plus(t));
  };
  const tickArb = fc.constantFrom('1', '0.01', '0.5', '0.1', '0.0001');
  /** A long (up to 40-digit) half spread. */
  const halfArb = fc.bigInt({ min: 1n, max: 10n ** 40n }).map((n) => new Decimal(`${n}e-38`));

  it('agrees with the exact quotes whenever it answers, also with prices a tick or less from the quote (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('buy' as const, 'sell' as const), fc.constantFrom(0, 1), tickArb, fc.integer({ min: 100, max: 10_000_000 }), halfArb, fc.integer({ min: -3, max: 3 }),
        (side, through, tickS, midTicks, half, offset) => {
          const tick = new Decimal(tickS);
          // mid on a half-tick grid; the order priced within a few ticks of the snapped quote.
          const mid = tick.times(midTicks).plus(tick.times(midTicks % 2).dividedBy(2));
          const q = syntheticQuotes(mid, half, tick);
          const price = (side === 'buy' ? q.bid : q.ask).plus(tick.times(offset));
          if (!price.gt(0)) return;
          const got = touchedCertified(side, price, through, approxNumber(mid), approxNumber(half), approxNumber(tick));
          if (got !== undefined) expect(got).toBe(exact(side, price, through, mid, half, tick));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('declines (undefined) where the estimates cannot decide: a quote exactly a tick from the price', () => {
    const tick = new Decimal('0.01');
    // mid − half = 100.01 exactly: floor = 100.01 > 100 = price; x = price + tick is the boundary.
    expect(touchedCertified('buy', new Decimal('100'), 0, approxNumber(new Decimal('100.51')), approxNumber(new Decimal('0.5')), approxNumber(tick))).toBeUndefined();
    expect(touchedCertified('buy', new Decimal('100'), 0, 100.51, 0.4, 0.01)).toBe(false); // bid 100.11 > 100: not touched
    expect(touchedCertified('buy', new Decimal('100'), 0, 100.51, 0.6, 0.01)).toBe(true); // bid 99.91 ≤ 100
  });
});
