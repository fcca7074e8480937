import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS, REGIMES } from './config.ts';
import { floorAt, flooredSpread, levelCount, minSideSpread, regimeSpread, spreadFloor, volPosition } from './spread.ts';

const d = (v: string): Decimal => new Decimal(v);
const C = EPP_DEFAULTS;
const N = C.regimes.neutral_low_vol;

describe('spread engine (§4)', () => {
  it('vol position, spread and levels from the defaults', () => {
    expect(volPosition(d('0.0045'), C).toString()).toBe('0.5');
    expect(volPosition(d('0.0001'), C).toString()).toBe('0');
    expect(volPosition(d('0.02'), C).toString()).toBe('1');
    expect(regimeSpread(N, d('0.5')).toString()).toBe('0.00375');
    expect(levelCount(N, d('0'))).toBe(4);
    expect(levelCount(N, d('0.5'))).toBe(3);
    expect(levelCount(N, d('0.25'))).toBe(3); // 2·0.25 = 0.5 rounds half up
    expect(levelCount(N, d('1'))).toBe(2);
  });
  it('floor = 2·maker + slippage + adverse + min edge + 0.5·band, and it binds', () => {
    // 2·0.00075 + 0.0001 + 0.0001 + 0 + 0.5·0.0045 = 0.00395
    expect(spreadFloor(d('0.0045'), C).toString()).toBe('0.00395');
    expect(flooredSpread(d('0.00375'), d('0.00395')).toString()).toBe('0.00395');
  });
  it('floor is recomputed at most every spread_floor_recalc_s', () => {
    const f0 = floorAt(null, d('0.0045'), 0, C);
    expect(floorAt(f0, d('0.001'), 29_999, C)).toBe(f0);
    const f1 = floorAt(f0, d('0.001'), 30_000, C);
    expect(f1.value.toString()).toBe('0.0022');
  });
  it('never inside the book: min side spread = marketSpread/2 + 0.0001', () => {
    expect(minSideSpread(d('0.001'), C).toString()).toBe('0.0006');
  });
  it('property: spread ≥ floor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.constantFrom(...REGIMES), fc.integer({ min: 0, max: 50 }), (bandBp, regime, edgeBp) => {
        const band = new Decimal(bandBp).dividedBy(10_000);
        const config = { ...C, minNetEdgeBps: new Decimal(edgeBp) };
        const floor = spreadFloor(band, config);
        const spread = flooredSpread(regimeSpread(config.regimes[regime], volPosition(band, config)), floor);
        expect(spread.gte(floor)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
