import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, isOnStep } from '../money/decimal.ts';
import { bookTop } from './paper.fixtures.ts';
import { crossesBook, fillAmount, takeableLevels, takerPrice, walkLevels } from './matching.ts';

const LOT = new Decimal('0.001');
const n = (v: string): Decimal => new Decimal(v);

describe('crossesBook', () => {
  const top = bookTop(0, [['100', '1']], [['101', '1']]);
  it('a buy crosses at or above the ask, a sell at or below the bid, a market order whenever liquidity shows', () => {
    expect(crossesBook('buy', n('101'), top)).toBe(true);
    expect(crossesBook('buy', n('100.9'), top)).toBe(false);
    expect(crossesBook('sell', n('100'), top)).toBe(true);
    expect(crossesBook('sell', n('100.1'), top)).toBe(false);
    expect(crossesBook('sell', null, top)).toBe(true);
  });
});

describe('taker walk', () => {
  const top = bookTop(0, [['100', '1'], ['99', '2']], [['101', '1'], ['102', '2']]);
  it('limits the levels to the limit price and subtracts what was already taken', () => {
    const levels = takeableLevels('sell', n('99'), top, [{ price: n('100'), size: n('0.4') }]);
    expect(levels.map((l) => [l.price.toString(), l.size.toString()])).toEqual([['100', '0.6'], ['99', '2']]);
    expect(takeableLevels('buy', n('101.5'), top, [])).toHaveLength(1);
  });
  it('computes the VWAP of the walk', () => {
    const w = walkLevels(takeableLevels('sell', null, top, []), n('2'));
    expect(w.vwap.toString()).toBe('99.5');
    expect(() => walkLevels(takeableLevels('sell', null, top, []), n('4'))).toThrow(RangeError);
  });
  it('slippage worsens the price but never past the limit', () => {
    expect(takerPrice('sell', n('100'), n('0.01'), null).toString()).toBe('99');
    expect(takerPrice('sell', n('100'), n('0.01'), n('99.5')).toString()).toBe('99.5');
    expect(takerPrice('buy', n('100'), n('0.01'), n('100.5')).toString()).toBe('100.5');
  });
});

describe('fillAmount', () => {
  it('is within [0, min(remaining, available)], on the lot grid unless it closes the order', () => {
    const amt = fc.integer({ min: 0, max: 5_000_000 }).map((v) => new Decimal(v).dividedBy(1_000_000));
    const ratio = fc.integer({ min: 1, max: 1000 }).map((v) => new Decimal(v).dividedBy(1000));
    fc.assert(
      fc.property(amt, amt, ratio, (remaining, available, r) => {
        const q = fillAmount(remaining, available, r, LOT);
        expect(q.gte(0)).toBe(true);
        expect(q.lte(remaining)).toBe(true);
        expect(q.lte(available)).toBe(true);
        if (!q.eq(remaining)) expect(isOnStep(q, LOT)).toBe(true);
        if (q.gt(0) && q.lt(remaining) && available.gte(remaining)) expect(remaining.minus(q).gte(LOT)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
