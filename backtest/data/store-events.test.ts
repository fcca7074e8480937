import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataError } from './errors.ts';
import { loadMarketData } from './load.ts';
import { type TempDir, tempDir } from './test-helpers.ts';

let seq = 0;
function envelope(ts: number, type: string, payload: Record<string, unknown>, botId = 'btc'): string {
  seq++;
  return JSON.stringify({ schemaVersion: 1, eventId: `bot.${botId}:${seq}`, seq, ts, producer: `bot.${botId}`, botId, correlationId: `c${seq}`, causationId: null, traceId: null, type, payload });
}
const fill = (ts: number, side: string, price: string, liquidity = 'maker', botId = 'btc'): string =>
  envelope(ts, 'order.filled', { clientOrderId: `o${ts}`, side, price, amount: '0.001', fee: '0', feeAsset: 'USDT', liquidity, remaining: '0' }, botId);

const T = Date.UTC(2024, 7, 8, 23, 55);

describe('desk event store', () => {
  let t: TempDir;
  beforeAll(async () => {
    t = await tempDir();
  });
  afterAll(() => t.remove());

  it('an events directory yields the fills as trades, with the bot symbol; nothing else is derived', async () => {
    const lines = [
      envelope(T, 'bot.started', { symbol: 'BTCUSDT', variant: 'paper_only', incarnation: 0 }),
      envelope(T + 1, 'order.created', { clientOrderId: 'o1', side: 'buy', price: '61758.3', amount: '0.004', postOnly: true }),
      envelope(T + 2, 'state.snapshot', { base: '0', quote: '1000', equity: '1000' }),
      fill(T + 3, 'buy', '61657.1'),
      fill(T + 4, 'sell', '61700.0', 'taker'),
    ];
    await t.file('events-2024-08-08.jsonl', `${lines.join('\n')}\n`);
    await t.file('notes.txt', 'not an event file');
    const md = await loadMarketData({ files: [t.dir], format: 'auto' });
    expect(md.meta).toMatchObject({ format: 'events', symbol: 'BTCUSDT', events: 2, start: T + 3, end: T + 4, findings: [] });
    expect(md.meta.files).toEqual([`${t.dir}/events-2024-08-08.jsonl`]);
    const trades = [...md.events()].map((e) => (e.kind === 'trade' ? [e.ts, e.trade.price.toString(), e.trade.takerSide] : null));
    // A maker buy was hit by a seller; a taker sell was the desk selling.
    expect(trades).toEqual([[T + 3, '61657.1', 'sell'], [T + 4, '61700', 'sell']]);
  });

  it('a store without fills has nothing to backtest on → empty_window', async () => {
    const p = await t.file('nofills.jsonl', `${envelope(T, 'bot.started', { symbol: 'BTCUSDT' })}\n`);
    const err = await loadMarketData({ files: [p], format: 'auto' }).catch((e: unknown) => e);
    expect((err as DataError).findings.map((f) => f.code)).toEqual(['empty_window']);
  });

  it('bad fills and invalid lines are errors with their lines; a torn last line is a warning', async () => {
    const p = await t.file('bad.jsonl', [fill(T, 'buy', '-1'), '{"nope": 1}', fill(T + 1, 'buy', '100'), '{"torn'].join('\n'));
    const err = await loadMarketData({ files: [p], format: 'events' }).catch((e: unknown) => e);
    expect((err as DataError).findings.map((f) => [f.severity, f.code, f.line])).toEqual([
      ['error', 'bad_row', 2],
      ['warning', 'bad_row', 4],
      ['error', 'bad_price', 1],
    ]);
  });

  it('fills of bots trading different symbols → mixed_symbols', async () => {
    const lines = [envelope(T, 'bot.started', { symbol: 'BTCUSDT' }, 'a'), envelope(T, 'bot.started', { symbol: 'ETHUSDT' }, 'b'), fill(T + 1, 'buy', '1', 'maker', 'a'), fill(T + 2, 'buy', '2', 'maker', 'b')];
    const p = await t.file('mixed.jsonl', `${lines.join('\n')}\n`);
    await expect(loadMarketData({ files: [p], format: 'auto' })).rejects.toThrow(/mixed_symbols: fills of several symbols \(BTCUSDT, ETHUSDT\)/);
  });
});
