import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type CaptureMessage, decimalString } from '../domain/market/index.ts';
import { trades } from './trades.stream.ts';

describe('trades', () => {
  it('maps trade messages to domain trades and drops the rest', async () => {
    const msgs: CaptureMessage[] = [
      { kind: 'unknown', ts: 1, stream: 'btcusdt@aggTrade' },
      { kind: 'trade', ts: 2, venue: 'binance', symbol: 'BTCUSDT', id: '9', price: decimalString('100.5'), amount: decimalString('0.25'), takerSide: 'sell', tradeTs: 3 },
    ];
    const out = await lastValueFrom(from(msgs).pipe(trades(), toArray()));
    expect(out).toHaveLength(1);
    expect(out[0]?.ts).toBe(2);
    expect(out[0]?.price.toString()).toBe('100.5');
    expect(out[0]?.amount.toString()).toBe('0.25');
    expect(out[0]?.takerSide).toBe('sell');
  });
});
