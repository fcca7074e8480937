import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { type BookTickerMsg, type CaptureLevel, type CaptureMessage, decimalString } from '../domain/market/index.ts';
import { type BookEvent, type BookTopEvent, bookEvents } from './book.stream.ts';
import { readCaptureMessages } from './capture-messages.ts';
import { replay$ } from './replay.stream.ts';

const lvl = (p: string, s: string): CaptureLevel => [decimalString(p), decimalString(s)];
const snap = (ts: number, lastUpdateId: number, bid: string, ask: string): CaptureMessage => ({ kind: 'snapshot', ts, lastUpdateId, bids: [lvl(bid, '1')], asks: [lvl(ask, '1')] });
const diff = (ts: number, U: number, u: number, bids: CaptureLevel[] = [], asks: CaptureLevel[] = []): CaptureMessage => ({
  kind: 'depth', ts, venue: 'binance', symbol: 'BTCUSDT', U, u, eventTs: ts, bids, asks,
});

const summary = (events: readonly BookEvent[]) =>
  events.map((e) => (e.type === 'book.top' ? `top@${e.updateId} ${e.top.bid.toString()}/${e.top.ask.toString()}` : `gap@${e.ts}`));

describe('bookEvents', () => {
  it('emits a top per applied snapshot/diff, a gap value on a break, nothing until re-synced', async () => {
    const msgs = [
      diff(1, 9, 11, [lvl('99', '2')]), // buffered, bridges the snapshot
      snap(2, 10, '98', '101'),
      diff(3, 12, 12, [], [lvl('100', '1')]),
      diff(4, 15, 16), // gap
      diff(5, 17, 18, [lvl('99.5', '1')]), // buffered
      { kind: 'trade', ts: 6, venue: 'binance', symbol: 'BTCUSDT', id: '1', price: decimalString('1'), amount: decimalString('1'), takerSide: 'buy', tradeTs: 6 } as CaptureMessage,
      snap(7, 16, '99', '100'), // re-sync: 15-16 dropped, 17-18 bridges
      diff(8, 19, 19, [lvl('99', '0')]),
    ];
    const out = await lastValueFrom(from(msgs).pipe(bookEvents(), toArray()));
    expect(summary(out)).toEqual(['top@11 99/101', 'top@12 99/100', 'gap@4', 'top@18 99.5/100', 'top@19 99.5/100']);
  });

  it('surfaces a gap found while draining the buffer at a snapshot', async () => {
    const msgs = [diff(1, 20, 21), snap(2, 10, '1', '2')];
    const out = await lastValueFrom(from(msgs).pipe(bookEvents(), toArray()));
    expect(summary(out)).toEqual(['gap@2']);
  });

  it("rebuilds the bundled BTCUSDT capture at 'max': many tops, never crossed, equal to the venue's bookTicker at the same update id", async () => {
    const dir = 'data/binance-spot-20240808';
    const msgs = await readCaptureMessages([`${dir}/btcusdt_20240808.gz`, `${dir}/btcusdt_20240809.gz`]);
    const tickers = new Map<number, BookTickerMsg>();
    for (const m of msgs) if (m.kind === 'bookTicker') tickers.set(m.u, m);

    // Virtual time: 'max' needs no waiting, and the TestScheduler flushes synchronously.
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const events: BookEvent[] = [];
    scheduler.run(() => {
      replay$(msgs, { speed: 'max', scheduler }).pipe(bookEvents({ depth: 5 })).subscribe((e) => events.push(e));
    });

    const tops = events.filter((e): e is BookTopEvent => e.type === 'book.top');
    expect(tops.length).toBeGreaterThan(6000);
    let matched = 0;
    for (const { top, updateId } of tops) {
      expect(top.bid.lt(top.ask)).toBe(true);
      expect(top.bids.length).toBeLessThanOrEqual(5);
      const t = tickers.get(updateId);
      if (t === undefined) continue;
      matched++;
      expect([top.bid.toString(), top.ask.toString()]).toEqual([t.bidPrice, t.askPrice].map((s) => Number(s).toString()));
    }
    expect(matched).toBeGreaterThan(1000);
  });
});
