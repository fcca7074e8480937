import { describe, expect, it } from 'vitest';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { Decimal, ZERO } from '../../domain/money/decimal.ts';
import type { BacktestOrder, BarView } from '../types.ts';
import { type MaCrossState, maCrossStrategy, parseMaCrossConfig } from './ma-cross.ts';

const d = (v: string | number): Decimal => new Decimal(v);
const RULES: InstrumentRules = { symbol: 'BTCUSD', base: 'BTC', quote: 'USD', tickSize: d('1'), lotStep: d('0.001'), minAmount: d('0.001'), minNotional: d('1') };

function view(i: number, close: number, base: string, orders: BacktestOrder[] = []): BarView {
  return {
    ts: (i + 1) * 60_000,
    book: { ts: (i + 1) * 60_000, bid: d(close - 1), ask: d(close + 1), bids: [], asks: [] },
    bar: { ts: i * 60_000, open: d(close), high: d(close), low: d(close), close: d(close), volume: ZERO },
    fills: [],
    openOrders: orders,
    base: d(base),
    quote: d(1000),
    equity: d(1000),
  };
}

describe('maCrossStrategy', () => {
  const s = maCrossStrategy({ fastPeriod: 2, slowPeriod: 3, amount: d('0.5') });

  it('buys at the bid on a cross up, sells back at the ask on a cross down, post-only', () => {
    let st: MaCrossState = s.init({ rules: RULES, startTs: 0 });
    const closes = [100, 99, 98, 97, 105, 106, 90];
    const out: { regime: string | null | undefined; intents: string[] }[] = [];
    let base = '0';
    for (const [i, c] of closes.entries()) {
      const r = s.onBar(view(i, c, base), st);
      st = r.state;
      out.push({ regime: r.regime, intents: r.intents.map((x) => (x.type === 'place' ? `${x.side} ${x.amount.toString()}@${x.price.toString()} ${x.postOnly ? 'po' : ''}` : `cancel ${x.id}`)) });
      if (r.intents.some((x) => x.type === 'place' && x.side === 'buy')) base = '0.5'; // filled before the next bar
    }
    expect(out.map((o) => o.regime)).toEqual([null, null, null, null, 'long', 'long', 'flat']);
    expect(out[4]?.intents).toEqual(['buy 0.5@104 po']);
    expect(out[6]?.intents).toEqual(['sell 0.5@91 po']);
    expect(out.filter((o) => o.intents.length > 0)).toHaveLength(2);
  });

  it('cancels an order the touch has left and re-places at the new touch', () => {
    const st: MaCrossState = { ...s.init({ rules: RULES, startTs: 0 }), target: 'long', startBase: ZERO, prevSign: 1, closes: [d(1), d(2), d(3)] };
    const resting: BacktestOrder = { id: 'ma-1', side: 'buy', price: d(50), amount: d('0.5'), remaining: d('0.5'), placedAt: 0 };
    const r = s.onBar(view(5, 4, '0', [resting]), st);
    expect(r.intents.map((i) => (i.type === 'cancel' ? `cancel ${i.id}` : `${i.side}@${i.price.toString()}`))).toEqual(['cancel ma-1', 'buy@3']);
  });
});

describe('parseMaCrossConfig', () => {
  it('defaults every key', () => {
    expect(parseMaCrossConfig(undefined)).toEqual({ ok: true, config: { fastPeriod: 10, slowPeriod: 30, amount: d('0.01') } });
  });

  it('reports every problem with its key', () => {
    const r = parseMaCrossConfig({ fast_period: 40, slow_period: 30, amount: '-1', fats: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).toMatch(/fats: .*unknown key "fats"/);
    expect(r.problems.join('\n')).toMatch(/amount: expected a decimal > 0/);
  });

  it('checks fast_period < slow_period', () => {
    const r = parseMaCrossConfig({ fast_period: 40, slow_period: 30 });
    expect(r).toEqual({ ok: false, problems: ['fast_period: expected fast_period < slow_period, got fast_period 40 and slow_period 30'] });
  });
});
