/**
 * The step's fast paths (double filters, reuse, the small-ladder diff) against the plain exact
 * computations they stand in for: same prices, amounts, spreads, regimes and order decisions,
 * on random inputs and on inputs built to sit right at a rounding boundary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DriftState, driftInit, driftUpdate, driftValue } from '../../indicators/index.ts';
import { type InstrumentRules, amountForQuote, snapPrice } from '../../instrument/rules.ts';
import { Decimal, ONE } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from './config.ts';
import type { CancelReason } from './decisions.ts';
import { type DesiredWithBand, type DiffParams, type DiffResult, diffOrders, withKeepBand, withLazyKeepBand } from './diff.ts';
import { type DesiredOrder, levelId, sideLevels } from './levels.ts';
import { computeQuote } from './quote.ts';
import { detectRegime, detectRegimeFromDrift, regimeThresholds } from './regime.ts';
import { guardSideSpread, marketSpreadPct, minSideSpread } from './spread.ts';
import type { OpenOrder } from './types.ts';

const d = (v: string | number): Decimal => new Decimal(v);

/** The ladder of one side by the plain Decimal chain (what `sideLevels` computed before its filter). */
function referenceSide(side: 'buy' | 'sell', sideSpread: Decimal, mid: Decimal, levels: number, perLevel: Decimal, config: EppConfig, rules: InstrumentRules): DesiredOrder[] {
  const out: DesiredOrder[] = [];
  for (let i = 0; i < levels; i++) {
    const spreadI = i === 0 ? sideSpread : sideSpread.times(config.spreadStepMultiplier.times(i).plus(ONE));
    const raw = side === 'buy' ? mid.times(ONE.minus(spreadI)) : mid.times(ONE.plus(spreadI));
    const price = snapPrice(side, raw, rules);
    if (!price.gt(0)) continue;
    const amount = amountForQuote(perLevel, price, rules);
    if (amount.lte(0) || amount.lt(rules.minAmount) || price.times(amount).lt(rules.minNotional)) continue;
    out.push({ levelId: levelId(side, i), side, index: i, price, amount });
  }
  return out;
}

const plain = (xs: readonly DesiredOrder[]): string[] => xs.map((o) => `${o.levelId} ${o.price.toString()} ${o.amount.toString()}`);

const rulesArb = fc
  .record({ tick: fc.constantFrom('0.01', '0.05', '0.5', '1', '0.1', '0.0001'), lot: fc.constantFrom('0.00001', '0.001', '1', '0.0005'), minNotional: fc.constantFrom('5', '0', '100') })
  .map(({ tick, lot, minNotional }): InstrumentRules => ({ symbol: 'X', base: 'B', quote: 'Q', tickSize: d(tick), lotStep: d(lot), minAmount: d(lot), minNotional: d(minNotional) }));
/** A long (40-digit) spread in [0, 0.95). */
const spreadArb = fc.bigInt({ min: 0n, max: 95n * 10n ** 38n }).map((m) => d(`${m}e-40`));
const midArb = fc.tuple(fc.integer({ min: 1, max: 100_000_000 }), fc.constantFrom(1, 2, 3)).map(([m, k]) => d(m).dividedBy(10 ** k).plus(d(1).dividedBy(2 * 10 ** k)));

describe('sideLevels filter', () => {
  it('gives the exact chain’s prices and amounts on random inputs (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('buy' as const, 'sell' as const), spreadArb, midArb, fc.integer({ min: 1, max: 5 }), rulesArb, fc.integer({ min: 1, max: 100_000 }), (side, s, mid, levels, rules, total) => {
        const config: EppConfig = { ...EPP_DEFAULTS, totalAmountQuote: d(total) };
        const perLevel = d(total).dividedBy(2 * levels);
        const got = sideLevels(side, s, { mid, buySpread: s, sellSpread: s, levels, oneSided: 'off' }, perLevel, config, rules);
        expect(plain(got)).toEqual(plain(referenceSide(side, s, mid, levels, perLevel, config, rules)));
      }),
      { numRuns: 3000 },
    );
  });
  it('gives the exact chain’s prices when the raw price sits a hair from a tick (property)', () => {
    // Choose the spread so that mid·(1 ∓ spread_i) lands within ~1e−35 of k·tick.
    fc.assert(
      fc.property(fc.constantFrom('buy' as const, 'sell' as const), midArb, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: -3, max: 3 }), rulesArb, (side, mid, i, ticksAway, nudge, rules) => {
        const config = EPP_DEFAULTS;
        const f = config.spreadStepMultiplier.times(i).plus(ONE);
        const target = side === 'buy' ? mid.minus(rules.tickSize.times(ticksAway)) : mid.plus(rules.tickSize.times(ticksAway));
        fc.pre(target.gt(0));
        const s = (side === 'buy' ? ONE.minus(target.dividedBy(mid)) : target.dividedBy(mid).minus(ONE)).dividedBy(f).plus(d(`${nudge}e-38`));
        fc.pre(s.gte(0) && s.lt('0.95'));
        const perLevel = d(250);
        const got = sideLevels(side, s, { mid, buySpread: s, sellSpread: s, levels: i + 1, oneSided: 'off' }, perLevel, config, rules);
        expect(plain(got)).toEqual(plain(referenceSide(side, s, mid, i + 1, perLevel, config, rules)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('inside-book guard filter', () => {
  it('computeQuote’s side spreads equal max(side, marketSpreadPct/2 + buffer) computed in full (property)', () => {
    const t = regimeThresholds(d(60000), d('0.002'), EPP_DEFAULTS);
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000, max: 9_000_000 }), fc.integer({ min: 1, max: 200_000 }), fc.bigInt({ min: 1n, max: 10n ** 40n - 1n }), fc.constantFrom('0.0001', '0', '0.01'), (bidTicks, sprTicks, bp, buffer) => {
        const config: EppConfig = { ...EPP_DEFAULTS, insideBookBufferPct: d(buffer) };
        const bid = d(bidTicks).dividedBy(100);
        const ask = bid.plus(d(sprTicks).dividedBy(100));
        const mid = bid.plus(ask).times('0.5');
        const floor = { value: d('0.001'), computedAt: 0 };
        const basePct = d(`${bp}e-40`);
        const q = computeQuote({ now: 0, regime: 'neutral_low_vol', bid, ask, mid, thresholds: t, basePct, targetOverride: null, fundingRate: null, floor }, config);
        const skew = q.skew;
        const minSide = minSideSpread(marketSpreadPct(bid, ask, mid), config);
        expect(q.buySpread.toString()).toBe(guardSideSpread(q.spread.times(ONE.minus(skew)), minSide).toString());
        expect(q.sellSpread.toString()).toBe(guardSideSpread(q.spread.times(ONE.plus(skew)), minSide).toString());
      }),
      { numRuns: 2000 },
    );
  });
});

describe('regime detection without the drift division', () => {
  it('detectRegimeFromDrift agrees with detectRegime on the drift value, also at the shock threshold (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 10_000_000 }),
        fc.integer({ min: -5000, max: 5000 }),
        fc.bigInt({ min: 0n, max: 10n ** 38n }),
        fc.boolean(),
        fc.integer({ min: -2, max: 2 }),
        (refTicks, moveTicks, band, atThreshold, nudge) => {
          const ref = d(refTicks).dividedBy(100);
          const now = ref.plus(d(moveTicks).dividedBy(100));
          fc.pre(now.gt(0));
          // Either a random band, or the band that puts |drift| exactly at the shock threshold (± a hair).
          const move = now.minus(ref).abs();
          const bandPct = atThreshold && !move.isZero() ? move.dividedBy(ref).dividedBy(EPP_DEFAULTS.shockDriftMultiplier).plus(d(`${nudge}e-40`)) : d(`${band}e-40`);
          fc.pre(bandPct.gte(0));
          const t = regimeThresholds(now, bandPct, EPP_DEFAULTS);
          let drift: DriftState = driftInit(30_000);
          drift = driftUpdate(drift, 0, ref);
          drift = driftUpdate(drift, 30_000, now);
          expect(detectRegimeFromDrift(now, drift, t)).toBe(detectRegime(now, driftValue(drift), t));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** diffOrders as it was, with Sets and a Map, for comparison. */
function referenceDiff(p: DiffParams): DiffResult {
  const cancels: { order: OpenOrder; reason: CancelReason }[] = [];
  const busy = new Set<string>();
  const active: OpenOrder[] = [];
  for (const o of p.live) {
    if (o.cancelling || p.cancelRequested.has(o.clientOrderId)) busy.add(o.levelId);
    else if (!o.acked && p.now - o.placedAt >= p.ackTimeoutMs) cancels.push({ order: o, reason: 'ack_timeout' });
    else active.push(o);
  }
  for (const c of cancels) busy.add(c.order.levelId);
  const byId = new Map<string, DesiredWithBand>();
  for (const x of p.desired) byId.set(x.levelId, x);
  const kept = new Set<string>();
  for (const o of active) {
    const x = byId.get(o.levelId);
    let reason: CancelReason | null;
    if (x === undefined) reason = p.undesiredReason(o.side);
    else if (kept.has(o.levelId)) reason = 'duplicate';
    else if (o.side !== x.side) reason = 'reprice';
    else if (p.now - o.placedAt >= p.refreshMs) reason = 'stale';
    else reason = o.price.gte(x.keepLo) && o.price.lte(x.keepHi) ? null : 'reprice';
    if (reason === null) kept.add(o.levelId);
    else {
      cancels.push({ order: o, reason });
      busy.add(o.levelId);
    }
  }
  const places: DesiredOrder[] = [];
  let slots = p.maxActiveOrders - p.live.length;
  for (const x of p.desired) {
    if (slots <= 0) break;
    if (kept.has(x.levelId) || busy.has(x.levelId)) continue;
    places.push(x);
    slots -= 1;
  }
  return { cancels, places };
}

describe('diffOrders', () => {
  const ids = fc.constantFrom('buy_0', 'buy_1', 'sell_0', 'sell_1', 'buy_2', 'x');
  const desiredArb = fc.array(fc.record({ id: ids, side: fc.constantFrom('buy' as const, 'sell' as const), px: fc.integer({ min: 95, max: 105 }) }), { maxLength: 40 });
  const liveArb = fc.array(
    fc.record({ id: ids, side: fc.constantFrom('buy' as const, 'sell' as const), px: fc.integer({ min: 90, max: 110 }), placedAt: fc.integer({ min: 0, max: 100 }), acked: fc.boolean(), cancelling: fc.boolean(), requested: fc.boolean() }),
    { maxLength: 40 },
  );
  it('makes the same cancels and places as the Set/Map version, for short and long ladders, reused or not (property)', () => {
    fc.assert(
      fc.property(desiredArb, liveArb, fc.integer({ min: 0, max: 50 }), fc.boolean(), (ds, ls, maxActive, reuse) => {
        const desired = withKeepBand(
          ds.map((x, i) => ({ levelId: x.id, side: x.side, index: i, price: d(x.px), amount: d(1) })),
          d(2),
        );
        const live: OpenOrder[] = ls.map((x, i) => ({ clientOrderId: `c${i}` as OpenOrder['clientOrderId'], levelId: x.id, side: x.side, price: d(x.px), remaining: d(1), placedAt: x.placedAt, acked: x.acked, cancelling: x.cancelling }));
        const requested = new Set(ls.flatMap((x, i) => (x.requested ? [`c${i}`] : [])));
        const p: DiffParams = { now: 100, desired, live, cancelRequested: requested, refreshMs: 60, ackTimeoutMs: 50, maxActiveOrders: maxActive, undesiredReason: (side) => (side === 'buy' ? 'level_removed' : 'side_removed') };
        if (reuse) diffOrders({ ...p, live: [] }); // the index of this ladder is then cached
        const got = diffOrders(p);
        const want = referenceDiff(p);
        expect(got.cancels.map((c) => `${c.order.clientOrderId}:${c.reason}`)).toEqual(want.cancels.map((c) => `${c.order.clientOrderId}:${c.reason}`));
        expect(got.places).toEqual(want.places);
      }),
      { numRuns: 2000 },
    );
  });
  it('lazy keep bands decide like the eager ones, also for prices on or a hair off a band edge (property)', () => {
    const tolArb = fc.constantFrom('0', '0.01', '30', '0.05', '1e-30');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 9_000_000, max: 9_000_040 }), { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: -1, max: 1 })), { maxLength: 8 }), tolArb, (pxs, offs, tolStr) => {
        const tol = d(tolStr);
        const orders = pxs.map((px, i): DesiredOrder => ({ levelId: levelId(i % 2 === 0 ? 'buy' : 'sell', i >> 1), side: i % 2 === 0 ? 'buy' : 'sell', index: i >> 1, price: d(px).dividedBy(100), amount: d(1) }));
        // Live orders at the desired price ± (−2..2)·tolerance, nudged by a hair (1e-35).
        const live: OpenOrder[] = offs.map(([j, k, nudge], i) => {
          const o = orders[j % orders.length] as DesiredOrder;
          return { clientOrderId: `c${i}` as OpenOrder['clientOrderId'], levelId: o.levelId, side: o.side, price: o.price.plus(tol.times(k)).plus(d(`${nudge}e-35`)), remaining: d(1), placedAt: 0, acked: true, cancelling: false };
        });
        const base = { now: 1, live, cancelRequested: new Set<string>(), refreshMs: 60, ackTimeoutMs: 50, maxActiveOrders: 20, undesiredReason: () => 'level_removed' as const };
        const eager = diffOrders({ ...base, desired: withKeepBand(orders, tol) });
        const lazy = diffOrders({ ...base, desired: withLazyKeepBand(orders, tol) });
        expect(lazy.cancels.map((c) => `${c.order.clientOrderId}:${c.reason}`)).toEqual(eager.cancels.map((c) => `${c.order.clientOrderId}:${c.reason}`));
        expect(lazy.places.map((x) => x.levelId)).toEqual(eager.places.map((x) => x.levelId));
        const lb = withLazyKeepBand(orders, tol);
        const eb = withKeepBand(orders, tol);
        lb.forEach((x, i) => {
          expect(x.keepLo.toString()).toBe((eb[i] as DesiredWithBand).keepLo.toString());
          expect(x.keepHi.toString()).toBe((eb[i] as DesiredWithBand).keepHi.toString());
        });
      }),
      { numRuns: 1500 },
    );
  });
  it('does not trust a cached index for an array whose elements changed', () => {
    const a = withKeepBand([{ levelId: 'buy_0', side: 'buy', index: 0, price: d(100), amount: d(1) }], d(1));
    const b = withKeepBand([{ levelId: 'sell_0', side: 'sell', index: 0, price: d(101), amount: d(1) }], d(1));
    const desired: DesiredWithBand[] = [...a];
    const p = (live: OpenOrder[]): DiffParams => ({ now: 0, desired, live, cancelRequested: new Set(), refreshMs: 60, ackTimeoutMs: 50, maxActiveOrders: 10, undesiredReason: () => 'level_removed' });
    expect(diffOrders(p([])).places.map((x) => x.levelId)).toEqual(['buy_0']);
    desired[0] = b[0] as DesiredWithBand;
    expect(diffOrders(p([])).places.map((x) => x.levelId)).toEqual(['sell_0']);
  });
});
