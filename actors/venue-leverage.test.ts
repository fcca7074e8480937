import type { Balances, Leverage, Position } from 'ccxt';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/load.ts';
import type { BotConfig } from '../config/schema/desk.ts';
import { checkVenueHoldings } from './venue-holdings.ts';
import { applyVenueLeverage } from './venue-leverage.ts';

function perpBot(extra = ''): BotConfig {
  const r = parseConfigText(
    `
market_data: { source: live }
bots:
  - id: p
    instrument: { venue: binance, market: perp, symbol: BTCUSDT, base: BTC, quote: USDT, tick_size: "0.1", lot_step: "0.001", min_amount: "0.001", min_notional: "100" }
    execution: { kind: ccxt }
    strategy: { leverage: "3", max_leverage: "5" }
    paper: { start_quote: "1000"${extra} }
`,
    'p.yaml',
    'yaml',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  return r.config.bots[0] as BotConfig;
}

/** A venue in ccxt's shapes: balance total = equity; positions with contracts, side, leverage, unrealized PnL. */
function venue(o: { equity: number; contracts?: number; side?: 'long' | 'short'; upnl?: number; leverage?: number; obey?: boolean }) {
  let leverage = o.leverage ?? 20;
  return {
    markets: { 'BTC/USDT:USDT': { contractSize: 1 } } as never,
    set: [] as number[],
    async setLeverage(l: number): Promise<object> {
      this.set.push(l);
      if (o.obey !== false) leverage = l;
      return {};
    },
    async fetchLeverage(): Promise<Leverage> {
      return { symbol: 'BTC/USDT:USDT', longLeverage: leverage, shortLeverage: leverage, marginMode: 'cross', info: {} } as Leverage;
    },
    async fetchBalance(): Promise<Balances> {
      return { total: { USDT: o.equity } } as unknown as Balances;
    },
    async fetchPositions(): Promise<Position[]> {
      return [{ symbol: 'BTC/USDT:USDT', contracts: o.contracts ?? 0, side: o.side ?? 'long', unrealizedPnl: o.upnl ?? 0, leverage, entryPrice: 60_000, info: {} } as Position];
    },
  };
}

describe('live perp startup', () => {
  it('sets the venue leverage to the bot\'s and reads it back', async () => {
    const ex = venue({ equity: 2000 });
    expect(await applyVenueLeverage(perpBot(), ex, 'BTC/USDT:USDT')).toEqual({ leverage: 3, venue: 3 });
    expect(ex.set).toEqual([3]);
  });

  it('a venue that keeps another leverage (above max_leverage, or just another) refuses the start, naming both', async () => {
    await expect(applyVenueLeverage(perpBot(), venue({ equity: 2000, leverage: 20, obey: false }), 'BTC/USDT:USDT')).rejects.toThrow(/reports leverage 20 .* above strategy.max_leverage 5/);
    await expect(applyVenueLeverage(perpBot(), venue({ equity: 2000, leverage: 4, obey: false }), 'BTC/USDT:USDT')).rejects.toThrow(/reports leverage 4 .* after setting 3/);
  });

  it('a fractional leverage is refused before the venue is asked', async () => {
    const bot = perpBot();
    const ex = venue({ equity: 2000 });
    await expect(applyVenueLeverage({ ...bot, strategy: { ...bot.strategy, leverage: bot.strategy.leverage.plus('0.5') } }, ex, 'BTC/USDT:USDT')).rejects.toThrow(/whole-number leverage, got 3.5/);
    expect(ex.set).toEqual([]);
  });

  it('holdings: the wallet is the equity minus unrealized PnL, and must cover start_quote', async () => {
    const h = await checkVenueHoldings(perpBot(), venue({ equity: 1500 }));
    expect(h.perp?.wallet.toString()).toBe('1500');
    expect(h.venue).toMatchObject({});
    expect(h.venue['USDT']?.toString()).toBe('1500');
    expect(h.venue['BTC']?.toString()).toBe('0');
    await expect(checkVenueHoldings(perpBot(), venue({ equity: 900 }))).rejects.toThrow(/wallet holds 900 USDT, less than the bot's paper.start_quote 1000/);
  });

  it('holdings: a position the bot does not know refuses the start; one that matches start_base passes', async () => {
    await expect(checkVenueHoldings(perpBot(), venue({ equity: 2000, contracts: 0.05, side: 'short', upnl: 12 }))).rejects.toThrow(/position of -0.05 BTC \(entry 60000\), the bot's paper.start_base is 0/);
    const h = await checkVenueHoldings(perpBot(', start_base: "-0.05"'), venue({ equity: 2012, contracts: 0.05, side: 'short', upnl: 12 }));
    expect(h.perp?.position.toString()).toBe('-0.05');
    expect(h.perp?.wallet.toString()).toBe('2000');
  });
});
