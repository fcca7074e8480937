/**
 * A bot's shadow: inputs applied in time order up to the released time (a trade heard late never
 * fills an order placed after it), the paper desk's event types recorded under the bot's id at
 * the shadow's time, the ledger snapshot, and a cancel-all that leaves nothing open.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import { PINNED, RULES, book, cid, intent, trade } from '../adapters/execution/paper.fixtures.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import type { BookTop, Trade } from '../domain/market/types.ts';
import { Decimal } from '../domain/money/decimal.ts';
import { BotAccount } from './bot-account.ts';
import { createEventLog } from './event-log.ts';
import { ShadowRecorder } from './shadow-recorder.ts';
import { ShadowVenue } from './shadow-venue.ts';

const topOf = (e: ReturnType<typeof book>): BookTop => (e as { top: BookTop }).top;
const tradeOf = (e: ReturnType<typeof trade>): Trade => (e as { trade: Trade }).trade;

function setup(latencyMs = PINNED.latencyMs) {
  const live = new VirtualClock(1_000);
  const events: EventEnvelope[] = [];
  const log = createEventLog({ append: (e) => events.push(e) });
  const faults: string[] = [];
  const start = { base: new Decimal('1'), quote: new Decimal('1000') };
  const account = new BotAccount(RULES, start.base, start.quote);
  const venue: ShadowVenue = new ShadowVenue({
    rules: RULES, paper: { ...PINNED, latencyMs, makerFeePct: new Decimal('0.001') }, startBase: start.base, startQuote: start.quote, clock: live,
    recorder: new ShadowRecorder({ botId: 'b', symbol: RULES.symbol, log, now: () => venue.now(), account }),
    snapshotIntervalMs: 60_000, onFault: (m) => faults.push(m),
  });
  const seen = (): [string, number, unknown][] => events.map((e) => [e.type, e.ts, e.payload['clientOrderId'] ?? null]);
  return { live, venue, events, seen, faults };
}

describe('ShadowVenue', () => {
  it('applies inputs in time order up to the released time: a trade heard after a later order does not fill it', async () => {
    // No latency: an order rests at once, so only the time order keeps an earlier trade off it.
    const { live, venue, events, seen, faults } = setup(0);
    venue.start();
    venue.onBook(topOf(book(1_000, '100', '1', '101', '1')));
    live.advanceTo(1_200);
    venue.place(intent('b-1', 'buy', '100.5', '0.1'));
    // Trades are polled: this one, at 1 100 (before the order), is heard only after it.
    live.advanceTo(1_500);
    venue.onTrade(tradeOf(trade(1_100, '100.4', '1', 'sell')));
    expect(venue.pending).toBe(3);
    venue.release(1_050);
    expect(venue.now()).toBe(1_050);
    expect(venue.pending).toBe(2); // the trade and the order wait for their time
    venue.release(1_500);
    expect(venue.now()).toBe(1_500);
    expect(seen()).toEqual([['bot.started', 1_000, null], ['order.created', 1_200, 'b-1'], ['order.acked', 1_200, 'b-1']]);
    // A trade after the order's ack goes through its price: the shadow fills it.
    live.advanceTo(2_000);
    venue.onTrade(tradeOf(trade(1_900, '100.4', '1', 'sell')));
    venue.release(2_000);
    const fill = events.find((e) => e.type === 'order.filled');
    expect(fill).toMatchObject({ ts: 1_900, botId: 'b', producer: 'shadow.b', payload: { clientOrderId: 'b-1', side: 'buy', price: '100.5', amount: '0.1', liquidity: 'maker', remaining: '0', mid: '100.5' } });
    // The order's events chain from its order.created.
    const created = events.find((e) => e.type === 'order.created');
    expect(events.filter((e) => e.payload['clientOrderId'] === 'b-1').every((e) => e.correlationId === created?.eventId)).toBe(true);
    expect(created?.payload).toMatchObject({ side: 'buy', price: '100.5', amount: '0.1', postOnly: true, insideBook: false, mid: '100.5' });
    await venue.stop('duration');
    const snap = events.find((e) => e.type === 'state.snapshot');
    expect(snap?.payload).toMatchObject({ state: 'Shadow', base: '1.1', fills: 1, openOrders: 0 });
    expect(events.at(-1)?.type).toBe('bot.stopped');
    expect(faults).toEqual([]);
  });

  it('records a post-only reject, mirrors cancels, and a cancel-all leaves nothing open', async () => {
    const { live, venue, seen } = setup();
    venue.start();
    venue.onBook(topOf(book(1_000, '100', '1', '101', '1')));
    live.advanceTo(1_100);
    venue.place(intent('x-1', 'buy', '101', '0.1')); // at the ask: would take
    venue.place(intent('x-2', 'buy', '99', '0.1'));
    venue.place(intent('x-3', 'sell', '102', '0.1'));
    live.advanceTo(1_400);
    venue.cancel(cid('x-2'));
    venue.cancel(cid('x-9')); // unknown to the shadow: nothing recorded
    live.advanceTo(1_500);
    venue.cancelAll(RULES.symbol);
    venue.release(2_000);
    await Promise.resolve();
    expect(seen().filter(([t]) => t !== 'bot.started')).toEqual([
      ['order.created', 1_100, 'x-1'], ['order.created', 1_100, 'x-2'], ['order.created', 1_100, 'x-3'],
      ['order.rejected', 1_250, 'x-1'], ['order.acked', 1_250, 'x-2'], ['order.acked', 1_250, 'x-3'],
      ['order.cancel_requested', 1_400, 'x-2'], ['order.cancelled', 1_400, 'x-2'],
      ['order.cancel_all', 1_500, null], ['order.cancelled', 1_500, 'x-3'],
    ]);
    await venue.stop('duration');
    // Closed: later decisions are ignored, never thrown.
    venue.place(intent('x-4', 'buy', '99', '0.1'));
    venue.release(3_000);
    expect(seen().some(([, , id]) => id === 'x-4')).toBe(false);
  });
});
