/**
 * Builders for the paper engine's tests: short constructors for inputs and a config whose
 * randomness can be pinned (partial ratio 1, no queue jitter) when a scenario needs exact numbers.
 */
import { type ClientOrderId, clientOrderId } from '../ids.ts';
import type { Side } from '../instrument/rules.ts';
import type { BookTop } from '../market/types.ts';
import { Decimal } from '../money/decimal.ts';
import { type PaperConfig, PAPER_DEFAULTS } from './config.ts';
import { createPaperState } from './fill-model.ts';
import type { PaperEvent, PaperInput, PaperOrderType, PaperState } from './types.ts';

/** Defaults with the randomness pinned: queue factor = participation, every fill takes all it can. */
export const PINNED: PaperConfig = {
  ...PAPER_DEFAULTS,
  queueJitterPct: new Decimal(0),
  partialFillMin: new Decimal(1),
  partialFillMax: new Decimal(1),
  takerSlippagePct: new Decimal(0),
};

export function model(overrides: Partial<PaperConfig> = {}, lotStep = '0.001'): PaperState {
  return createPaperState({ ...PINNED, ...overrides }, { lotStep: new Decimal(lotStep), quoteAsset: 'USDT' });
}

export const cid = (s: string): ClientOrderId => clientOrderId(s);
const d = (v: string | number): Decimal => new Decimal(v);

type Lv = readonly [string | number, string | number];

export function bookTop(ts: number, bids: readonly Lv[], asks: readonly Lv[]): BookTop {
  const bidLevels = bids.map(([p, s]) => ({ price: d(p), size: d(s) }));
  const askLevels = asks.map(([p, s]) => ({ price: d(p), size: d(s) }));
  const bestBid = bidLevels[0];
  const bestAsk = askLevels[0];
  if (bestBid === undefined || bestAsk === undefined) throw new RangeError('bookTop: both sides need a level');
  return { ts, bid: bestBid.price, ask: bestAsk.price, bids: bidLevels, asks: askLevels };
}

export const book = (ts: number, bids: readonly Lv[], asks: readonly Lv[]): PaperInput => ({ type: 'market.book', top: bookTop(ts, bids, asks) });

export const trade = (ts: number, price: string | number, amount: string | number, takerSide: Side): PaperInput => ({
  type: 'market.trade',
  trade: { ts, price: d(price), amount: d(amount), takerSide },
});

export function place(ts: number, id: string, side: Side, type: PaperOrderType, price: string | number | null, amount: string | number): PaperInput {
  return { type: 'order.place', ts, order: { clientOrderId: cid(id), side, type, price: price === null ? null : d(price), amount: d(amount) } };
}

export const cancel = (ts: number, id: string): PaperInput => ({ type: 'order.cancel', ts, clientOrderId: cid(id) });
export const advance = (ts: number): PaperInput => ({ type: 'clock.advance', ts });

export type FillEvent = Extract<PaperEvent, { type: 'order.fill' }>;

export function fillsOf(events: readonly PaperEvent[], id?: string): FillEvent[] {
  return events.filter((e): e is FillEvent => e.type === 'order.fill' && (id === undefined || e.clientOrderId === id));
}

export function typesOf(events: readonly PaperEvent[]): string[] {
  return events.map((e) => `${e.type}@${e.ts}`);
}
