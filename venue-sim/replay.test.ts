/**
 * The replay stamps what it plays with the simulator's clock: the matching model and the book
 * served see the market on the clock its orders are stamped with, while the recorded times only
 * order and space the messages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureMessage, DecimalString } from '../domain/market/index.ts';
import type { PaperMarketEvent } from '../adapters/execution/paper.ts';
import { BINANCE_SPOT_MARKETS } from './markets.ts';
import type { SimMarket } from './engine.ts';
import { CaptureReplay } from './replay.ts';

const RECORDED = Date.UTC(2024, 7, 8, 12); // the capture's day
const d = (x: string): DecimalString => x as DecimalString;

/** A market whose matching model only records what it is fed. */
function recordingMarket(): { market: SimMarket; fed: PaperMarketEvent[] } {
  const fed: PaperMarketEvent[] = [];
  const spec = BINANCE_SPOT_MARKETS[0] as (typeof BINANCE_SPOT_MARKETS)[number];
  const adapter = { onMarket: (e: PaperMarketEvent) => void fed.push(e) } as unknown as SimMarket['adapter'];
  return { market: { id: spec.id, rules: spec.rules, adapter, top: null }, fed };
}

const messages: CaptureMessage[] = [
  { kind: 'snapshot', ts: RECORDED, lastUpdateId: 10, bids: [[d('100.00'), d('1')]], asks: [[d('100.10'), d('1')]] },
  { kind: 'trade', ts: RECORDED + 5, venue: 'binance', symbol: 'BTCUSDT', id: '1', price: d('100.00'), amount: d('0.5'), takerSide: 'sell', tradeTs: RECORDED + 5 },
  { kind: 'depth', ts: RECORDED + 20, venue: 'binance', symbol: 'BTCUSDT', U: 11, u: 11, eventTs: RECORDED + 20, bids: [[d('100.01'), d('2')]], asks: [] },
  { kind: 'trade', ts: RECORDED + 40, venue: 'binance', symbol: 'BTCUSDT', id: '2', price: d('100.10'), amount: d('0.1'), takerSide: 'buy', tradeTs: RECORDED + 40 },
];

describe('CaptureReplay', () => {
  let replay: CaptureReplay | undefined;
  afterEach(() => replay?.stop());

  it('feeds books and trades stamped with the simulator clock when played, in recorded order', async () => {
    const { market, fed } = recordingMarket();
    const start = Date.now();
    replay = new CaptureReplay([{ market, messages }], 1, () => Date.now());
    replay.start();
    await new Promise((r) => setTimeout(r, 150));
    const pass = fed.slice(0, 4); // the first pass (the replay then starts over)
    const stamps = pass.map((e) => (e.type === 'market.book' ? e.top.ts : e.trade.ts));
    expect(pass.map((e) => e.type)).toEqual(['market.book', 'market.trade', 'market.book', 'market.trade']);
    for (const ts of stamps) {
      expect(ts).toBeGreaterThanOrEqual(start);
      expect(ts).toBeLessThanOrEqual(Date.now());
    }
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    // Played at the recorded spacing: the last trade no sooner than 40 ms after the first book.
    expect((stamps[3] ?? 0) - (stamps[0] ?? 0)).toBeGreaterThanOrEqual(35);
    const second = pass[2];
    expect(second?.type === 'market.book' ? second.top.bids[0]?.price.toFixed() : null).toBe('100.01');
    // The book served carries the same clock.
    expect(market.top?.ts).toBeGreaterThanOrEqual(start);
  });
});
