import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../../ids.ts';
import type { Side } from '../../instrument/rules.ts';
import { Decimal } from '../../money/decimal.ts';
import { type DesiredWithBand, type DiffParams, diffOrders, priceTolerance, withKeepBand } from './diff.ts';
import { TEST_RULES } from './fixtures.ts';
import type { DesiredOrder } from './levels.ts';
import type { OpenOrder } from './types.ts';

const d = (v: string | number): Decimal => new Decimal(v);
const TOL = priceTolerance(1, TEST_RULES); // 1 tick = 0.01
const want = (levelId: string, price: string): DesiredOrder => ({ levelId, side: levelId.startsWith('buy') ? 'buy' : 'sell', index: Number(levelId.split('_')[1]), price: d(price), amount: d(1) });
const ladder = (...xs: DesiredOrder[]): DesiredWithBand[] => withKeepBand(xs, TOL);
let seq = 0;
const order = (levelId: string, price: string, over: Partial<OpenOrder> = {}): OpenOrder => ({
  clientOrderId: clientOrderId(`o-${++seq}`),
  levelId,
  side: levelId.startsWith('buy') ? 'buy' : 'sell',
  price: d(price),
  remaining: d(1),
  placedAt: 0,
  acked: true,
  cancelling: false,
  ...over,
});
const params = (desired: DesiredWithBand[], live: OpenOrder[], over: Partial<DiffParams> = {}): DiffParams => ({
  now: 10_000,
  desired,
  live,
  cancelRequested: new Set(),
  refreshMs: 60_000,
  ackTimeoutMs: 30_000,
  maxActiveOrders: 10,
  undesiredReason: () => 'level_removed',
  ...over,
});
const summary = (p: DiffParams): { cancels: string[]; places: string[] } => {
  const r = diffOrders(p);
  return { cancels: r.cancels.map((c) => `${c.order.levelId}:${c.reason}`), places: r.places.map((x) => x.levelId) };
};

describe('order diff (§9)', () => {
  const D = ladder(want('buy_0', '99.50'), want('sell_0', '100.50'));

  it('keeps an order within price_tolerance_ticks and younger than refresh_s', () => {
    expect(summary(params(D, [order('buy_0', '99.51'), order('sell_0', '100.49')]))).toEqual({ cancels: [], places: [] });
  });

  it('reprices an order more than the tolerance away: cancel now, replace once the cancel is confirmed', () => {
    expect(summary(params(D, [order('buy_0', '99.52'), order('sell_0', '100.50')]))).toEqual({ cancels: ['buy_0:reprice'], places: [] });
    expect(summary(params(D, [order('sell_0', '100.50')]))).toEqual({ cancels: [], places: ['buy_0'] });
  });

  it('cancels an order as stale once it is refresh_s old', () => {
    const p = params(D, [order('buy_0', '99.50', { placedAt: 0 }), order('sell_0', '100.50', { placedAt: 1 })], { now: 60_000 });
    expect(summary(p)).toEqual({ cancels: ['buy_0:stale'], places: [] });
  });

  it('cancels an order on the wrong side of its level as a reprice', () => {
    expect(summary(params(D, [order('buy_0', '99.50', { side: 'sell' })]))).toEqual({ cancels: ['buy_0:reprice'], places: ['sell_0'] });
  });

  it('never places on a level whose order is cancelling (flagged or requested), and does not cancel it twice', () => {
    const flagged = order('buy_0', '90', { cancelling: true });
    const requested = order('sell_0', '110');
    const p = params(D, [flagged, requested], { cancelRequested: new Set([requested.clientOrderId]) });
    expect(summary(p)).toEqual({ cancels: [], places: [] });
  });

  it('cancels an order not acked within order_ack_timeout_s; an acked one of the same age stays', () => {
    const late = order('buy_0', '99.50', { acked: false, placedAt: 0 });
    const p = params(D, [late, order('sell_0', '100.50', { placedAt: 0 })], { now: 30_000 });
    expect(summary(p)).toEqual({ cancels: ['buy_0:ack_timeout'], places: [] });
    expect(summary({ ...p, now: 29_999 })).toEqual({ cancels: [], places: [] });
  });

  it('cancels duplicates on a level, keeping the first keepable one', () => {
    expect(summary(params(D, [order('buy_0', '99.50'), order('buy_0', '99.50'), order('sell_0', '100.50')]))).toEqual({ cancels: ['buy_0:duplicate'], places: [] });
  });

  it('cancels orders on levels no longer desired with the caller reason', () => {
    const p = params(D, [order('buy_3', '98'), order('sell_0', '100.50')], { undesiredReason: (side: Side) => (side === 'buy' ? 'side_removed' : 'level_removed') });
    expect(summary(p)).toEqual({ cancels: ['buy_3:side_removed'], places: ['buy_0'] });
  });

  it('caps live orders at max_active_orders, counting cancelling ones, innermost first', () => {
    const full = ladder(want('buy_0', '99.5'), want('sell_0', '100.5'), want('buy_1', '99'), want('sell_1', '101'), want('buy_2', '98.5'));
    expect(summary(params(full, [], { maxActiveOrders: 3 }))).toEqual({ cancels: [], places: ['buy_0', 'sell_0', 'buy_1'] });
    const busy = order('x_0', '1', { cancelling: true });
    expect(summary(params(full, [busy, order('buy_0', '99.5')], { maxActiveOrders: 3 }))).toEqual({ cancels: [], places: ['sell_0'] });
  });
});

describe('order diff, property (§9)', () => {
  const LEVELS = ['buy_0', 'buy_1', 'buy_2', 'sell_0', 'sell_1', 'sell_2', 'x_0'];
  const liveArb = fc.array(
    fc.record({ level: fc.constantFrom(...LEVELS), cents: fc.integer({ min: 9_900, max: 10_100 }), age: fc.integer({ min: 0, max: 90_000 }), acked: fc.boolean(), cancelling: fc.boolean(), requested: fc.boolean() }),
    { maxLength: 12 },
  );
  const desiredArb = fc.uniqueArray(fc.record({ level: fc.constantFrom(...LEVELS.slice(0, 6)), cents: fc.integer({ min: 9_900, max: 10_100 }) }), { selector: (x) => x.level, maxLength: 6 });

  it('no place on a busy or kept level, every live order kept or cancelled once, the cap holds', () => {
    fc.assert(
      fc.property(liveArb, desiredArb, fc.integer({ min: 0, max: 10 }), (lv, ds, max) => {
        const now = 100_000;
        const live = lv.map((x, i) => order(x.level, d(x.cents).dividedBy(100).toString(), { clientOrderId: clientOrderId(`p-${i}`), placedAt: now - x.age, acked: x.acked, cancelling: x.cancelling }));
        const requested = new Set<string>(live.filter((_, i) => lv[i]?.requested === true).map((o) => o.clientOrderId));
        const p = params(ladder(...ds.map((x) => want(x.level, d(x.cents).dividedBy(100).toString()))), live, { now, cancelRequested: requested, maxActiveOrders: max });
        const r = diffOrders(p);
        const pending = live.filter((o) => o.cancelling || requested.has(o.clientOrderId));
        const cancelledIds = r.cancels.map((c) => c.order.clientOrderId);
        expect(new Set(cancelledIds).size).toBe(cancelledIds.length);
        for (const o of pending) expect(cancelledIds).not.toContain(o.clientOrderId);
        const kept = live.filter((o) => !pending.includes(o) && !cancelledIds.includes(o.clientOrderId));
        const busy = new Set([...pending, ...r.cancels.map((c) => c.order)].map((o) => o.levelId));
        const keptLevels = kept.map((o) => o.levelId);
        expect(new Set(keptLevels).size).toBe(keptLevels.length); // at most one order kept per level
        for (const o of kept) {
          const w = p.desired.find((x) => x.levelId === o.levelId);
          expect(w !== undefined && o.side === w.side && o.price.minus(w.price).abs().lte(TOL) && now - o.placedAt < p.refreshMs).toBe(true);
          expect(o.acked || now - o.placedAt < p.ackTimeoutMs).toBe(true);
        }
        for (const x of r.places) expect(busy.has(x.levelId) || keptLevels.includes(x.levelId)).toBe(false);
        expect(new Set(r.places.map((x) => x.levelId)).size).toBe(r.places.length);
        expect(r.places.length).toBeLessThanOrEqual(Math.max(0, max - live.length));
      }),
      { numRuns: 300 },
    );
  });
});
