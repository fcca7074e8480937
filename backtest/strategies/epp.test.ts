import { describe, expect, it } from 'vitest';
import { Decimal } from '../../domain/money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from '../../domain/strategy/epp/config.ts';
import type { EppDecision } from '../../domain/strategy/epp/decisions.ts';
import { TEST_RULES, T0, applyDecisions, bookAt, patternMid } from '../../domain/strategy/epp/fixtures.ts';
import { eppInit } from '../../domain/strategy/epp/state.ts';
import { eppStep } from '../../domain/strategy/epp/step.ts';
import type { OpenOrder } from '../../domain/strategy/epp/types.ts';
import type { BacktestOrder, BarView, DataMeta, OrderIntent } from '../types.ts';
import { BacktestFault } from '../errors.ts';
import { eppCadenceProblem, eppStrategy } from './epp.ts';

const CONFIG: EppConfig = EPP_DEFAULTS;

function toIntents(ds: readonly EppDecision[]): OrderIntent[] {
  const out: OrderIntent[] = [];
  for (const x of ds) {
    if (x.type === 'place') out.push({ type: 'place', id: x.clientOrderId, side: x.side, price: x.price, amount: x.amount, postOnly: true });
    if (x.type === 'cancel') out.push({ type: 'cancel', id: x.clientOrderId });
  }
  return out;
}

/** What a simulator that applies intents at once would hold. */
function applyIntents(orders: readonly BacktestOrder[], intents: readonly OrderIntent[], now: number): BacktestOrder[] {
  const gone = new Set(intents.filter((i) => i.type === 'cancel').map((i) => i.id));
  const out = orders.filter((o) => !gone.has(o.id));
  for (const i of intents) if (i.type === 'place') out.push({ id: i.id, side: i.side, price: i.price, amount: i.amount, remaining: i.amount, placedAt: now });
  return out;
}

describe('eppStrategy (the live controller behind the harness interface)', () => {
  it('decides exactly what eppStep decides when driven directly, tick for tick (no second implementation)', () => {
    const adapter = eppStrategy(CONFIG, { idPrefix: 'epp-' });
    let a = adapter.init({ rules: TEST_RULES, startTs: T0 });
    let direct = eppInit(CONFIG, { now: T0, idPrefix: 'epp-' });
    let live: OpenOrder[] = [];
    let resting: BacktestOrder[] = [];
    let placed = 0;
    for (let now = T0; now < T0 + 25 * 60_000; now += 20_000) {
      // A move late in the run makes the controller reprice (cancels + places).
      const mid = now > T0 + 20 * 60_000 ? '100.9' : patternMid(now);
      const book = bookAt(now, mid);
      const view: BarView = { ts: now, book, bar: null, fills: [], openOrders: resting, base: new Decimal(5), quote: new Decimal(500), equity: new Decimal(1000) };
      const got = adapter.onBar(view, a);
      const want = eppStep(direct, { now, book, balances: { kind: 'spot', base: new Decimal(5), quote: new Decimal(500) }, openOrders: live, fills: [] }, CONFIG, TEST_RULES);
      expect(got.intents).toEqual(toIntents(want.decisions));
      expect(got.regime).toBe(want.state.regime.current);
      placed += got.intents.filter((i) => i.type === 'place').length;
      a = got.state;
      direct = want.state;
      live = applyDecisions(live, want.decisions, now);
      resting = applyIntents(resting, got.intents, now);
    }
    expect(placed).toBeGreaterThan(4);
    // The level ids of the resting orders are the ones the place decisions named.
    expect([...a.placed.values()].map((p) => p.levelId).sort()).toEqual(live.map((o) => o.levelId).sort());
  });

  it('places post-only orders only', () => {
    const adapter = eppStrategy(CONFIG);
    let s = adapter.init({ rules: TEST_RULES, startTs: T0 });
    const all: OrderIntent[] = [];
    for (let now = T0; now < T0 + 16 * 60_000; now += 20_000) {
      const r = adapter.onBar({ ts: now, book: bookAt(now, patternMid(now)), bar: null, fills: [], openOrders: [], base: new Decimal(5), quote: new Decimal(500), equity: new Decimal(1000) }, s);
      s = r.state;
      all.push(...r.intents);
    }
    const places = all.filter((i) => i.type === 'place');
    expect(places.length).toBeGreaterThan(0);
    expect(places.every((p) => p.type === 'place' && p.postOnly && p.id.startsWith('bt-'))).toBe(true);
  });

  it('on a perp bot gives the controller the view\'s perp account (kind perp, the ledger\'s figures), the funding rate and the funding paid since the last view', () => {
    const perp: EppConfig = { ...CONFIG, market: 'perp', leverage: new Decimal(2) };
    const adapter = eppStrategy(perp, { idPrefix: 'epp-' });
    let a = adapter.init({ rules: TEST_RULES, startTs: T0 });
    let direct = eppInit(perp, { now: T0, idPrefix: 'epp-' });
    let live: OpenOrder[] = [];
    let resting: BacktestOrder[] = [];
    let funding = new Decimal(0);
    let paidSeen = 0;
    for (let now = T0, i = 0; now < T0 + 25 * 60_000; now += 20_000, i++) {
      const book = bookAt(now, patternMid(now));
      // Funding settles every 30 views (a short position receives at a positive rate).
      const paid = i > 0 && i % 30 === 0 ? new Decimal('-0.07') : null;
      if (paid !== null) funding = funding.plus(paid);
      const acct = { marginBalance: new Decimal(1000).minus(funding), unrealizedPnl: new Decimal('-3.5'), marginRatio: new Decimal('0.9') };
      const view: BarView = {
        ts: now, book, bar: null, fills: [], openOrders: resting, base: new Decimal(-1), quote: new Decimal(1100), equity: new Decimal(996.5),
        perp: { ...acct, funding, fundingRate: new Decimal('0.0001') },
      };
      const got = adapter.onBar(view, a);
      const want = eppStep(
        direct,
        { now, book, balances: { kind: 'perp', ...acct, position: new Decimal(-1) }, fundingRate: new Decimal('0.0001'), ...(paid === null ? {} : { fundingPaidQuote: paid }), openOrders: live, fills: [] },
        perp,
        TEST_RULES,
      );
      if (paid !== null) paidSeen += 1;
      expect(got.intents).toEqual(toIntents(want.decisions));
      // The controller's whole state (quote memo keyed on the balances and rate, day counters with the funding) is the same.
      expect(got.state.epp).toEqual(want.state);
      a = got.state;
      direct = want.state;
      live = applyDecisions(live, want.decisions, now);
      resting = applyIntents(resting, got.intents, now);
    }
    expect(paidSeen).toBeGreaterThan(1);
    // Every payment reached the controller's day counters, once.
    expect(a.epp.day.fundingQuote.toString()).toBe(funding.toString());
  });

  it('on a perp bot the margin ratio reaches the controller: below the hard limit it stops', () => {
    const adapter = eppStrategy({ ...CONFIG, market: 'perp', leverage: new Decimal(2) });
    let s = adapter.init({ rules: TEST_RULES, startTs: T0 });
    let status: string | null = null;
    for (let now = T0; now < T0 + 16 * 60_000; now += 20_000) {
      const perp = { marginBalance: new Decimal(100), unrealizedPnl: new Decimal(-60), marginRatio: new Decimal('0.05'), funding: new Decimal(0), fundingRate: new Decimal('0.0001') };
      const r = adapter.onBar({ ts: now, book: bookAt(now, patternMid(now)), bar: null, fills: [], openOrders: [], base: new Decimal(1), quote: new Decimal(0), equity: new Decimal(40), perp }, s);
      s = r.state;
      status = r.state.status;
    }
    expect(status).toBe('hard_stopped');
  });

  it('a perp bot given a view without a perp account is a harness fault', () => {
    const adapter = eppStrategy({ ...CONFIG, market: 'perp' });
    const s = adapter.init({ rules: TEST_RULES, startTs: T0 });
    expect(() => adapter.onBar({ ts: T0, book: bookAt(T0, '100'), bar: null, fills: [], openOrders: [], base: new Decimal(0), quote: new Decimal(0), equity: new Decimal(0) }, s)).toThrow(BacktestFault);
  });
});

describe('eppCadenceProblem', () => {
  const meta = (format: DataMeta['format'], barIntervalMs: number | null): DataMeta => ({ format, files: [], contentHash: '', symbol: null, start: 0, end: 0, barIntervalMs, events: 1, findings: [] });

  it('accepts bars of bar_interval_s and any L2 data', () => {
    expect(eppCadenceProblem(CONFIG, meta('ohlcv-csv', 60_000))).toBeNull();
    expect(eppCadenceProblem(CONFIG, meta('capture', null))).toBeNull();
  });

  it('names strategy.bar_interval_s and both intervals when the bars differ', () => {
    expect(eppCadenceProblem(CONFIG, meta('ohlcv-json', 300_000))).toBe(
      "strategy.bar_interval_s: the config says 60 s but the data's bars are 300 s apart; the EPP steps once per bar, so set strategy.bar_interval_s: 300 (or use data with 60 s bars)",
    );
  });
});
