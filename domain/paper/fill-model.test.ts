import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { PAPER_DEFAULTS } from './config.ts';
import { createPaperState, runPaper, stepPaper } from './fill-model.ts';
import { advance, book, cancel, fillsOf, model, place, trade, typesOf } from './paper.fixtures.ts';
import { paperStats } from './stats.ts';

const BOOK0 = book(0, [['100', '5'], ['99.9', '3']], [['101', '1'], ['102', '2']]);

describe('post-only orders', () => {
  it('rejects a limit_maker order that would cross at activation time', () => {
    const { state, events } = runPaper(model(), [BOOK0, place(0, 'a', 'buy', 'limit_maker', '101', '1'), advance(150)]);
    expect(typesOf(events)).toEqual(['order.reject@150']);
    expect(events[0]).toMatchObject({ reason: 'post_only_would_cross', clientOrderId: 'a' });
    expect(paperStats(state).rejectCount).toBe(1);
    expect(state.orders).toHaveLength(0);
  });

  it('judges crossing against the book at activation, not at placement', () => {
    // Crossing when placed, but the ask lifts before the order goes live ⇒ acked.
    const lifted = book(100, [['100', '5']], [['102', '1']]);
    const a = runPaper(model(), [BOOK0, place(0, 'a', 'buy', 'limit_maker', '101', '1'), lifted, advance(150)]);
    expect(typesOf(a.events)).toEqual(['order.ack@150']);
    // Not crossing when placed, but the ask drops onto it before it goes live ⇒ rejected.
    const dropped = book(100, [['100', '5']], [['100.5', '1']]);
    const b = runPaper(model(), [BOOK0, place(0, 'b', 'buy', 'limit_maker', '100.5', '1'), dropped, advance(150)]);
    expect(b.events[0]).toMatchObject({ type: 'order.reject', reason: 'post_only_would_cross', ts: 150 });
  });

  it('uses the last book before the activation time (a book at the same ms comes after)', () => {
    const sameMs = book(150, [['100', '5']], [['100.5', '1']]);
    const r = runPaper(model(), [BOOK0, place(0, 'a', 'buy', 'limit_maker', '100.5', '1'), sameMs]);
    expect(typesOf(r.events)).toEqual(['order.ack@150']);
  });
});

describe('latency', () => {
  it('nothing fills before latency_ms; the ack comes at placement + latency', () => {
    const r = runPaper(model(), [
      BOOK0,
      place(0, 'a', 'buy', 'limit', '100.5', '1'),
      trade(100, '99', '10', 'sell'),
      trade(149, '99', '10', 'sell'),
      trade(150, '99', '10', 'sell'),
    ]);
    expect(typesOf(r.events)).toEqual(['order.ack@150', 'order.fill@150']);
  });

  it('a market order takes nothing before it is live', () => {
    const r = runPaper(model(), [BOOK0, place(0, 'm', 'buy', 'market', null, '0.5'), book(100, [['100', '5']], [['101', '9']]), advance(149)]);
    expect(fillsOf(r.events)).toHaveLength(0);
    const after = stepPaper(r.state, advance(150));
    expect(fillsOf(after.events)).toHaveLength(1);
  });

  it('rejects an order that goes live before any book arrived', () => {
    const r = runPaper(model(), [place(0, 'a', 'buy', 'limit', '100', '1'), advance(200)]);
    expect(r.events[0]).toMatchObject({ type: 'order.reject', reason: 'no_book', ts: 150 });
  });
});

describe('queue', () => {
  const joined = [BOOK0, place(0, 'q', 'buy', 'limit_maker', '100', '2'), advance(150)];

  it('joins behind the displayed size × queue factor', () => {
    const r = runPaper(model({ queueParticipation: new Decimal('0.6') }), joined);
    expect(r.state.orders[0]?.queueAhead?.toString()).toBe('3');
  });

  it('a trade at our price smaller than the queue ahead does not fill; trades totalling more do', () => {
    const r1 = runPaper(model(), [...joined, trade(200, '100', '3', 'sell')]);
    expect(fillsOf(r1.events)).toHaveLength(0);
    expect(r1.state.orders[0]?.queueAhead?.toString()).toBe('2');
    const r2 = stepPaper(r1.state, trade(210, '100', '3', 'sell'));
    expect(fillsOf(r2.events).map((f) => [f.amount.toString(), f.price.toString(), f.liquidity])).toEqual([['1', '100', 'maker']]);
  });

  it('volume joining the level never moves us forward; cancellations behind us do not either', () => {
    const grow = book(200, [['100', '9'], ['99.9', '3']], [['101', '1']]);
    const r1 = runPaper(model(), [...joined, grow]);
    expect(r1.state.orders[0]?.queueAhead?.toString()).toBe('5');
    // 9 displayed, 5 ahead, 4 behind: a drop to 6 is all "behind" ⇒ still 5 ahead.
    const r2 = stepPaper(r1.state, book(300, [['100', '6']], [['101', '1']]));
    expect(r2.state.orders[0]?.queueAhead?.toString()).toBe('5');
    // A drop from 6 to 2 removes 4: 1 from behind, 3 from ahead ⇒ 2 ahead.
    const r3 = stepPaper(r2.state, book(400, [['100', '2']], [['101', '1']]));
    expect(r3.state.orders[0]?.queueAhead?.toString()).toBe('2');
  });

  it('does not count a decrease already explained by trades at the price', () => {
    const r = runPaper(model(), [...joined, trade(200, '100', '4', 'sell'), book(300, [['100', '1']], [['101', '1']])]);
    expect(r.state.orders[0]?.queueAhead?.toString()).toBe('1');
  });

  it('a trade through our price fills us at our price', () => {
    const r = runPaper(model(), [...joined, trade(200, '99.9', '10', 'sell')]);
    const [f] = fillsOf(r.events);
    expect(f).toMatchObject({ ts: 200, liquidity: 'maker', feeAsset: 'USDT' });
    expect(f?.price.toString()).toBe('100');
    expect(f?.amount.toString()).toBe('2');
    expect(f?.fee.toString()).toBe('0.15');
    expect(r.state.orders).toHaveLength(0);
  });

  it('ignores trades by takers on our own side and trades at worse prices', () => {
    const r = runPaper(model(), [...joined, trade(200, '99', '10', 'buy'), trade(210, '100.5', '10', 'sell')]);
    expect(fillsOf(r.events)).toHaveLength(0);
  });

  it('an order deeper than the visible book has an unknown queue until its level shows', () => {
    const r = runPaper(model(), [BOOK0, place(0, 'd', 'buy', 'limit_maker', '99', '1'), advance(150), trade(200, '99', '50', 'sell')]);
    expect(r.state.orders[0]?.queueAhead).toBeNull();
    expect(fillsOf(r.events)).toHaveLength(0);
    const shown = stepPaper(r.state, book(300, [['100', '1'], ['99', '4']], [['101', '1']]));
    expect(shown.state.orders[0]?.queueAhead?.toString()).toBe('4');
  });
});

describe('taker fills', () => {
  it('walks the levels and adds slippage; fee at the taker rate', () => {
    const r = runPaper(model({ takerSlippagePct: new Decimal('0.001') }), [BOOK0, place(0, 't', 'buy', 'market', null, '2.5'), advance(150)]);
    const [f] = fillsOf(r.events);
    // 1 @ 101 + 1.5 @ 102 ⇒ VWAP 101.6, × 1.001.
    expect(f?.price.toString()).toBe('101.7016');
    expect(f?.amount.toString()).toBe('2.5');
    expect(f?.liquidity).toBe('taker');
    expect(f?.fee.eq(new Decimal('101.7016').times('2.5').times('0.00075'))).toBe(true);
  });

  it('a crossing limit takes only up to its limit and never fills beyond it', () => {
    const r = runPaper(model({ takerSlippagePct: new Decimal('0.01') }), [BOOK0, place(0, 'l', 'buy', 'limit', '101', '3'), advance(150)]);
    const [f] = fillsOf(r.events);
    expect(f?.amount.toString()).toBe('1');
    expect(f?.price.toString()).toBe('101');
    // The remainder stops crossing on the next book without liquidity at 101 and rests.
    const next = stepPaper(r.state, book(400, [['100', '5']], [['101.5', '4']]));
    expect(fillsOf(next.events)).toHaveLength(0);
    expect(next.state.orders[0]).toMatchObject({ taking: false });
  });

  it('does not take the same displayed liquidity twice from one book', () => {
    const r = runPaper(model(), [BOOK0, place(0, 'a', 'buy', 'market', null, '2'), place(0, 'b', 'buy', 'market', null, '2'), advance(150)]);
    const total = fillsOf(r.events).reduce((acc, f) => acc.plus(f.amount), new Decimal(0));
    expect(total.toString()).toBe('3');
  });
});

describe('partial fills', () => {
  const half = { partialFillMin: new Decimal('0.5'), partialFillMax: new Decimal('0.5') };

  it('take the drawn ratio of the remainder, at least latency_ms apart', () => {
    const inputs = [
      book(0, [['99.9', '3']], [['101', '1']]),
      place(0, 'p', 'buy', 'limit_maker', '100', '4'),
      trade(200, '99', '100', 'sell'),
      trade(250, '99', '100', 'sell'),
      trade(349, '99', '100', 'sell'),
      trade(350, '99', '100', 'sell'),
      trade(500, '99', '100', 'sell'),
      trade(700, '99', '100', 'sell'),
    ];
    const fills = fillsOf(runPaper(model(half), inputs).events);
    expect(fills.map((f) => [f.ts, f.amount.toString(), f.remaining.toString()])).toEqual([
      [200, '2', '2'],
      [350, '1', '1'],
      [500, '0.5', '0.5'],
      [700, '0.25', '0.25'],
    ]);
  });

  it('are floored to the lot, at least one lot, and never leave less than one lot open', () => {
    const run = (amount: string) =>
      fillsOf(runPaper(model(half), [book(0, [['99.9', '3']], [['101', '1']]), place(0, 'p', 'buy', 'limit_maker', '100', amount), trade(200, '99', '1', 'sell'), trade(400, '99', '1', 'sell')]).events).map((f) => f.amount.toString());
    // 0.5 × 0.003 = 0.0015 floors to one lot 0.001; then 0.5 × 0.002 = 0.001.
    expect(run('0.003')).toEqual(['0.001', '0.001']);
    // 0.5 × 0.0015 floors below a lot ⇒ one lot, which would leave 0.0005 < a lot ⇒ all of it.
    expect(run('0.0015')).toEqual(['0.0015']);
  });

  it('a crossing order does not fully fill in one go and takes again on a later book', () => {
    const r = runPaper(model(half), [BOOK0, place(0, 'm', 'buy', 'market', null, '1'), advance(150), book(200, [['100', '5']], [['101', '9']]), book(300, [['100', '5']], [['101', '9']])]);
    expect(fillsOf(r.events).map((f) => [f.ts, f.amount.toString()])).toEqual([[150, '0.5'], [300, '0.25']]);
  });
});

describe('cancel', () => {
  it('cancels before the ack: no ack, no fill afterwards', () => {
    const r = runPaper(model(), [BOOK0, place(0, 'c', 'buy', 'limit', '101', '1'), cancel(100, 'c'), advance(1000)]);
    expect(typesOf(r.events)).toEqual(['order.cancelled@100']);
    expect(r.state.orders).toHaveLength(0);
  });

  it('reports the remaining amount, and rejects the cancel of an unknown order', () => {
    const r = runPaper(model({ partialFillMin: new Decimal('0.5'), partialFillMax: new Decimal('0.5') }), [
      BOOK0, place(0, 'c', 'buy', 'limit_maker', '100', '2'), trade(200, '99', '10', 'sell'), cancel(300, 'c'), cancel(301, 'c'),
    ]);
    expect(r.events.at(-2)).toMatchObject({ type: 'order.cancelled', ts: 300 });
    expect((r.events.at(-2) as { remaining: Decimal }).remaining.toString()).toBe('1');
    expect(r.events.at(-1)).toMatchObject({ type: 'order.cancel_reject', reason: 'unknown_order' });
  });
});

describe('post-fill drift', () => {
  const filledBuy = [BOOK0, place(0, 'b', 'buy', 'limit_maker', '100', '2'), trade(200, '99', '10', 'sell')];

  it('samples the mid on the first book at/after fill + window; a falling mid after a buy is adverse (negative)', () => {
    const r = runPaper(model(), [...filledBuy, book(699, [['99', '1']], [['100', '1']]), book(800, [['98', '1']], [['99', '1']])]);
    const drift = r.events.filter((e) => e.type === 'paper.drift');
    expect(typesOf(drift)).toEqual(['paper.drift@800']);
    // (98.5 − 100) × 2 = −3.
    expect(paperStats(r.state).adversePnlQuote.toString()).toBe('-3');
  });

  it('a rising mid after a sell is adverse too; a falling one is favourable', () => {
    const sell = [BOOK0, place(0, 's', 'sell', 'limit_maker', '101.5', '1'), trade(200, '102', '5', 'buy')];
    const up = runPaper(model(), [...sell, book(700, [['102', '1']], [['103', '1']])]);
    expect(paperStats(up.state).adversePnlQuote.toString()).toBe('-1');
    const down = runPaper(model(), [...sell, book(700, [['100', '1']], [['101', '1']])]);
    expect(paperStats(down.state).adversePnlQuote.toString()).toBe('1');
  });
});

describe('stats and validation', () => {
  it('counts fills and rejects and averages the placement → first fill delay', () => {
    const r = runPaper(model(), [
      BOOK0,
      place(0, 'a', 'buy', 'limit_maker', '100.5', '1'),
      place(100, 'b', 'buy', 'limit_maker', '101', '1'),
      place(100, 'c', 'sell', 'limit', '100', '0'),
      trade(300, '100', '5', 'sell'),
    ]);
    expect(paperStats(r.state)).toMatchObject({ fillCount: 1, rejectCount: 2, avgQueueDelayMs: 300 });
  });

  it('rejects malformed orders and duplicate ids at once', () => {
    const r = runPaper(model(), [BOOK0, place(0, 'a', 'buy', 'limit', null, '1'), place(0, 'b', 'buy', 'market', '1', '1'), place(0, 'c', 'buy', 'limit', '99', '1'), place(1, 'c', 'buy', 'limit', '99', '1')]);
    expect(r.events.map((e) => (e.type === 'order.reject' ? e.reason : e.type))).toEqual(['invalid_price', 'invalid_price', 'duplicate_client_order_id']);
  });

  it('refuses time going backwards and invalid parameters', () => {
    const s = stepPaper(model(), advance(100)).state;
    expect(() => stepPaper(s, advance(99))).toThrow(RangeError);
    expect(() => createPaperState({ ...PAPER_DEFAULTS, seed: -1 }, { lotStep: new Decimal('0.001'), quoteAsset: 'USDT' })).toThrow(RangeError);
    expect(() => createPaperState({ ...PAPER_DEFAULTS, partialFillMin: new Decimal(2) }, { lotStep: new Decimal(0), quoteAsset: 'USDT' })).toThrow(/partialFillMin.*lotStep/);
  });

  it('leaves its input state untouched', () => {
    const s = runPaper(model(), [BOOK0, place(0, 'a', 'buy', 'limit_maker', '100', '1'), advance(150)]).state;
    const before = JSON.stringify(s);
    stepPaper(s, trade(200, '99', '10', 'sell'));
    expect(JSON.stringify(s)).toBe(before);
  });
});
