/** Builders for the paper execution adapter's tests. */
import { VirtualClock } from '../clock/virtual-clock.ts';
import { type ClientOrderId, clientOrderId } from '../../domain/ids.ts';
import type { InstrumentRules, Side } from '../../domain/instrument/rules.ts';
import { Decimal, type DecimalLike } from '../../domain/money/decimal.ts';
import type { PaperConfig } from '../../domain/paper/index.ts';
import { PINNED } from '../../domain/paper/paper.fixtures.ts';
import { PaperExecutionAdapter, type PaperMarketEvent } from './paper.ts';
import type { ExecutionUpdate, OrderIntent } from './types.ts';

export const RULES: InstrumentRules = {
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: new Decimal('0.01'),
  lotStep: new Decimal('0.001'),
  minAmount: new Decimal(0),
  minNotional: new Decimal(0),
};

/** The domain fixtures' pinned config (queue factor = participation, every fill takes all it can). */
export { PINNED };

export function setup(config: Partial<PaperConfig> = {}, startMs = 1_000) {
  const clock = new VirtualClock(startMs);
  const adapter = new PaperExecutionAdapter({ clock, rules: RULES, config: { ...PINNED, ...config }, balances: { BTC: '10', USDT: '1000' } });
  const updates: ExecutionUpdate[] = [];
  adapter.updates$.subscribe((u) => updates.push(u));
  return { clock, adapter, updates };
}

export const cid = (s: string): ClientOrderId => clientOrderId(s);

export function intent(id: string, side: Side, price: string | number, amount: string | number, postOnly = true, symbol = 'BTCUSDT'): OrderIntent {
  return { clientOrderId: cid(id), symbol, side, price: new Decimal(price), amount: new Decimal(amount), postOnly };
}

/** A one-level book: best bid and ask with their sizes. */
export function book(ts: number, bid: DecimalLike, bidSize: DecimalLike, ask: DecimalLike, askSize: DecimalLike): PaperMarketEvent {
  const bids = [{ price: new Decimal(bid), size: new Decimal(bidSize) }];
  const asks = [{ price: new Decimal(ask), size: new Decimal(askSize) }];
  return { type: 'market.book', top: { ts, bid: new Decimal(bid), ask: new Decimal(ask), bids, asks } };
}

export function trade(ts: number, price: DecimalLike, amount: DecimalLike, takerSide: Side): PaperMarketEvent {
  return { type: 'market.trade', trade: { ts, price: new Decimal(price), amount: new Decimal(amount), takerSide } };
}

/** Updates as plain JSON (Decimals as strings), for exact comparison. */
export const plain = (updates: readonly unknown[]): unknown => JSON.parse(JSON.stringify(updates));
