/**
 * The desk's events as the validators read them: the stored envelope (a structural subset, so
 * both the JSONL store and the JetStream stream feed it) and, per bot, the typed records the
 * KPIs, parity and analyses are computed from. Pure: no I/O, no clock.
 *
 * What each record comes from (actors/bot-runtime.ts, actors/bot-orders.ts):
 * - `state.snapshot` (every `runtime.snapshot_interval_s`, 60 s by default): state, equity,
 *   quote, base, realized PnL, fees, the day's counters (equity open/peak, traded notional);
 * - `order.created` (price, amount, side, level), `order.filled` (price, amount, fee, liquidity,
 *   remaining), `order.rejected` (reason), `order.cancel_requested` (the cancels the bot sends;
 *   what its cancel budget counts), `order.cancel_all`;
 * - `bot.started` / `bot.restarted` (each begins a warm-up), `bot.stopped`.
 */
import { Decimal } from '../domain/money/decimal.ts';

/** The envelope fields the validators use (domain/events/envelope.ts is the full type). */
export interface StoredEvent {
  readonly eventId: string;
  readonly seq: number;
  readonly ts: number;
  readonly producer: string;
  readonly botId: string | null;
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export type Side = 'buy' | 'sell';

export interface Snapshot {
  readonly ts: number;
  readonly state: string;
  readonly equity: Decimal;
  readonly quote: Decimal;
  readonly base: Decimal;
  readonly realizedPnl: Decimal;
  /** Perp snapshots carry a margin ratio; their equity is not quote + base·mid. */
  readonly perp: boolean;
  readonly equityOpen: Decimal | null;
  readonly equityPeak: Decimal | null;
  readonly tradedNotionalQuote: Decimal | null;
}

export interface OrderRecord {
  readonly ts: number;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly levelId: string;
}

export interface FillRecord {
  readonly ts: number;
  readonly eventId: string;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly fee: Decimal;
  readonly feeAsset: string;
  readonly liquidity: string;
}

export interface RejectRecord {
  readonly ts: number;
  readonly clientOrderId: string;
  readonly reason: string;
}

/** One bot's events, each list in event-time order. */
export interface BotEvents {
  readonly botId: string;
  readonly symbol: string | null;
  readonly firstTs: number;
  readonly lastTs: number;
  readonly events: number;
  readonly starts: readonly number[];
  readonly snapshots: readonly Snapshot[];
  readonly orders: readonly OrderRecord[];
  readonly fills: readonly FillRecord[];
  readonly rejects: readonly RejectRecord[];
  readonly cancelRequests: readonly number[];
  readonly cancelAlls: readonly number[];
  /** Events of a known type whose payload could not be read (type and eventId). */
  readonly unreadable: readonly { readonly eventId: string; readonly type: string; readonly reason: string }[];
}

class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

function decOf(p: Readonly<Record<string, unknown>>, key: string): Decimal {
  const v = p[key];
  if (typeof v !== 'string' && typeof v !== 'number') throw new PayloadError(`${key}: expected a decimal, got ${JSON.stringify(v)}`);
  const d = new Decimal(v);
  if (!d.isFinite()) throw new PayloadError(`${key}: not finite`);
  return d;
}

function optDec(p: Readonly<Record<string, unknown>> | undefined, key: string): Decimal | null {
  if (p === undefined) return null;
  const v = p[key];
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const d = new Decimal(v);
  return d.isFinite() ? d : null;
}

function strOf(p: Readonly<Record<string, unknown>>, key: string): string {
  const v = p[key];
  if (typeof v !== 'string') throw new PayloadError(`${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function sideOf(p: Readonly<Record<string, unknown>>): Side {
  const s = strOf(p, 'side');
  if (s !== 'buy' && s !== 'sell') throw new PayloadError(`side: expected buy|sell, got ${s}`);
  return s;
}

interface Building {
  symbol: string | null;
  firstTs: number;
  lastTs: number;
  events: number;
  starts: number[];
  snapshots: Snapshot[];
  orders: OrderRecord[];
  fills: FillRecord[];
  rejects: RejectRecord[];
  cancelRequests: number[];
  cancelAlls: number[];
  unreadable: { eventId: string; type: string; reason: string }[];
}

function addEvent(b: Building, e: StoredEvent): void {
  const p = e.payload;
  switch (e.type) {
    case 'bot.started':
      if (typeof p['symbol'] === 'string') b.symbol = p['symbol'];
      b.starts.push(e.ts);
      return;
    case 'bot.restarted':
      b.starts.push(e.ts);
      return;
    case 'state.snapshot': {
      const day = typeof p['day'] === 'object' && p['day'] !== null ? (p['day'] as Record<string, unknown>) : undefined;
      b.snapshots.push({
        ts: e.ts, state: strOf(p, 'state'), equity: decOf(p, 'equity'), quote: decOf(p, 'quote'), base: decOf(p, 'base'),
        realizedPnl: decOf(p, 'realizedPnl'), perp: p['marginRatio'] !== undefined,
        equityOpen: optDec(day, 'equityOpen'), equityPeak: optDec(day, 'equityPeak'), tradedNotionalQuote: optDec(day, 'tradedNotionalQuote'),
      });
      return;
    }
    case 'order.created':
      b.orders.push({ ts: e.ts, clientOrderId: strOf(p, 'clientOrderId'), side: sideOf(p), price: decOf(p, 'price'), amount: decOf(p, 'amount'), levelId: typeof p['levelId'] === 'string' ? p['levelId'] : '' });
      return;
    case 'order.filled':
      b.fills.push({
        ts: e.ts, eventId: e.eventId, clientOrderId: strOf(p, 'clientOrderId'), side: sideOf(p), price: decOf(p, 'price'), amount: decOf(p, 'amount'),
        fee: optDec(p, 'fee') ?? new Decimal(0), feeAsset: typeof p['feeAsset'] === 'string' ? p['feeAsset'] : '', liquidity: typeof p['liquidity'] === 'string' ? p['liquidity'] : 'unknown',
      });
      return;
    case 'order.rejected':
      b.rejects.push({ ts: e.ts, clientOrderId: strOf(p, 'clientOrderId'), reason: typeof p['reason'] === 'string' ? p['reason'] : 'unknown' });
      return;
    case 'order.cancel_requested':
      b.cancelRequests.push(e.ts);
      return;
    case 'order.cancel_all':
      b.cancelAlls.push(e.ts);
      return;
    default:
      return;
  }
}

/** Sorts events by time, then producer and seq (a stable order for equal times). */
export function sortEvents(events: readonly StoredEvent[]): StoredEvent[] {
  return [...events].sort((a, b) => a.ts - b.ts || (a.producer < b.producer ? -1 : a.producer > b.producer ? 1 : a.seq - b.seq));
}

/** Groups the events of each bot (events without a bot id are desk events and are skipped). */
export function botEventsOf(events: readonly StoredEvent[]): Map<string, BotEvents> {
  const building = new Map<string, Building>();
  for (const e of sortEvents(events)) {
    if (e.botId === null) continue;
    let b = building.get(e.botId);
    if (b === undefined) {
      b = { symbol: null, firstTs: e.ts, lastTs: e.ts, events: 0, starts: [], snapshots: [], orders: [], fills: [], rejects: [], cancelRequests: [], cancelAlls: [], unreadable: [] };
      building.set(e.botId, b);
    }
    b.events += 1;
    b.lastTs = Math.max(b.lastTs, e.ts);
    try {
      addEvent(b, e);
    } catch (err) {
      if (!(err instanceof PayloadError) && !(err instanceof Error && err.name === 'DecimalError')) throw err;
      b.unreadable.push({ eventId: e.eventId, type: e.type, reason: err.message });
    }
  }
  const out = new Map<string, BotEvents>();
  for (const id of [...building.keys()].sort()) {
    const b = building.get(id);
    if (b !== undefined) out.set(id, { botId: id, ...b });
  }
  return out;
}
