import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, isOnStep } from '../money/decimal.ts';
import { type InstrumentRules, assertValidRules, snapLevel, snapPrice } from './rules.ts';
import { BTCUSDT_SPOT } from './fixtures.ts';

const BTC: InstrumentRules = BTCUSDT_SPOT;

describe('snapPrice', () => {
  it('floors bids and ceils asks (away from the market)', () => {
    expect(snapPrice('buy', new Decimal('100.019'), BTC).toString()).toBe('100.01');
    expect(snapPrice('sell', new Decimal('100.011'), BTC).toString()).toBe('100.02');
  });
});

describe('snapLevel', () => {
  it('drops a level below min notional instead of rounding it up', () => {
    const r = snapLevel('buy', new Decimal('60000'), new Decimal('0.00008'), BTC);
    expect(r).toEqual({ ok: false, reason: 'below_min_notional' });
  });
  it('drops a level whose amount floors to zero', () => {
    expect(snapLevel('sell', new Decimal('60000'), new Decimal('0.000009'), BTC)).toEqual({ ok: false, reason: 'below_min_amount' });
  });
  it('snapped levels sit on the grid, never above the asked amount, and meet minimums (property)', () => {
    const arb = fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      price: fc.integer({ min: 1_000_000, max: 10_000_000_000 }).map((n) => new Decimal(n).dividedBy(100_000)),
      amount: fc.integer({ min: 1, max: 100_000_000 }).map((n) => new Decimal(n).dividedBy(10_000_000)),
    });
    fc.assert(
      fc.property(arb, ({ side, price, amount }) => {
        const r = snapLevel(side, price, amount, BTC);
        if (!r.ok) return true;
        const { level } = r;
        const priceOk = side === 'buy' ? level.price.lte(price) : level.price.gte(price);
        return (
          priceOk &&
          isOnStep(level.price, BTC.tickSize) &&
          isOnStep(level.amount, BTC.lotStep) &&
          level.amount.lte(amount) &&
          level.amount.gte(BTC.minAmount) &&
          level.price.times(level.amount).gte(BTC.minNotional)
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('assertValidRules', () => {
  it('names the bad field', () => {
    expect(() => assertValidRules({ ...BTC, tickSize: new Decimal(0) })).toThrow(/tickSize must be > 0/);
  });
});
