import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { evaluatePortfolio, type BotRiskSnapshot, type PortfolioLimits, type PositionSnapshot } from './portfolio.ts';

const RUNS = { numRuns: 300 };
const NOW = 1_700_000_000_000;
const ASSETS = ['BTC', 'ETH', 'SOL'] as const;

/** n/100 for an integer n in [lo, hi]: two-place decimals, exact under addition. */
const cents = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => new Decimal(n).dividedBy(100));

const positionArb: fc.Arbitrary<PositionSnapshot> = fc.record({
  asset: fc.constantFrom(...ASSETS),
  base: cents(-500, 500),
  mark: cents(1, 300_000),
  pendingBuyBase: cents(0, 300),
  pendingSellBase: cents(0, 300),
});

const snapshotArb: fc.Arbitrary<BotRiskSnapshot> = fc
  .record({
    botId: fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
    open: cents(0, 10_000_000),
    // Day PnL as a fraction of the open, in basis points: −6%..+3%, around the 3% limit.
    pnlBps: fc.integer({ min: -600, max: 300 }),
    age: fc.integer({ min: 0, max: 20_000 }),
    positions: fc.array(positionArb, { maxLength: 3 }),
  })
  .map(({ botId, open, pnlBps, age, positions }) => ({
    botId,
    ts: NOW - age,
    equity: open.plus(open.times(pnlBps).dividedBy(10_000)),
    equityDayOpen: open,
    quoteAsset: 'USDT',
    positions,
  }));

const snapshotsArb = fc.uniqueArray(snapshotArb, { selector: (s) => s.botId, maxLength: 6 });

const limitsArb: fc.Arbitrary<PortfolioLimits> = fc.record({
  dailyLossPct: cents(1, 10),
  netExposureCapQuote: fc.record({ default: cents(1, 10_000_000), byAsset: fc.constant({}) }),
  concentrationPct: cents(30, 100),
  warnAtFraction: cents(50, 100),
  killOnGlobalBreach: fc.boolean(),
  staleAfterMs: fc.constant(10_000),
  exposureHoldMs: fc.constant(0),
  scope: fc.constant('all' as const),
});

const sumOf = (xs: readonly Decimal[]) => xs.reduce((a, b) => a.plus(b), new Decimal(0));
const exposureRules = (snaps: readonly BotRiskSnapshot[], limits: PortfolioLimits) =>
  evaluatePortfolio(snaps, limits, NOW).decisions.filter((d) => d.rule === 'net_exposure' || d.rule === 'concentration');

describe('evaluatePortfolio properties', () => {
  it('aggregate equity and open equity are the sums over the bots', () => {
    fc.assert(
      fc.property(snapshotsArb, limitsArb, (snaps, limits) => {
        const m = evaluatePortfolio(snaps, limits, NOW).metrics;
        expect(m.equity.eq(sumOf(snaps.map((s) => s.equity)))).toBe(true);
        expect(m.equityDayOpen.eq(sumOf(snaps.map((s) => s.equityDayOpen)))).toBe(true);
      }),
      RUNS,
    );
  });

  it('adding a bot with zero exposure never changes the exposure or concentration decisions', () => {
    const flatArb = fc.record({ asset: fc.constantFrom(...ASSETS), mark: cents(1, 300_000) });
    fc.assert(
      fc.property(snapshotsArb, limitsArb, fc.array(flatArb, { maxLength: 3 }), cents(0, 1_000_000), (snaps, limits, flats, open) => {
        const zero = new Decimal(0);
        const flat: BotRiskSnapshot = {
          botId: 'flat-bot',
          ts: NOW,
          equity: open,
          equityDayOpen: open,
          quoteAsset: 'USDT',
          positions: flats.map((p) => ({ ...p, base: zero, pendingBuyBase: zero, pendingSellBase: zero })),
        };
        expect(exposureRules([...snaps, flat], limits)).toEqual(exposureRules(snaps, limits));
      }),
      RUNS,
    );
  });

  it('a daily loss strictly below warnAtFraction of the limit yields no daily_loss decision', () => {
    fc.assert(
      fc.property(snapshotsArb, limitsArb, (snaps, limits) => {
        const r = evaluatePortfolio(snaps, limits, NOW);
        const loss = r.metrics.dailyLossPct;
        fc.pre(loss === null || loss.lt(limits.dailyLossPct.times(limits.warnAtFraction)));
        expect(r.decisions.filter((d) => d.rule === 'daily_loss')).toEqual([]);
      }),
      RUNS,
    );
  });

  it('decisions and metrics do not depend on the order of the snapshots', () => {
    const arb = snapshotsArb.chain((snaps) => fc.tuple(fc.constant(snaps), fc.shuffledSubarray(snaps, { minLength: snaps.length, maxLength: snaps.length })));
    fc.assert(
      fc.property(arb, limitsArb, ([snaps, shuffled], limits) => {
        expect(evaluatePortfolio(shuffled, limits, NOW)).toEqual(evaluatePortfolio(snaps, limits, NOW));
      }),
      RUNS,
    );
  });

  it('a larger loss never removes a kill (monotonicity)', () => {
    const arb = snapshotsArb
      .filter((s) => s.length > 0)
      .chain((snaps) => fc.tuple(fc.constant(snaps), fc.nat({ max: snaps.length - 1 }), cents(0, 1_000_000)));
    fc.assert(
      fc.property(arb, limitsArb, ([snaps, i, extraLoss], limits) => {
        const kills = (xs: readonly BotRiskSnapshot[]) => evaluatePortfolio(xs, { ...limits, killOnGlobalBreach: true }, NOW).decisions.filter((d) => d.action === 'kill');
        const worse = snaps.map((s, j) => (j === i ? { ...s, equity: s.equity.minus(extraLoss) } : s));
        const before = kills(snaps);
        if (before.length > 0) expect(kills(worse).map((d) => d.bots)).toEqual(before.map((d) => d.bots));
      }),
      RUNS,
    );
  });

  it('every decision names at least one bot, and only scoped bots', () => {
    const arb = snapshotsArb.chain((snaps) => fc.tuple(fc.constant(snaps), fc.subarray(snaps.map((s) => s.botId))));
    fc.assert(
      fc.property(arb, limitsArb, ([snaps, scope], limits) => {
        for (const d of evaluatePortfolio(snaps, { ...limits, scope }, NOW).decisions) {
          expect(d.bots.length).toBeGreaterThan(0);
          for (const b of d.bots) expect(scope).toContain(b);
        }
      }),
      RUNS,
    );
  });
});
