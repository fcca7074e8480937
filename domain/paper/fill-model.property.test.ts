import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from '../money/decimal.ts';
import { PAPER_DEFAULTS, type PaperConfig } from './config.ts';
import { createPaperState, runPaper } from './fill-model.ts';
import { restorePaperState, snapshotPaperState } from './snapshot.ts';
import { advance, book, cancel, fillsOf, place, trade } from './paper.fixtures.ts';
import type { PaperEvent, PaperInput, PaperOrderType, PaperState } from './types.ts';

const TICK = new Decimal('0.1');

type Step =
  | { kind: 'book'; move: number; spread: number; sizes: number[] }
  | { kind: 'trade'; sell: boolean; depth: number; amount: number }
  | { kind: 'place'; buy: boolean; type: PaperOrderType; offset: number; amount: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'advance' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('book' as const), move: fc.integer({ min: -2, max: 2 }), spread: fc.integer({ min: 1, max: 2 }), sizes: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 6, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('trade' as const), sell: fc.boolean(), depth: fc.integer({ min: -1, max: 2 }), amount: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('place' as const), buy: fc.boolean(), type: fc.constantFrom<PaperOrderType>('limit_maker', 'limit_maker', 'limit', 'market'), offset: fc.integer({ min: -3, max: 2 }), amount: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.constant({ kind: 'advance' as const }),
);

const scenarioArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 250 }), stepArb), { minLength: 10, maxLength: 80 });

/** Turns abstract steps into inputs around a mid that random-walks on a 0.1 tick grid. */
function materialize(steps: readonly (readonly [number, Step])[]): PaperInput[] {
  let ts = 0;
  let bidTicks = 1000;
  let spread = 1;
  let placed = 0;
  const px = (ticks: number): string => TICK.times(ticks).toString();
  const inputs: PaperInput[] = [book(0, [[px(bidTicks), '1']], [[px(bidTicks + 1), '1']])];
  for (const [dt, s] of steps) {
    ts += dt;
    if (s.kind === 'book') {
      bidTicks += s.move;
      spread = s.spread;
      const sz = (i: number): string => new Decimal(s.sizes[i] ?? 1).dividedBy(10).toString();
      inputs.push(book(ts, [0, 1, 2].map((i) => [px(bidTicks - i), sz(i)] as const), [0, 1, 2].map((i) => [px(bidTicks + spread + i), sz(i + 3)] as const)));
    } else if (s.kind === 'trade') {
      const price = s.sell ? px(bidTicks - s.depth) : px(bidTicks + spread + s.depth);
      inputs.push(trade(ts, price, new Decimal(s.amount).dividedBy(10).toString(), s.sell ? 'sell' : 'buy'));
    } else if (s.kind === 'place') {
      const price = s.type === 'market' ? null : s.buy ? px(bidTicks + s.offset) : px(bidTicks + spread - s.offset);
      inputs.push(place(ts, `o${placed}`, s.buy ? 'buy' : 'sell', s.type, price, new Decimal(s.amount).dividedBy(1000).toString()));
      placed += 1;
    } else if (s.kind === 'cancel') {
      inputs.push(cancel(ts, `o${placed === 0 ? 0 : s.pick % (placed + 1)}`));
    } else {
      inputs.push(advance(ts));
    }
  }
  return inputs;
}

const configArb: fc.Arbitrary<PaperConfig> = fc
  .record({
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    latencyMs: fc.integer({ min: 0, max: 300 }),
    partialMin: fc.integer({ min: 1, max: 10 }),
    partialSpan: fc.integer({ min: 0, max: 10 }),
    window: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ seed, latencyMs, partialMin, partialSpan, window }) => ({
    ...PAPER_DEFAULTS,
    seed,
    latencyMs,
    partialFillMin: new Decimal(partialMin).dividedBy(10),
    partialFillMax: Decimal.min(new Decimal(partialMin + partialSpan).dividedBy(10), 1),
    postFillDriftWindowMs: window,
    takerSlippagePct: new Decimal('0.0005'),
  }));

const modelOf = (config: PaperConfig): PaperState => createPaperState(config, { lotStep: new Decimal('0.001'), quoteAsset: 'USDT' });

/** Checks the per-order invariants of an event log; throws on the first violation. */
function checkInvariants(inputs: readonly PaperInput[], events: readonly PaperEvent[], latencyMs: number): void {
  const orders = new Map<string, { price: Decimal | null; amount: Decimal; placedTs: number; side: string }>();
  for (const i of inputs) if (i.type === 'order.place') orders.set(i.order.clientOrderId, { price: i.order.price, amount: i.order.amount, placedTs: i.ts, side: i.order.side });
  const acked = new Map<string, number>();
  const filled = new Map<string, { total: Decimal; last: number }>();
  const closed = new Set<string>();
  for (const e of events) {
    if (e.type === 'order.ack') acked.set(e.clientOrderId, e.ts);
    if (e.type === 'order.cancelled') closed.add(e.clientOrderId);
    if (e.type !== 'order.fill') continue;
    const o = orders.get(e.clientOrderId);
    const ackTs = acked.get(e.clientOrderId);
    expect(o).toBeDefined();
    expect(ackTs).toBeDefined();
    expect(closed.has(e.clientOrderId)).toBe(false);
    if (o === undefined || ackTs === undefined) return;
    expect(e.ts).toBeGreaterThanOrEqual(ackTs);
    expect(e.ts).toBeGreaterThanOrEqual(o.placedTs + latencyMs);
    expect(e.amount.gt(0)).toBe(true);
    if (o.price !== null && e.liquidity === 'maker') expect(e.price.eq(o.price)).toBe(true);
    if (o.price !== null) expect(o.side === 'buy' ? e.price.lte(o.price) : e.price.gte(o.price)).toBe(true);
    const prev = filled.get(e.clientOrderId);
    if (prev !== undefined) expect(e.ts - prev.last).toBeGreaterThanOrEqual(latencyMs);
    const total = (prev?.total ?? new Decimal(0)).plus(e.amount);
    expect(total.lte(o.amount)).toBe(true);
    expect(e.remaining.eq(o.amount.minus(total))).toBe(true);
    if (e.remaining.isZero()) closed.add(e.clientOrderId);
    filled.set(e.clientOrderId, { total, last: e.ts });
  }
}

describe('paper fill model properties', () => {
  it('same seed + same inputs ⇒ byte-identical events and state; resuming from a restored mid-run snapshot changes nothing', () => {
    fc.assert(
      fc.property(configArb, scenarioArb, fc.nat(), (config, steps, cut) => {
        const inputs = materialize(steps);
        const a = runPaper(modelOf(config), inputs);
        const b = runPaper(modelOf(config), inputs);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        const k = cut % inputs.length;
        const first = runPaper(modelOf(config), inputs.slice(0, k));
        const rest = runPaper(restorePaperState(snapshotPaperState(first.state)), inputs.slice(k));
        expect(JSON.stringify([...first.events, ...rest.events])).toBe(JSON.stringify(a.events));
        expect(JSON.stringify(rest.state)).toBe(JSON.stringify(a.state));
      }),
      { numRuns: 200 },
    );
  });

  it('fills never exceed the order, never beat the limit, never precede the ack, and are latency_ms apart', () => {
    const seen = { maker: 0, taker: 0 };
    fc.assert(
      fc.property(configArb, scenarioArb, (config, steps) => {
        const inputs = materialize(steps);
        const { state, events } = runPaper(modelOf(config), inputs);
        checkInvariants(inputs, events, config.latencyMs);
        for (const f of fillsOf(events)) seen[f.liquidity] += 1;
        expect(state.counters.fillCount).toBe(fillsOf(events).length);
        expect(state.counters.rejectCount).toBe(events.filter((e) => e.type === 'order.reject').length);
        for (const o of state.orders) expect(o.queueAhead === null || o.queueAhead.gte(0)).toBe(true);
      }),
      { numRuns: 300 },
    );
    // Not vacuous: the random scenarios do produce both kinds of fills.
    expect(seen.maker).toBeGreaterThan(20);
    expect(seen.taker).toBeGreaterThan(20);
  });

  it('different seeds ⇒ different queue factors and different fill sequences', () => {
    // 20 resting orders, each filled in pieces by trades through its price.
    const inputs: PaperInput[] = [book(0, [['100', '2']], [['101', '2']])];
    for (let i = 0; i < 20; i++) {
      const t0 = i * 2000;
      inputs.push(place(t0, `o${i}`, 'buy', 'limit_maker', '100', '1'));
      for (let k = 1; k <= 6; k++) inputs.push(trade(t0 + k * 200, '99.9', '5', 'sell'));
      inputs.push(cancel(t0 + 1900, `o${i}`));
    }
    const firstFactor = (seed: number): string | undefined => {
      const placed = runPaper(modelOf({ ...PAPER_DEFAULTS, seed }), inputs.slice(0, 2)).state;
      return placed.orders[0]?.queueFactor?.toString();
    };
    const fillSeq = (seed: number): string[] => fillsOf(runPaper(modelOf({ ...PAPER_DEFAULTS, seed }), inputs).events).map((f) => `${f.clientOrderId}:${f.amount.toString()}`);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(firstFactor(a)).not.toBe(firstFactor(b));
        expect(fillSeq(a)).not.toEqual(fillSeq(b));
        expect(fillSeq(a)).toEqual(fillSeq(a));
      }),
      { numRuns: 200 },
    );
  });
});
