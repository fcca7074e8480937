import { describe, expect, it } from 'vitest';
import { clientOrderId } from '../../ids.ts';
import { Decimal, ceilToStep, floorToStep, isOnStep } from '../../money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from './config.ts';
import type { CancelDecision, EppDecision, PlaceDecision } from './decisions.ts';
import { type SteppedSim, T0, TEST_RULES, patternMid, simStart, simStep, tickAt } from './fixtures.ts';
import { eppInit } from './state.ts';
import { eppStep } from './step.ts';
import type { OpenOrder } from './types.ts';

const C = EPP_DEFAULTS;
const MIN = 60_000;
const d = (v: string | number): Decimal => new Decimal(v);
const places = (ds: readonly EppDecision[]): PlaceDecision[] => ds.filter((x): x is PlaceDecision => x.type === 'place');
const cancels = (ds: readonly EppDecision[]): CancelDecision[] => ds.filter((x): x is CancelDecision => x.type === 'cancel');
const ids = (xs: readonly { levelId: string }[]): string[] => xs.map((x) => x.levelId).sort();
const LADDER = ['buy_0', 'buy_1', 'buy_2', 'buy_3', 'sell_0', 'sell_1', 'sell_2', 'sell_3'];

/** A running sim with its ladder live (placed at T0+15m at mid 100.1) under `config`. */
function withLadder(config: EppConfig): SteppedSim {
  const sim = simStep(simStart(config), config, TEST_RULES, { mid: '100.1' });
  expect(ids(sim.orders)).toEqual(LADDER);
  return sim;
}

describe('warm-up (§3) and the first ladder (§6)', () => {
  it('places nothing while fewer than atr_period bars exist, then runs with a full snapped ladder', () => {
    let s = eppInit(C, { now: T0 });
    // 14 bars close at T0+14m; the first regime then needs regime_hold_ticks (3) detections.
    for (let now = T0; now < T0 + 14 * MIN + 40_000; now += 20_000) {
      const r = eppStep(s, tickAt(now, patternMid(now)), C, TEST_RULES);
      expect(r.status).toBe('warming_up');
      expect(places(r.decisions)).toEqual([]);
      s = r.state;
    }
    const r = eppStep(s, tickAt(T0 + 14 * MIN + 40_000, '100.1'), C, TEST_RULES);
    expect(r.status).toBe('running');
    expect(r.decisions[0]).toEqual({ type: 'regime.changed', from: null, to: 'neutral_low_vol' });
    const ps = places(r.decisions);
    // band 0.2/100.1 → v ≈ 0.1426 → 4 levels a side, spread ≈ 0.0028564, 125 quote a level.
    expect(ps.map((p) => `${p.levelId} ${p.price.toString()} ${p.amount.toString()}`).slice(0, 2)).toEqual(['buy_0 99.81 1.252', 'sell_0 100.39 1.245']);
    expect(ps.map((p) => p.levelId)).toEqual(['buy_0', 'sell_0', 'buy_1', 'sell_1', 'buy_2', 'sell_2', 'buy_3', 'sell_3']);
    const q = r.quote;
    if (q === null) throw new Error('running without a quote');
    for (const p of ps) {
      const i = Number(p.levelId.slice(p.side.length + 1));
      const spreadI = (p.side === 'buy' ? q.buySpread : q.sellSpread).times(d(1).plus(d('0.4').times(i)));
      const raw = p.side === 'buy' ? q.mid.times(d(1).minus(spreadI)) : q.mid.times(d(1).plus(spreadI));
      expect(p.price.eq(p.side === 'buy' ? floorToStep(raw, TEST_RULES.tickSize) : ceilToStep(raw, TEST_RULES.tickSize))).toBe(true);
      expect(p.amount.eq(floorToStep(d(125).dividedBy(p.price), TEST_RULES.lotStep))).toBe(true);
      expect(isOnStep(p.amount, TEST_RULES.lotStep) && p.price.times(p.amount).gte(TEST_RULES.minNotional)).toBe(true);
      expect(p.postOnly).toBe(true);
    }
    expect(new Set(ps.map((p) => p.clientOrderId)).size).toBe(8);
  });
});

describe('regime through the step (§3)', () => {
  // up is sell_only; a wide tolerance keeps every order through these small mid moves.
  const ONE_SIDED: EppConfig = { ...C, priceToleranceTicks: 100, regimes: { ...C.regimes, up: { ...C.regimes.up, oneSided: 'sell_only' } } };
  const t = (s: number): number => T0 + 15 * MIN + s * 1000;
  const upRun = (mids: readonly string[]): SteppedSim[] => {
    let sim = withLadder(ONE_SIDED);
    const out: SteppedSim[] = [];
    mids.forEach((mid, i) => {
      sim = simStep(sim, ONE_SIDED, TEST_RULES, { now: t(5 * (i + 1)), mid });
      out.push(sim);
    });
    return out;
  };

  it('a new regime takes effect only on the regime_hold_ticks-th consecutive detection', () => {
    const run = upRun(['100.3', '100.3', '100.1', '100.3', '100.3', '100.3']);
    const changes = run.map((x) => x.last.decisions.filter((y) => y.type === 'regime.changed'));
    expect(changes.slice(0, 5).flat()).toEqual([]); // an interruption restarts the count
    expect(changes[5]).toEqual([{ type: 'regime.changed', from: 'neutral_low_vol', to: 'up' }]);
    expect(run[5]?.last.quote?.regime).toBe('up');
  });

  it('a regime that removes a side cancels that side at once (side_removed), not at refresh', () => {
    const run = upRun(['100.3', '100.3', '100.3']);
    expect(run.slice(0, 2).flatMap((x) => cancels(x.last.decisions))).toEqual([]);
    const last = run[2];
    if (last === undefined) throw new Error('no tick');
    const ds = last.last.decisions;
    expect(ds.filter((x) => x.type === 'regime.changed')).toHaveLength(1);
    const buyCancels = cancels(ds).filter((c) => c.levelId.startsWith('buy_'));
    expect(ids(buyCancels)).toEqual(['buy_0', 'buy_1', 'buy_2', 'buy_3']);
    expect(buyCancels.every((c) => c.reason === 'side_removed')).toBe(true);
    expect(places(ds).filter((p) => p.side === 'buy')).toEqual([]);
    expect(last.orders.every((o) => o.side === 'sell')).toBe(true);
    // up quotes 3 levels: the 4th sell level goes, the others stay (within tolerance and fresh).
    expect(cancels(ds).filter((c) => c.levelId.startsWith('sell_'))).toEqual([expect.objectContaining({ levelId: 'sell_3', reason: 'level_removed' })]);
  });
});

describe('order management through the step (§9)', () => {
  const WIDE: EppConfig = { ...C, priceToleranceTicks: 100 };
  const at = (s: number): number => T0 + 15 * MIN + s * 1000;

  it('keeps orders younger than refresh_s, cancels them as stale at refresh_s and replaces them after the cancel', () => {
    let sim = simStep(withLadder(WIDE), WIDE, TEST_RULES, { now: at(40), mid: '100.1' });
    expect(sim.last.decisions).toEqual([]);
    sim = simStep(sim, WIDE, TEST_RULES, { now: at(60), mid: '100.1' }); // age 60 s = neutral refresh_s
    expect(ids(cancels(sim.last.decisions))).toEqual(LADDER);
    expect(cancels(sim.last.decisions).every((c) => c.reason === 'stale')).toBe(true);
    expect(places(sim.last.decisions)).toEqual([]); // cancel-before-place
    sim = simStep(sim, WIDE, TEST_RULES, { now: at(61), mid: '100.1' });
    expect(ids(places(sim.last.decisions))).toEqual(LADDER);
  });

  it('places nothing on a level whose order is still cancelling, flagged or only requested', () => {
    const before = withLadder(WIDE);
    let sim = simStep(before, WIDE, TEST_RULES, { now: at(60), mid: '100.1' });
    expect(cancels(sim.last.decisions)).toHaveLength(8);
    // The venue has not confirmed yet: half the orders carry the flag, half do not.
    const pending: OpenOrder[] = before.orders.map((o, i) => ({ ...o, cancelling: i % 2 === 0 }));
    for (const s of [61, 62]) {
      sim = simStep(sim, WIDE, TEST_RULES, { now: at(s), mid: '100.1', openOrders: pending });
      expect(sim.last.decisions).toEqual([]); // no re-cancel, no place
    }
    sim = simStep(sim, WIDE, TEST_RULES, { now: at(63), mid: '100.1', openOrders: pending.slice(4) });
    expect(ids(places(sim.last.decisions))).toEqual(ids(pending.slice(0, 4)));
  });

  it('cancels an order not acked within order_ack_timeout_s and warns order.ack_timeout', () => {
    let sim = simStep(simStart(WIDE), WIDE, TEST_RULES, { mid: '100.1' }, false);
    const unacked = sim.orders.map((o, i) => (i < 2 ? { ...o, acked: true } : o));
    sim = simStep(sim, WIDE, TEST_RULES, { now: at(29), mid: '100.1', openOrders: unacked });
    expect(sim.last.decisions).toEqual([]);
    sim = simStep(sim, WIDE, TEST_RULES, { now: at(30), mid: '100.1', openOrders: unacked });
    const cs = cancels(sim.last.decisions);
    expect(cs.map((c) => c.clientOrderId)).toEqual(unacked.slice(2).map((o) => o.clientOrderId));
    expect(cs.every((c) => c.reason === 'ack_timeout')).toBe(true);
    const warns = sim.last.decisions.filter((x) => x.type === 'warn');
    expect(warns.map((w) => (w.type === 'warn' ? [w.code, w.clientOrderId] : []))).toEqual(cs.map((c) => ['order.ack_timeout', c.clientOrderId]));
    expect(places(sim.last.decisions)).toEqual([]);
  });

  it('never holds more than max_active_orders live orders (cancelling ones count), innermost levels first', () => {
    const CAP: EppConfig = { ...WIDE, maxActiveOrders: 5 };
    let sim = simStep(simStart(CAP), CAP, TEST_RULES, { mid: '100.1' });
    expect(places(sim.last.decisions).map((p) => p.levelId)).toEqual(['buy_0', 'sell_0', 'buy_1', 'sell_1', 'buy_2']);
    sim = simStep(sim, CAP, TEST_RULES, { now: at(20), mid: '100.1' });
    expect(sim.last.decisions).toEqual([]);
    // Two orders left (filled); a foreign order is still cancelling: 4 live → one slot.
    const kept = sim.orders.slice(0, 3);
    const base = kept[0];
    if (base === undefined) throw new Error('no order');
    const foreign: OpenOrder = { ...base, clientOrderId: clientOrderId('other-1'), levelId: 'buy_9', cancelling: true };
    sim = simStep(sim, CAP, TEST_RULES, { now: at(21), mid: '100.1', openOrders: [...kept, foreign] });
    expect(sim.last.decisions.map((x) => x.type)).toEqual(['place']);
    expect(places(sim.last.decisions)[0]?.levelId).toBe('sell_1');
  });

  it('cancels a duplicate order on a level and keeps one', () => {
    const sim = withLadder(WIDE);
    const buy0 = sim.orders.find((o) => o.levelId === 'buy_0');
    if (buy0 === undefined) throw new Error('no buy_0');
    const dup: OpenOrder = { ...buy0, clientOrderId: clientOrderId('dup-1') };
    const r = simStep(sim, WIDE, TEST_RULES, { now: at(20), mid: '100.1', openOrders: [...sim.orders, dup] });
    expect(r.last.decisions).toEqual([{ type: 'cancel', clientOrderId: dup.clientOrderId, levelId: 'buy_0', reason: 'duplicate' }]);
  });
});
