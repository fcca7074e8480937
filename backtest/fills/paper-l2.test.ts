import { describe, expect, it } from 'vitest';
import { PAPER_DEFAULTS, type PaperConfig, type PaperInput, createPaperState, runPaper } from '../../domain/paper/index.ts';
import { bookTop, cid, fillsOf } from '../../domain/paper/paper.fixtures.ts';
import type { BookTop } from '../../domain/market/types.ts';
import type { BacktestFill, MarketEvent, OrderIntent } from '../types.ts';
import { paperL2Fills } from './paper-l2.ts';
import { RULES, d, placeI } from './ohlcv.fixtures.ts';

const CONFIG: PaperConfig = { ...PAPER_DEFAULTS, seed: 7, latencyMs: 150 };

/** A two-level book around `bid` on the 0.1 tick (prices built with Decimal, not floats). */
function top(ts: number, bid: number): BookTop {
  const p = (k: number): string => d(bid).plus(d('0.1').times(k)).toString();
  return bookTop(ts, [[p(0), 5], [p(-1), 5]], [[p(1), 5], [p(2), 5]]);
}
const bookEv = (ts: number, bid: number): MarketEvent => ({ kind: 'book', ts, top: top(ts, bid) });
const tradeEv = (ts: number, price: string, amount: string, takerSide: 'buy' | 'sell'): MarketEvent => ({ kind: 'trade', ts, trade: { ts, price: d(price), amount: d(amount), takerSide } });

type Step = { readonly ev: MarketEvent } | { readonly ts: number; readonly intents: readonly OrderIntent[] };

const SCRIPT: readonly Step[] = [
  { ev: bookEv(0, 100) },
  { ts: 10, intents: [placeI('a', 'buy', '100', '1'), placeI('c', 'buy', '100.2', '0.5', false), placeI('x', 'sell', '100', '0.3')] },
  { ev: tradeEv(100, '100', '2', 'sell') },
  { ev: bookEv(200, 100.3) },
  { ev: tradeEv(300, '99.9', '3', 'sell') },
  { ev: tradeEv(650, '99.8', '4', 'sell') },
  { ev: bookEv(700, 99.7) },
  { ts: 800, intents: [{ type: 'cancel', id: 'a' }, { type: 'cancel', id: 'nope' }] },
];

/** The same script as raw paper-model inputs. */
function asInputs(script: readonly Step[]): PaperInput[] {
  const out: PaperInput[] = [];
  for (const s of script) {
    if ('ev' in s) {
      if (s.ev.kind === 'book') out.push({ type: 'market.book', top: s.ev.top });
      else if (s.ev.kind === 'trade') out.push({ type: 'market.trade', trade: s.ev.trade });
      continue;
    }
    for (const i of s.intents) {
      if (i.type === 'cancel') out.push({ type: 'order.cancel', ts: s.ts, clientOrderId: cid(i.id) });
      else out.push({ type: 'order.place', ts: s.ts, order: { clientOrderId: cid(i.id), side: i.side, type: i.postOnly ? 'limit_maker' : 'limit', price: i.price, amount: i.amount } });
    }
  }
  return out;
}

function drive(script: readonly Step[]): { fills: BacktestFill[]; rejects: { id: string; reason: string }[] } {
  const sim = paperL2Fills(CONFIG, RULES);
  const fills: BacktestFill[] = [];
  const rejects: { id: string; reason: string }[] = [];
  for (const s of script) {
    if ('ev' in s) fills.push(...sim.onEvent(s.ev));
    else {
      const r = sim.submit(s.ts, s.intents);
      fills.push(...r.fills);
      rejects.push(...r.rejects);
    }
  }
  return { fills, rejects };
}

describe('paper L2 fills', () => {
  it('is labelled modelled_l2', () => {
    const sim = paperL2Fills(CONFIG, RULES);
    expect([sim.name, sim.bias, sim.book()]).toEqual(['paper-l2', 'modelled_l2', null]);
  });

  it('fills exactly as the domain paper model does on the same sequence', () => {
    const direct = runPaper(createPaperState(CONFIG, { lotStep: RULES.lotStep, quoteAsset: RULES.quote }), asInputs(SCRIPT));
    const want = fillsOf(direct.events).map((f) => [f.clientOrderId, f.ts, f.side, f.price.toString(), f.amount.toString(), f.fee.toString(), f.liquidity]);
    const got = drive(SCRIPT);
    expect(want.length).toBeGreaterThanOrEqual(3); // the scenario exercises taker and maker (partial) fills
    expect(got.fills.map((f) => [f.orderId, f.ts, f.side, f.price.toString(), f.amount.toString(), f.fee.toString(), f.liquidity])).toEqual(want);
    const wantRejects = direct.events.flatMap((e) => (e.type === 'order.reject' || e.type === 'order.cancel_reject' ? [{ id: String(e.clientOrderId), reason: e.reason }] : []));
    expect(got.rejects).toEqual(wantRejects);
    expect(got.rejects).toEqual([{ id: 'x', reason: 'post_only_would_cross' }, { id: 'nope', reason: 'unknown_order' }]);
  });

  it('reports each fill with the mid of the book it filled against', () => {
    const { fills } = drive(SCRIPT);
    // 'c' activated at 160 against the book of ts 0 (mid 100.05), although it is reported in the step of the book at 200.
    expect(fills.filter((f) => f.orderId === 'c').map((f) => [f.ts, f.liquidity, f.mid.toString()])[0]).toEqual([160, 'taker', '100.05']);
    // 'a' fills on trades while the book of ts 200 (mid 100.35) is current.
    expect(fills.filter((f) => f.orderId === 'a').map((f) => f.mid.toString())).toContain('100.35');
  });

  it('holds activation rejects for the next submit; maps postOnly to limit_maker; rejects off-grid orders', () => {
    const sim = paperL2Fills(CONFIG, RULES);
    sim.onEvent(bookEv(0, 100));
    const r1 = sim.submit(10, [placeI('x', 'sell', '100', '0.3'), placeI('m', 'buy', '99', '0.3'), placeI('g', 'buy', '99.95', '0.3'), placeI('bad id!', 'buy', '99', '0.3')]);
    expect(r1.rejects).toEqual([{ id: 'g', reason: 'price_off_tickSize' }, { id: 'bad id!', reason: 'invalid_order_id' }]);
    expect(sim.state().orders.map((o) => [o.clientOrderId, o.orderType])).toEqual([['x', 'limit_maker'], ['m', 'limit_maker']]);
    expect(sim.onEvent(bookEv(200, 100))).toEqual([]);
    expect(sim.openOrders().map((o) => [o.id, o.price.toString(), o.remaining.toString(), o.placedAt])).toEqual([['m', '99', '0.3', 10]]);
    expect(sim.submit(300, []).rejects).toEqual([{ id: 'x', reason: 'post_only_would_cross' }]);
    expect(sim.submit(301, []).rejects).toEqual([]);
    expect(sim.book()?.ts).toBe(200);
  });

  it('is deterministic: two runs give JSON-identical fills', () => {
    expect(JSON.stringify(drive(SCRIPT))).toBe(JSON.stringify(drive(SCRIPT)));
  });
});
