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
});
