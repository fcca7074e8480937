import { describe, expect, it } from 'vitest';
import { createPortfolio } from './tracker.ts';
import { d, fill } from './portfolio.fixtures.ts';

const H = 3_600_000;

describe('portfolio tracker', () => {
  it('books fills on the average-cost ledger and reports base, quote, PnL and fees', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(0), startQuote: d(1000), startMark: d(100) });
    p.applyFill(fill('a', 1, 'buy', '100', '2', '0.2', '100.5'));
    const r = p.applyFill(fill('b', 2, 'sell', '103', '1', '0.1', '102'));
    expect([r.realized.toString(), r.capture.toString(), r.notional.toString()]).toEqual(['3', '1', '103']);
    p.mark(3, d(101));
    const v = p.view();
    expect([v.base, v.quote, v.equity, v.realized, v.unrealized, v.fees, v.funding, v.tradedNotional].map((x) => x.toString())).toEqual(
      ['1', '902.7', '1003.7', '3', '1', '0.3', '0', '303'],
    );
  });

  it('tracks the drawdown peak-to-trough on marks, as a fraction of the peak', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(10), startQuote: d(0), startMark: d(100) });
    for (const [ts, m] of [[1, '110'], [2, '99'], [3, '105'], [4, '120'], [5, '108']] as const) p.mark(ts, d(m));
    const v = p.view();
    // Peak 1100 → trough 990: 110 / 1100 = 0.1; later 1200 → 1080 is also 0.1; now (1200 − 1080)/1200.
    expect([v.peakEquity, v.maxDrawdown, v.maxDrawdownQuote, v.drawdown].map((x) => x.toString())).toEqual(['1200', '0.1', '120', '0.1']);
  });

  it('samples the equity curve per bar with the regime label', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(1), startQuote: d(100), startMark: d(100) });
    p.mark(60_000, d(90));
    const s = p.recordBar(60_000, 'shock');
    expect([s.ts, s.equity.toString(), s.unrealized.toString(), s.drawdown.toString(), s.regime]).toEqual([60_000, '190', '-10', '0.05', 'shock']);
    expect(p.recordBar(120_000).regime).toBeNull();
    expect(p.samples()).toHaveLength(2);
  });

  it('settles perp funding at each interval boundary crossed by a mark, on the position held then', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(0), startQuote: d(1000), startMark: d(100), funding: { rate: d('0.0001'), intervalMs: 8 * H } });
    p.mark(7 * H, d(100)); // the first mark settles nothing
    p.applyFill(fill('a', 7 * H, 'buy', '100', '2', '0', '100'));
    p.mark(8 * H, d(100)); // 08:00: 2·100·0.0001 = 0.02 paid
    p.mark(23 * H, d(110)); // 16:00: 2·110·0.0001 = 0.022
    p.applyFill(fill('b', 23 * H, 'sell', '110', '4', '0', '110')); // short 2
    p.mark(25 * H, d(100)); // 24:00: −2·100·0.0001 = −0.02 (received)
    const v = p.view();
    expect(v.funding.toString()).toBe('0.022');
    expect(v.equity.minus(v.equityOpen).eq(v.realized.plus(v.unrealized).minus(v.fees).minus(v.funding))).toBe(true);
  });

  it('opens a perp as a margin wallet and a signed position; perp() is perpFigures of its ledger; spot has none', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(-2), startQuote: d(1000), startMark: d(100), funding: { rate: d('0.0001'), intervalMs: 8 * H }, perp: { leverage: d(2) } });
    p.mark(7 * H, d(100));
    expect([p.view().quote, p.view().equity, p.view().equityOpen].map((x) => x.toString())).toEqual(['1200', '1000', '1000']);
    p.mark(8 * H, d(110)); // a short of 2 at 110: unrealized −20, funding −2·110·0.0001 = −0.022 received
    const f = p.perp();
    expect([f?.marginBalance, f?.unrealizedPnl, f?.equity].map((x) => x?.toString())).toEqual(['1000.022', '-20', '980.022']);
    expect(f?.marginRatio.toString()).toBe(d(1).minus(d(220).dividedBy(d(2).times(d('980.022')))).toString());
    expect(p.view().funding.toString()).toBe('-0.022');
    expect(createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(1), startQuote: d(0), startMark: d(100) }).perp()).toBeNull();
  });

  it('refuses marks going back in time or non-positive', () => {
    const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: d(0), startQuote: d(1000), startMark: d(100) });
    p.mark(10, d(100));
    expect(() => p.mark(9, d(100))).toThrow(RangeError);
    expect(() => p.mark(11, d(0))).toThrow(RangeError);
  });
});
