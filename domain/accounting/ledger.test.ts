import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, ZERO, dec } from '../money/decimal.ts';
import { type Ledger, type LedgerFill, accrueFunding, applyFill, ledgerInit, snapshot } from './ledger.ts';

const d = (x: string | number): Decimal => dec(x);
const open = (baseBalance: string | number = 0, quoteBalance: string | number = 10_000, mark: string | number = 100): Ledger =>
  ledgerInit({ base: 'BTC', quote: 'USDT', baseBalance: d(baseBalance), quoteBalance: d(quoteBalance), mark: d(mark) });
const fill = (side: 'buy' | 'sell', price: string | number, amount: string | number, fee: string | number = 0, feeAsset = 'USDT', feeRate?: Decimal): LedgerFill =>
  ({ side, price: d(price), amount: d(amount), fee: d(fee), feeAsset, ts: 1, ...(feeRate === undefined ? {} : { feeRate }) });

/** The §11 identity, evaluated exactly: equity − equityOpen − (realized + unrealized − fees − funding). */
function identityGap(l: Ledger, mark: Decimal): Decimal {
  const s = snapshot(l, mark);
  return s.equity.minus(s.equityOpen).minus(s.realized.plus(s.unrealized).minus(s.feesQuote).minus(s.funding));
}

describe('ledger: average cost', () => {
  it('buy, buy, sell: average cost and realized PnL', () => {
    let l = open();
    l = applyFill(l, fill('buy', 100, 1)).ledger;
    l = applyFill(l, fill('buy', 110, 3)).ledger;
    expect(snapshot(l, d(110)).avgCost.toString()).toBe('107.5');
    const r = applyFill(l, fill('sell', 120, 2));
    expect(r.realized.toString()).toBe('25'); // (120 − 107.5)·2
    const s = snapshot(r.ledger, d(130));
    expect(s.position.toString()).toBe('2');
    expect(s.avgCost.toString()).toBe('107.5'); // a reduction leaves the average cost alone
    expect(s.unrealized.toString()).toBe('45'); // (130 − 107.5)·2
    expect(s.quoteBalance.toString()).toBe(String(10_000 - 100 - 330 + 240));
    expect(s.tradedNotional.toString()).toBe('670');
    expect(identityGap(r.ledger, d(130)).isZero()).toBe(true);
  });

  it('costs the opening inventory at the opening mark', () => {
    const l = open(2, 1_000, 50);
    const s = snapshot(l, d(60));
    expect(s.avgCost.toString()).toBe('50');
    expect(s.equityOpen.toString()).toBe('1100');
    expect(s.unrealized.toString()).toBe('20');
    expect(applyFill(l, fill('sell', 55, 1)).realized.toString()).toBe('5');
  });

  it('crosses through zero: a sell larger than the long closes it and opens a short at the fill price', () => {
    let l = open();
    l = applyFill(l, fill('buy', 100, 1)).ledger;
    l = applyFill(l, fill('buy', 110, 1)).ledger; // long 2 @ 105
    const a = applyFill(l, fill('sell', 100, 5));
    expect(a.realized.toString()).toBe('-10'); // (100 − 105)·2
    expect(snapshot(a.ledger, d(100)).position.toString()).toBe('-3');
    expect(snapshot(a.ledger, d(100)).avgCost.toString()).toBe('100');
    expect(snapshot(a.ledger, d(90)).unrealized.toString()).toBe('30'); // short gains as price falls
    const b = applyFill(a.ledger, fill('buy', 90, 4)); // covers 3 @ 90, opens long 1 @ 90
    expect(b.realized.toString()).toBe('30');
    expect(snapshot(b.ledger, d(90)).position.toString()).toBe('1');
    expect(snapshot(b.ledger, d(90)).avgCost.toString()).toBe('90');
    expect(b.ledger.realized.toString()).toBe('20');
    expect(identityGap(b.ledger, d(97)).isZero()).toBe(true);
  });

  it('short side: adding to a short averages, partial cover realizes, exact flat has zero cost', () => {
    let l = open();
    l = applyFill(l, fill('sell', 100, 1)).ledger;
    l = applyFill(l, fill('sell', 106, 2)).ledger; // short 3 @ 104
    expect(snapshot(l, d(100)).avgCost.toString()).toBe('104');
    const r = applyFill(l, fill('buy', 101, 1));
    expect(r.realized.toString()).toBe('3'); // (104 − 101)·1 on a short
    const flat = applyFill(r.ledger, fill('buy', 110, 2));
    expect(flat.realized.toString()).toBe('-12');
    expect(flat.ledger.position.isZero()).toBe(true);
    expect(flat.ledger.costBasis.isZero()).toBe(true);
    expect(snapshot(flat.ledger, d(1)).avgCost.toString()).toBe('0');
  });
});

describe('ledger: fees and funding', () => {
  it('keeps fees by asset and in quote, apart from price PnL', () => {
    let l = open();
    const a = applyFill(l, fill('buy', 100, 2, '0.2', 'USDT'));
    expect(a.feeQuote.toString()).toBe('0.2');
    l = a.ledger;
    const b = applyFill(l, fill('buy', 100, 1, '0.001', 'BTC')); // fee paid in base: 0.001 BTC = 0.1 USDT
    expect(b.feeQuote.toString()).toBe('0.1');
    expect(b.realized.toString()).toBe('0'); // disposed at its own average cost
    l = b.ledger;
    expect(l.position.toString()).toBe('2.999');
    expect(snapshot(l, d(100)).avgCost.toString()).toBe('100');
    l = applyFill(l, fill('sell', 120, 1, '0.05', 'BNB', d(500))).ledger;
    l = applyFill(l, fill('sell', 120, 1, '0.01', 'XYZ')).ledger;
    l = applyFill(l, fill('sell', 120, '0.5', '0.02', 'XYZ')).ledger;
    const s = snapshot(l, d(120));
    expect(s.feesByAsset).toEqual({ USDT: d('0.2'), BTC: d('0.001'), BNB: d('0.05'), XYZ: d('0.03') });
    expect(s.feesQuote.toString()).toBe('0.3');
    expect(s.feesExternalQuote.toString()).toBe('25');
    expect(s.unpricedFeeAssets).toEqual(['XYZ']);
    expect(s.realized.toString()).toBe('50'); // (120 − 100)·2.5, fees apart
    expect(identityGap(l, d(120)).isZero()).toBe(true);
  });

  it('a base fee on a long realizes the price PnL of the units paid', () => {
    let l = applyFill(open(), fill('buy', 100, 1)).ledger;
    const r = applyFill(l, fill('buy', 120, 1, '0.01', 'BTC')); // long 2 @ 110, pays 0.01 BTC at 120
    expect(r.realized.toString()).toBe('0.1'); // (120 − 110)·0.01
    expect(r.feeQuote.toString()).toBe('1.2');
    l = r.ledger;
    expect(l.position.toString()).toBe('1.99');
    expect(snapshot(l, d(1)).avgCost.toString()).toBe('110');
  });

  it('accrues funding: positive paid, negative received', () => {
    let l = applyFill(open(), fill('buy', 100, 1)).ledger;
    l = accrueFunding(l, d('1.5'), 2);
    l = accrueFunding(l, d('-0.5'), 3);
    const s = snapshot(l, d(100));
    expect(s.funding.toString()).toBe('1');
    expect(s.quoteBalance.toString()).toBe('9899');
    expect(s.equity.minus(s.equityOpen).toString()).toBe('-1');
    expect(l.lastTs).toBe(3);
  });

  it('rejects bad inputs', () => {
    const l = open();
    expect(() => applyFill(l, fill('buy', 0, 1))).toThrow(RangeError);
    expect(() => applyFill(l, fill('buy', 1, 0))).toThrow(RangeError);
    expect(() => ledgerInit({ base: 'X', quote: 'X', baseBalance: ZERO, quoteBalance: ZERO, mark: d(1) })).toThrow(RangeError);
    expect(() => ledgerInit({ base: 'X', quote: 'Y', baseBalance: ZERO, quoteBalance: ZERO, mark: d(0) })).toThrow(RangeError);
  });

  it('never mutates its input', () => {
    const l0 = Object.freeze(open(1, 100, 10));
    const l1 = Object.freeze(applyFill(l0, fill('sell', 12, 3, '0.1', 'BTC')).ledger);
    accrueFunding(l1, d(1), 5);
    applyFill(l1, fill('buy', 11, 1, 1, 'BNB'));
    expect(l0.position.toString()).toBe('1');
    expect(l0.fillCount).toBe(0);
    expect(l1.feesByAsset).toEqual({ BTC: d('0.1') });
    expect(l1.unpricedFeeAssets).toEqual([]);
    expect(l1.funding.isZero()).toBe(true);
  });
});

// Random fill / funding sequences on venue-like grids (price 0.01, amount 0.0001, fee 1e-8).
const priceArb = fc.integer({ min: 1, max: 10_000_000 }).map((x) => new Decimal(x).dividedBy(100));
const amountArb = fc.integer({ min: 1, max: 1_000_000 }).map((x) => new Decimal(x).dividedBy(10_000));
const feeArb = fc.integer({ min: -10_000, max: 100_000_000 }).map((x) => new Decimal(x).dividedBy(100_000_000));
const opArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('fill' as const), side: fc.constantFrom('buy' as const, 'sell' as const), price: priceArb, amount: amountArb, fee: feeArb, feeAsset: fc.constantFrom('USDT', 'BTC', 'BNB'), priced: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('funding' as const), amount: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((x) => new Decimal(x).dividedBy(10_000)) }) },
);

describe('ledger: accounting identity (property)', () => {
  it('equity_now − equity_open = realized + unrealized − fees − funding, exactly, after every step', () => {
    fc.assert(
      fc.property(amountArb, fc.boolean(), priceArb, fc.array(fc.tuple(opArb, priceArb), { minLength: 1, maxLength: 60 }), (base0, short0, mark0, ops) => {
        let l = ledgerInit({ base: 'BTC', quote: 'USDT', baseBalance: short0 ? base0.negated() : base0, quoteBalance: d(50_000), mark: mark0 });
        let realized = ZERO;
        ops.forEach(([op, mark], i) => {
          if (op.kind === 'fill') {
            const r = applyFill(l, { side: op.side, price: op.price, amount: op.amount, fee: op.fee, feeAsset: op.feeAsset, ts: i, ...(op.priced ? { feeRate: d(300) } : {}) });
            realized = realized.plus(r.realized);
            l = r.ledger;
          } else {
            l = accrueFunding(l, op.amount, i);
          }
          expect(identityGap(l, mark).isZero()).toBe(true);
          expect(l.realized.eq(realized)).toBe(true);
          // Prices are positive, so an open position always has a positive average cost.
          if (!l.position.isZero()) expect(snapshot(l, mark).avgCost.gt(0)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('a round trip at one price with no fees realizes nothing', () => {
    fc.assert(
      fc.property(priceArb, fc.array(fc.tuple(fc.constantFrom('buy' as const, 'sell' as const), amountArb), { minLength: 1, maxLength: 30 }), (price, legs) => {
        let l = open();
        for (const [side, amount] of legs) l = applyFill(l, { side, price, amount, fee: ZERO, feeAsset: 'USDT', ts: 0 }).ledger;
        expect(l.realized.abs().lt('1e-18')).toBe(true);
        expect(snapshot(l, price).unrealized.abs().lt('1e-18')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
