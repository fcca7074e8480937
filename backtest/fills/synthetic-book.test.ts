import { describe, expect, it } from 'vitest';
import { atrBrute } from '../../domain/indicators/atr.ts';
import type { Bar } from '../../domain/market/types.ts';
import { halfSpread, spreadInit, spreadUpdate, syntheticTop } from './synthetic-book.ts';
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
