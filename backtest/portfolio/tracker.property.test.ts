import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from '../../domain/money/decimal.ts';
import { createPortfolio } from './tracker.ts';
import { fill } from './portfolio.fixtures.ts';

const H = 3_600_000;
const cents = (n: number): string => new Decimal(n).dividedBy(100).toString();

const opArb = fc.oneof(
  fc.record({ kind: fc.constant('fill' as const), buy: fc.boolean(), price: fc.integer({ min: 1, max: 2_000_000 }), amount: fc.integer({ min: 1, max: 50_000 }), fee: fc.integer({ min: -500, max: 5_000 }), dt: fc.integer({ min: 0, max: 3 * H }) }),
  fc.record({ kind: fc.constant('mark' as const), price: fc.integer({ min: 1, max: 2_000_000 }), dt: fc.integer({ min: 0, max: 12 * H }) }),
);

describe('portfolio tracker identity', () => {
  it('equity − equityOpen = realized + unrealized − fees − funding, exactly, after any fill/mark sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.option(fc.integer({ min: -100, max: 100 }), { nil: null }),
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        (startBase, startQuote, fundingBps, ops) => {
          const p = createPortfolio({
            base: 'BTC', quote: 'USDT', startBase: new Decimal(startBase).dividedBy(1000), startQuote: new Decimal(startQuote), startMark: new Decimal(100),
            funding: fundingBps === null ? null : { rate: new Decimal(fundingBps).dividedBy(100_000), intervalMs: 8 * H },
          });
          let ts = 0;
          ops.forEach((op, i) => {
            ts += op.dt;
            if (op.kind === 'mark') p.mark(ts, new Decimal(cents(op.price)));
            else p.applyFill(fill(`o${i}`, ts, op.buy ? 'buy' : 'sell', cents(op.price), new Decimal(op.amount).dividedBy(10_000).toString(), new Decimal(op.fee).dividedBy(10_000).toString(), cents(op.price)));
            const v = p.view();
            expect(v.equity.minus(v.equityOpen).eq(v.realized.plus(v.unrealized).minus(v.fees).minus(v.funding))).toBe(true);
            expect(v.peakEquity.gte(v.equityOpen) && v.maxDrawdown.gte(0)).toBe(true);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the exact maximum drawdown and per-view drawdown of a plain recomputation (the certified skip never changes it)', () => {
    // Prices close together, so that many marks sit a hair below or at the running maximum.
    const markArb = fc.array(fc.tuple(fc.integer({ min: 9_990, max: 10_010 }), fc.boolean()), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(markArb, fc.integer({ min: 0, max: 5 }), (marks, startBase) => {
        const p = createPortfolio({ base: 'BTC', quote: 'USDT', startBase: new Decimal(startBase), startQuote: new Decimal(1000), startMark: new Decimal(100) });
        let peak = p.view().equityOpen;
        let maxDd = new Decimal(0);
        marks.forEach(([price, buy], i) => {
          if (buy && i > 0) p.applyFill(fill(`o${i}`, i, 'buy', '100', '0.5', '0', '100'));
          p.mark(i, new Decimal(price).dividedBy(100));
          const v = p.view();
          peak = Decimal.max(peak, v.equity);
          maxDd = Decimal.max(maxDd, peak.minus(v.equity).dividedBy(peak));
          expect(v.drawdown.toFixed()).toBe(peak.minus(v.equity).dividedBy(peak).toFixed());
        });
        const v = p.view();
        expect(v.maxDrawdown.toFixed()).toBe(maxDd.toFixed());
      }),
      { numRuns: 500 },
    );
  });
});
