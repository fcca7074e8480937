import { describe, expect, it } from 'vitest';
import { botIdPrefix, ownsClientOrderId } from './bot.machine.ts';

describe('ownsClientOrderId', () => {
  it('claims the ids of any session of the bot', () => {
    expect(ownsClientOrderId('btc-sim', `${botIdPrefix('btc-sim', 1_723_075_200_000)}12`)).toBe(true);
    expect(ownsClientOrderId('btc-sim', 'btc-sim-lx0old-7')).toBe(true);
  });

  it("leaves other owners' ids alone, including a bot whose id extends this one's", () => {
    expect(ownsClientOrderId('btc-sim', 'manual-hedge-1')).toBe(false);
    expect(ownsClientOrderId('btc', `${botIdPrefix('btc-sim', 1_723_075_200_000)}1`)).toBe(false);
    expect(ownsClientOrderId('btc-sim', 'btc-sim-')).toBe(false);
    expect(ownsClientOrderId('btc-sim', 'btc-sim-abc-')).toBe(false);
  });
});
