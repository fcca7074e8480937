import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Decimal, dec } from '../money/decimal.ts';
import { accrueFunding, applyFill, ledgerInit, snapshot } from './ledger.ts';
import { fundingPayment, fundingSettlements, marginRatio, perpFigures } from './perp.ts';

const d = (x: string | number): Decimal => dec(x);
const flat = (wallet: string | number = 10_000) => ledgerInit({ base: 'BTC', quote: 'USDT', baseBalance: d(0), quoteBalance: d(wallet), mark: d(100) });

describe('perp figures', () => {
  it('a long: wallet moves only by fees and realized PnL; equity = wallet + unrealized', () => {
    let l = flat(1_000);
    l = applyFill(l, { side: 'buy', price: d(100), amount: d(20), fee: d('0.8'), feeAsset: 'USDT', ts: 1 }).ledger;
    const f = perpFigures(l, d(110), d(5));
    expect(f.marginBalance.toString()).toBe('999.2');
    expect(f.unrealizedPnl.toString()).toBe('200');
    expect(f.equity.toString()).toBe('1199.2');
    expect(f.equity.eq(snapshot(l, d(110)).equity)).toBe(true);
    expect(f.initialMargin.toString()).toBe('440'); // 20·110/5
    expect(f.marginRatio.toFixed(6)).toBe(d(1).minus(d(440).div(d('1199.2'))).toFixed(6));
    // Closing half realizes (110 − 100)·10 into the wallet.
    l = applyFill(l, { side: 'sell', price: d(110), amount: d(10), fee: d(0), feeAsset: 'USDT', ts: 2 }).ledger;
    expect(perpFigures(l, d(110), d(5)).marginBalance.toString()).toBe('1099.2');
  });

  it('a short from flat: negative position, unrealized gains when the mark falls', () => {
    let l = flat(1_000);
    l = applyFill(l, { side: 'sell', price: d(100), amount: d(5), fee: d(0), feeAsset: 'USDT', ts: 1 }).ledger;
    const f = perpFigures(l, d(90), d(2));
    expect(l.position.toString()).toBe('-5');
    expect(f.marginBalance.toString()).toBe('1000');
    expect(f.unrealizedPnl.toString()).toBe('50');
    expect(f.marginRatio.toString()).toBe(d(1).minus(d(450).div(d(2).times(1050))).toString());
  });

  it('margin ratio: 1 when flat, 0 without equity, falls as the position grows (property)', () => {
    expect(marginRatio(d(0), d(100), d(-5), d(3)).toString()).toBe('1');
    expect(marginRatio(d(1), d(100), d(0), d(3)).toString()).toBe('0');
    expect(() => marginRatio(d(1), d(100), d(100), d('0.5'))).toThrow(/leverage must be ≥ 1/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 125 }), (a, b, eq, lev) => {
        const [small, big] = a <= b ? [d(a), d(b)] : [d(b), d(a)];
        const r1 = marginRatio(small.div(100), d(100), d(eq), d(lev));
        const r2 = marginRatio(big.negated().div(100), d(100), d(eq), d(lev));
        expect(r1.gte(0) && r1.lte(1)).toBe(true);
        expect(r2.lte(r1)).toBe(true); // the sign of the position does not matter, its size does
      }),
      { numRuns: 300 },
    );
  });

  it('funding: longs pay at a positive rate, shorts receive; the §11 identity holds through it (property)', () => {
    expect(fundingPayment(d(2), d(100), d('0.0001')).toString()).toBe('0.02');
    expect(fundingPayment(d(-2), d(100), d('0.0001')).toString()).toBe('-0.02');
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: -100, max: 100 }), (pos, mark, bps) => {
        let l = flat(5_000);
        if (pos !== 0) l = applyFill(l, { side: pos > 0 ? 'buy' : 'sell', price: d(100), amount: d(Math.abs(pos)).div(100), fee: d(0), feeAsset: 'USDT', ts: 1 }).ledger;
        const paid = fundingPayment(l.position, d(mark), d(bps).div(10_000));
        const before = perpFigures(l, d(mark), d(5)).marginBalance;
        l = accrueFunding(l, paid, 2);
        const s = snapshot(l, d(mark));
        expect(perpFigures(l, d(mark), d(5)).marginBalance.eq(before.minus(paid))).toBe(true);
        expect(s.equity.minus(s.equityOpen).eq(s.realized.plus(s.unrealized).minus(s.feesQuote).minus(s.funding))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('settlements: every interval boundary in (from, to], none twice across adjacent windows', () => {
    const H8 = 8 * 3600_000;
    const day = Date.UTC(2024, 7, 8);
    expect(fundingSettlements(day - 1, day + H8, H8)).toEqual([day, day + H8]);
    expect(fundingSettlements(day, day + H8 - 1, H8)).toEqual([]);
    expect(() => fundingSettlements(0, 1, 0)).toThrow(/positive integer/);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 50, max: 5000 }), (a, b, c, iv) => {
        const [t0, t1, t2] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
        const whole = fundingSettlements(t0, t2, iv);
        expect([...fundingSettlements(t0, t1, iv), ...fundingSettlements(t1, t2, iv)]).toEqual(whole);
        for (const t of whole) expect(t % iv).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
