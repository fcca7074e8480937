import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InstrumentRules } from '../../instrument/rules.ts';
import { isOnStep as isOnStepCheck } from '../../money/decimal.ts';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS } from './config.ts';
import { buildLevels } from './levels.ts';
import { guardSideSpread, marketSpreadPct, minSideSpread } from './spread.ts';

const d = (v: string | number): Decimal => new Decimal(v);
const BTC: InstrumentRules = { symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tickSize: d('0.01'), lotStep: d('0.00001'), minAmount: d('0.00001'), minNotional: d('5') };

describe('levels and sizing (§6)', () => {
  it('hand-computed ladder: mid 60000, 0.3% both sides, 2 levels, 1000 quote', () => {
    const ls = buildLevels({ mid: d(60000), buySpread: d('0.003'), sellSpread: d('0.003'), levels: 2, oneSided: 'off' }, EPP_DEFAULTS, BTC);
    // per level 250; level 1 spread 0.003·1.4 = 0.0042
    expect(ls.map((l) => `${l.levelId} ${l.price.toString()} ${l.amount.toString()}`)).toEqual([
      'buy_0 59820 0.00417',
      'sell_0 60180 0.00415',
      'buy_1 59748 0.00418',
      'sell_1 60252 0.00414',
    ]);
  });
  it('drops levels under min notional instead of rounding up; one_sided removes a side', () => {
    expect(buildLevels({ mid: d(60000), buySpread: d('0.003'), sellSpread: d('0.003'), levels: 2, oneSided: 'off' }, EPP_DEFAULTS, { ...BTC, minNotional: d(300) })).toEqual([]);
    const buys = buildLevels({ mid: d(60000), buySpread: d('0.003'), sellSpread: d('0.003'), levels: 2, oneSided: 'buy_only' }, EPP_DEFAULTS, BTC);
    expect(buys.map((l) => l.levelId)).toEqual(['buy_0', 'buy_1']);
  });
  it('property: snapped bids < best ask, asks > best bid, on the grids, ≥ minimums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 10_000_000 }), // bid in ticks
        fc.integer({ min: 1, max: 50 }), // market spread in ticks
        fc.integer({ min: 0, max: 200 }), // side spreads in bps (may be inside the book before the guard)
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('0.01', '0.5', '0.1'),
        fc.constantFrom('0.001', '0.00001', '1'),
        fc.integer({ min: 10, max: 100_000 }),
        (bidTicks, sprTicks, bBp, sBp, levels, tick, lot, total) => {
          const rules: InstrumentRules = { ...BTC, tickSize: d(tick), lotStep: d(lot), minAmount: d(lot), minNotional: d(5) };
          const bid = d(bidTicks).times(tick);
          const ask = bid.plus(d(sprTicks).times(tick));
          const mid = bid.plus(ask).dividedBy(2);
          const minSide = minSideSpread(marketSpreadPct(bid, ask, mid), EPP_DEFAULTS);
          const x = { mid, buySpread: guardSideSpread(d(bBp).dividedBy(10_000), minSide), sellSpread: guardSideSpread(d(sBp).dividedBy(10_000), minSide), levels, oneSided: 'off' as const };
          for (const l of buildLevels(x, { ...EPP_DEFAULTS, totalAmountQuote: d(total) }, rules)) {
            if (l.side === 'buy') expect(l.price.lt(ask)).toBe(true);
            else expect(l.price.gt(bid)).toBe(true);
            expect(isOnStepCheck(l.price, rules.tickSize)).toBe(true);
            expect(isOnStepCheck(l.amount, rules.lotStep)).toBe(true);
            expect(l.amount.gte(rules.minAmount) && l.amount.gt(0)).toBe(true);
            expect(l.price.times(l.amount).gte(rules.minNotional)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
