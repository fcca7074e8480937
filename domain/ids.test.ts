import { describe, expect, it } from 'vitest';
import { botId, clientOrderId, instrumentId } from './ids.ts';

describe('typed ids', () => {
  it('accepts well-formed ids', () => {
    expect(botId('btc-mm_1')).toBe('btc-mm_1');
    expect(clientOrderId('epp-btc-buy_0-17')).toBe('epp-btc-buy_0-17');
    expect(instrumentId('binance:spot:BTCUSDT')).toBe('binance:spot:BTCUSDT');
  });
  it('rejects malformed ids with the id kind in the message', () => {
    expect(() => botId('')).toThrow(/BotId/);
    expect(() => botId('has space')).toThrow(/BotId/);
    expect(() => clientOrderId('x'.repeat(37))).toThrow(/ClientOrderId/);
    expect(() => instrumentId('binance/BTCUSDT')).toThrow(/InstrumentId/);
  });
});
