import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from './config.ts';
import { T0, TEST_RULES, bookAt, warmUp } from './fixtures.ts';
import type { EppState } from './state.ts';
import { eppStep } from './step.ts';
import type { EppBalances, EppInputs, EppIntent } from './types.ts';

const NO_TRADE: EppConfig = { ...EPP_DEFAULTS, variant: 'no_trade' };
const PAPER: EppConfig = { ...EPP_DEFAULTS, variant: 'paper_only' };
// Both start warm (15 minutes of the warm pattern), so the random paths exercise the quoting pipeline.
const WARM_NT = warmUp(NO_TRADE, TEST_RULES, T0, 15);
const WARM_PAPER = warmUp(PAPER, TEST_RULES, T0, 15).state;

const intentArb: fc.Arbitrary<EppIntent> = fc.oneof(
  fc.constant<EppIntent>({ type: 'pause' }),
  fc.constant<EppIntent>({ type: 'resume' }),
  fc.constant<EppIntent>({ type: 'kill' }),
  fc.integer({ min: 0, max: 100 }).map((p): EppIntent => ({ type: 'set_target_base_pct', value: new Decimal(p).dividedBy(100) })),
);
const balancesArb: fc.Arbitrary<EppBalances> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<EppBalances>({ kind: 'spot', base: new Decimal(5), quote: new Decimal(500) }) },
  { weight: 3, arbitrary: fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 2_000 })).map(([b, q]): EppBalances => ({ kind: 'spot', base: new Decimal(b).dividedBy(1000), quote: new Decimal(q) })) },
  { weight: 1, arbitrary: fc.constant<EppBalances>({ kind: 'failed', message: 'read failed' }) },
);
const tickArb = fc.record({
  dtMs: fc.integer({ min: 500, max: 45_000 }),
  moveBps: fc.integer({ min: -80, max: 80 }),
  bookLagMs: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 60_000 }) }),
  balances: balancesArb,
  driftBps: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -800, max: 800 }) }),
  intents: fc.oneof({ weight: 9, arbitrary: fc.constant<EppIntent[]>([]) }, { weight: 1, arbitrary: fc.array(intentArb, { minLength: 1, maxLength: 2 }) }),
});

describe('no_trade, property (§10)', () => {
  it('never places, and decides exactly what paper_only decides minus its places', () => {
    const seen = { regimeChanges: 0, runningTicks: 0, softPauses: 0, hardStops: 0 };
    fc.assert(
      fc.property(fc.array(tickArb, { minLength: 10, maxLength: 60 }), (ticks) => {
        let nt: EppState = WARM_NT.state;
        let paper: EppState = WARM_PAPER;
        let now = WARM_NT.now;
        let mid = new Decimal('100.1');
        for (const t of ticks) {
          now += t.dtMs;
          mid = mid.times(new Decimal(10_000 + t.moveBps).dividedBy(10_000)).toDecimalPlaces(2);
          const inputs: EppInputs = {
            now,
            book: bookAt(now - t.bookLagMs, mid),
            balances: t.balances,
            openOrders: [],
            fills: [],
            positionDriftPct: new Decimal(t.driftBps).dividedBy(10_000),
            intents: t.intents,
          };
          const a = eppStep(nt, inputs, NO_TRADE, TEST_RULES);
          const b = eppStep(paper, inputs, PAPER, TEST_RULES);
          expect(a.decisions.some((x) => x.type === 'place')).toBe(false);
          expect(a.decisions).toEqual(b.decisions.filter((x) => x.type !== 'place'));
          expect([a.status, a.quote]).toEqual([b.status, b.quote]);
          nt = a.state;
          paper = b.state;
          seen.regimeChanges += a.decisions.filter((x) => x.type === 'regime.changed').length;
          seen.softPauses += a.decisions.filter((x) => x.type === 'ops.soft_pause').length;
          seen.hardStops += a.decisions.filter((x) => x.type === 'ops.hard_stop').length;
          if (a.status === 'running') seen.runningTicks += 1;
        }
        expect(nt.orderSeq).toBe(WARM_NT.state.orderSeq);
      }),
      { numRuns: 200 },
    );
    // The generator reaches every part of the pipeline (not a vacuous property).
    expect(Object.values(seen).every((n) => n > 0)).toBe(true);
  });
});
