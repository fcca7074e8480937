/**
 * Test fixtures: synthetic event sets shaped as the desk writes them (envelopes stamped per
 * producer `bot.<id>`, payloads as actors/bot-runtime.ts and actors/bot-orders.ts emit them),
 * and a writer to a temp JSONL store (`events-YYYY-MM-DD.jsonl`).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EventEnvelope, type JsonObject, createEnvelopeFactory } from '../domain/events/index.ts';
import { botId as toBotId, eventId } from '../domain/ids.ts';
import { Decimal } from '../domain/money/decimal.ts';

export const T0 = Date.UTC(2024, 7, 8, 10, 0, 0);
export const MIN = 60_000;

/** Stamps events of several producers with desk-like ids (`<producer>:<seq>`). */
export function stamper(): (botId: string | null, ts: number, type: string, payload: JsonObject) => EventEnvelope {
  const f = createEnvelopeFactory();
  return (botId, ts, type, payload) => {
    const producer = botId === null ? 'desk' : `bot.${botId}`;
    const seq = (f.state()[producer] ?? 0) + 1;
    const id = `${producer}:${seq}`;
    return f.stamp(producer, { eventId: eventId(id), ts, type, payload, correlationId: id, botId: botId === null ? null : toBotId(botId) });
  };
}

export interface MinuteSpec {
  readonly state: string;
  /** Cancels requested in this minute (spread over it). */
  readonly cancels: number;
  readonly fills: number;
  readonly rejects: number;
  /** Orders created this minute (besides those that get rejected). */
  readonly orders: number;
  /** Equity at the minute's snapshot (the mid is derived from it). */
  readonly equity: string;
  readonly equityPeak: string;
  readonly traded: string;
}

export interface ScenarioOptions {
  readonly botId?: string;
  readonly minutes: number;
  readonly t0?: number;
  /** The first `warmupMinutes` snapshots are WarmingUp and carry no orders (default 1). */
  readonly warmupMinutes?: number;
  readonly minute?: (i: number) => Partial<MinuteSpec>;
}

const QUOTE = new Decimal(500);
const BASE = new Decimal('0.01');

/**
 * One bot running `minutes` minutes: bot.started at t0, a state.snapshot at the end of each
 * minute, and in each post-warm-up minute `orders` order.created (buy_0 / sell_0 around the
 * mid), `fills` order.filled of them at their price, `rejects` rejected orders, `cancels`
 * order.cancel_requested. Defaults: Running, 2 orders, 1 fill, no cancels or rejects, equity
 * 1000 (mid 50 000), traded 100 per minute.
 */
export function scenario(o: ScenarioOptions): EventEnvelope[] {
  const id = o.botId ?? 'bot-a';
  const t0 = o.t0 ?? T0;
  const warm = o.warmupMinutes ?? 1;
  const stamp = stamper();
  const out: EventEnvelope[] = [stamp(id, t0, 'bot.started', { symbol: 'BTCUSDT', variant: 'paper_only', incarnation: 0 })];
  let n = 0;
  let traded = new Decimal(0);
  let fillCount = 0;
  for (let i = 0; i < o.minutes; i++) {
    const base: MinuteSpec = { state: i < warm ? 'WarmingUp' : 'Running', cancels: 0, fills: i < warm ? 0 : 1, rejects: 0, orders: i < warm ? 0 : 2, equity: '1000', equityPeak: '1000', traded: '0' };
    const m: MinuteSpec = { ...base, ...(o.minute?.(i) ?? {}) };
    const start = t0 + i * MIN;
    const mid = new Decimal(m.equity).minus(QUOTE).dividedBy(BASE);
    const created: { cid: string; side: 'buy' | 'sell'; price: Decimal }[] = [];
    for (let k = 0; k < m.orders; k++) {
      const side = k % 2 === 0 ? 'buy' : 'sell';
      const price = side === 'buy' ? mid.times('0.9975') : mid.times('1.0025');
      const cid = `${id}-${++n}`;
      created.push({ cid, side, price });
      out.push(stamp(id, start + 1000 + k, 'order.created', { clientOrderId: cid, levelId: `${side}_0`, side, price: price.toFixed(), amount: '0.001', postOnly: true, insideBook: false }));
      out.push(stamp(id, start + 1100 + k, 'order.acked', { clientOrderId: cid, price: price.toFixed(), amount: '0.001' }));
    }
    for (let k = 0; k < m.rejects; k++) {
      const cid = `${id}-${++n}`;
      out.push(stamp(id, start + 2000 + k, 'order.created', { clientOrderId: cid, levelId: 'buy_1', side: 'buy', price: mid.toFixed(), amount: '0.001', postOnly: true, insideBook: false }));
      out.push(stamp(id, start + 2100 + k, 'order.rejected', { clientOrderId: cid, reason: 'post_only_would_cross' }));
    }
    for (let k = 0; k < m.fills; k++) {
      const c = created[k % Math.max(1, created.length)];
      if (c === undefined) break;
      fillCount += 1;
      out.push(stamp(id, start + 30_000 + k, 'order.filled', { clientOrderId: c.cid, side: c.side, price: c.price.toFixed(), amount: '0.0005', fee: '0', feeAsset: 'USDT', liquidity: 'maker', remaining: '0.0005' }));
    }
    for (let k = 0; k < m.cancels; k++) out.push(stamp(id, start + 40_000 + Math.floor((k * 19_000) / Math.max(1, m.cancels)), 'order.cancel_requested', { clientOrderId: `${id}-x${k}`, reason: 'reprice' }));
    traded = traded.plus(m.traded === '0' ? '10' : m.traded);
    out.push(stamp(id, start + MIN - 1, 'state.snapshot', {
      state: m.state, regime: i < warm ? null : 'neutral_low_vol', soft: [], hardStop: null, base: BASE.toFixed(), quote: QUOTE.toFixed(), equity: m.equity,
      realizedPnl: '0', unrealizedPnl: '0', fees: '0', openOrders: 2, fills: fillCount,
      day: { dayStartMs: Date.UTC(2024, 7, 8), equityOpen: '1000', equityPeak: m.equityPeak, tradedNotionalQuote: traded.toFixed(), fillCount, feesQuote: '0', fundingQuote: '0' },
    }));
  }
  return out;
}

/** Writes events as a desk var dir (`<dir>/events/events-<day>.jsonl`); returns the var dir. */
export async function writeStore(events: readonly EventEnvelope[], dir?: string): Promise<string> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'desk-validation-')));
  await mkdir(join(root, 'events'), { recursive: true });
  const byDay = new Map<string, string[]>();
  for (const e of events) {
    const day = new Date(e.ts).toISOString().slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), JSON.stringify(e)]);
  }
  for (const [day, lines] of byDay) await writeFile(join(root, 'events', `events-${day}.jsonl`), `${lines.join('\n')}\n`, 'utf8');
  return root;
}
