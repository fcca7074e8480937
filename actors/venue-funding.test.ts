import type { FundingHistory, FundingRate } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import { silentLogger } from '../otel/logger.ts';
import { VenueFunding } from './venue-funding.ts';

/** A venue whose funding answers the test sets (the ccxt shapes: income negative when the account paid). */
function venue() {
  const v = {
    rate: 0.0001 as number | undefined,
    history: [] as FundingHistory[],
    fail: false,
    calls: 0,
    async fetchFundingRate(): Promise<FundingRate> {
      v.calls += 1;
      if (v.fail) throw new Error('timeout');
      return { fundingRate: v.rate } as FundingRate;
    },
    async fetchFundingHistory(_symbol?: string, since?: number): Promise<FundingHistory[]> {
      if (v.fail) throw new Error('timeout');
      return v.history.filter((h) => (h.timestamp ?? 0) >= (since ?? 0));
    },
  };
  return v;
}
const income = (id: string, timestamp: number, amount: number): FundingHistory => ({ id, timestamp, amount, symbol: 'BTC/USDT:USDT', code: 'USDT', info: {} });

describe('VenueFunding', () => {
  it('books each venue payment once, with the desk sign (paid +), and only those since the bot started', async () => {
    const clock = new VirtualClock(1_000_000);
    const ex = venue();
    ex.history = [income('old', 999_000, -5), income('a', 1_000_500, -0.25)];
    const f = new VenueFunding({ botId: 'b', exchange: ex, symbol: 'BTC/USDT:USDT', sinceMs: 1_000_000, pollMs: 1000, clock, logger: silentLogger() });
    await f.catchUp();
    expect(f.rate()?.toString()).toBe('0.0001');
    expect(f.pending().toString()).toBe('0.25');
    expect(f.due().map((p) => [p.id, p.amount.toString()])).toEqual([['a', '0.25']]);
    expect(f.due()).toEqual([]);
    // A short received funding; the same payment listed again is not booked twice.
    ex.history.push(income('b', 1_001_500, 0.1));
    await f.catchUp();
    await f.catchUp();
    expect(f.due().map((p) => [p.id, p.amount.toString()])).toEqual([['b', '-0.1']]);
  });

  it('polls every pollMs once started; a failed read keeps the last rate and is retried; stop ends the polling', async () => {
    const clock = new VirtualClock(0);
    const ex = venue();
    const f = new VenueFunding({ botId: 'b', exchange: ex, symbol: 'BTC/USDT:USDT', sinceMs: 0, pollMs: 1000, clock, logger: silentLogger() });
    await f.catchUp();
    f.start();
    ex.fail = true;
    clock.advanceTo(1000);
    await new Promise((r) => setImmediate(r));
    expect(f.rate()?.toString()).toBe('0.0001');
    ex.fail = false;
    ex.rate = -0.0003;
    clock.advanceTo(2000);
    await new Promise((r) => setImmediate(r));
    expect(f.rate()?.toString()).toBe('-0.0003');
    const calls = ex.calls;
    f.stop();
    clock.advanceTo(10_000);
    await new Promise((r) => setImmediate(r));
    expect(ex.calls).toBe(calls);
  });
});
