/**
 * Parser for one line of a recorded Binance capture: `<local_receive_ns> <json>`, where the
 * JSON is a combined-stream message `{"stream": "...", "data": {...}}` or, once per capture,
 * a bare REST depth snapshot `{"lastUpdateId": N, "bids": [...], "asks": [...]}`.
 *
 * Clock: every message's `ts` is the LOCAL RECEIVE TIME in epoch milliseconds (the line
 * prefix, ns truncated to ms). It is the only clock the snapshot line carries, and it orders
 * all lines of a capture consistently. Venue event times (`E`, `T`) run ~1.27 s ahead of it in
 * the bundled captures (recorder clock offset); they are kept as `eventTs`/`tradeTs` for
 * reference but nothing should mix the two clocks.
 *
 * Prices and sizes stay validated decimal strings ({@link DecimalString}); convert with
 * {@link tradeOf} / {@link tickerLevels} (see decimal-string.ts for why not at once).
 * A malformed line yields a {@link CaptureParseError} value that the caller reports with the
 * file and line; an unknown stream yields a {@link UnknownStreamMsg}.
 */
import { isDigits } from './decimal-scan.ts';
import { type DecimalString, isDecimalString, toDecimal } from './decimal-string.ts';
import type { PriceLevel, Trade } from './types.ts';

/** Venue of a capture, named as ccxt names the exchange. */
export type CaptureVenue = 'binance' | 'binanceusdm';

/** A `[price, size]` level whose strings have been validated. */
export type CaptureLevel = readonly [price: DecimalString, size: DecimalString];

interface StreamMsg {
  /** Local receive time, epoch ms. */
  readonly ts: number;
  readonly venue: CaptureVenue;
  /** Venue symbol in upper case, from the stream name (`btcusdt@trade` → `BTCUSDT`). */
  readonly symbol: string;
}

/** Diff depth update (`<sym>@depth` / `<sym>@depth@100ms` / USDⓈ-M `@depth@0ms`). */
export interface DepthDiffMsg extends StreamMsg {
  readonly kind: 'depth';
  readonly U: number;
  readonly u: number;
  /** USDⓈ-M only: previous event's final update id. */
  readonly pu?: number | undefined;
  /** Venue event time `E` (venue clock, not `ts`'s). */
  readonly eventTs: number;
  readonly bids: readonly CaptureLevel[];
  readonly asks: readonly CaptureLevel[];
}

/** A trade (`<sym>@trade`). */
export interface TradeMsg extends StreamMsg {
  readonly kind: 'trade';
  readonly id: string;
  readonly price: DecimalString;
  readonly amount: DecimalString;
  /** `m: true` (buyer is maker) ⇒ the taker sold. */
  readonly takerSide: 'buy' | 'sell';
  /** Venue trade time `T` (venue clock, not `ts`'s). */
  readonly tradeTs: number;
}

/** Best bid/ask (`<sym>@bookTicker`); `u` is the order book update id it reflects. */
export interface BookTickerMsg extends StreamMsg {
  readonly kind: 'bookTicker';
  readonly u: number;
  readonly bidPrice: DecimalString;
  readonly bidSize: DecimalString;
  readonly askPrice: DecimalString;
  readonly askSize: DecimalString;
}

/** REST depth snapshot; it names neither venue nor symbol. */
export interface SnapshotMsg {
  readonly kind: 'snapshot';
  readonly ts: number;
  readonly lastUpdateId: number;
  readonly bids: readonly CaptureLevel[];
  readonly asks: readonly CaptureLevel[];
}

/** A well-formed message of a stream this parser does not handle (e.g. `@aggTrade`). */
export interface UnknownStreamMsg {
  readonly kind: 'unknown';
  readonly ts: number;
  readonly stream: string;
}

export type CaptureMessage = DepthDiffMsg | TradeMsg | BookTickerMsg | SnapshotMsg | UnknownStreamMsg;

/** A line that could not be parsed, with the reason (the caller adds file and line). */
export interface CaptureParseError {
  readonly kind: 'error';
  readonly reason: string;
}

class Malformed extends Error {}

type Json = Record<string, unknown>;

// The validators take the field's value, not the object and a field name: the callers read
// each field with a literal name (`d.U`), a property access V8 caches per message shape,
// where `d[field]` inside a shared helper is a generic keyed lookup on every call.

function num(v: unknown, field: string, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Malformed(`${what}: field "${field}" is missing or not an integer`);
  return v;
}

function decStr(v: unknown, field: string, what: string): DecimalString {
  if (!isDecimalString(v)) throw new Malformed(`${what}: field "${field}" is missing or not a decimal string`);
  return v;
}

function levels(v: unknown, field: string, what: string): CaptureLevel[] {
  if (!Array.isArray(v)) throw new Malformed(`${what}: field "${field}" is missing or not an array`);
  for (let i = 0; i < v.length; i++) {
    const lvl: unknown = v[i];
    if (!Array.isArray(lvl) || !isDecimalString(lvl[0]) || !isDecimalString(lvl[1])) {
      throw new Malformed(`${what}: ${field}[${i}] is not a [price, size] pair of decimal strings`);
    }
  }
  return v as CaptureLevel[];
}

/**
 * Splits `<ns> <json>` and returns the receive time in ms: the prefix must be 7–20 digits
 * (`/^\d{7,20}$/`); the ms are its digits but the last six, at most 14 digits, so the running
 * integer stays exact (< 2^53) and equals `Number(ns.slice(0, -6))` without the two strings.
 */
function receiveMs(text: string, sp: number): number {
  let ok = sp >= 7 && sp <= 20;
  let ms = 0;
  const msDigits = sp - 6;
  for (let i = 0; ok && i < sp; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) ok = false;
    else if (i < msDigits) ms = ms * 10 + d;
  }
  if (!ok) throw new Malformed(`expected "<local_receive_ns> <json>", got a prefix of ${JSON.stringify(text.slice(0, sp).slice(0, 24))}`);
  return ms;
}

type ChannelKind = 'depth' | 'trade' | 'bookTicker' | 'unknown';

/**
 * The message kind of the channel that starts after `@` at `at`: `depth` (`depth`, or
 * `depth@<digits>ms` — `/^depth(?:@\d+ms)?$/`), `trade`, `bookTicker`, else `unknown`.
 * Compared in place, without slicing the channel out of every line's stream name.
 */
function channelKind(stream: string, at: number): ChannelKind {
  const from = at + 1;
  const len = stream.length - from;
  if (len === 10) return matchesAt(stream, from, 'bookTicker') ? 'bookTicker' : 'unknown';
  if (len === 5 && matchesAt(stream, from, 'trade')) return 'trade';
  if (!matchesAt(stream, from, 'depth')) return 'unknown';
  if (len === 5) return 'depth';
  // depth@<digits>ms
  const end = stream.length;
  return len > 8 && stream.charCodeAt(from + 5) === 64 /* @ */ && matchesAt(stream, end - 2, 'ms') && isDigits(stream, from + 6, end - 2) ? 'depth' : 'unknown';
}

/** Whether `s` has `lit` at `from` (a plain loop: cheaper than `startsWith` for a few characters). */
function matchesAt(s: string, from: number, lit: string): boolean {
  if (from + lit.length > s.length) return false;
  for (let i = 0; i < lit.length; i++) if (s.charCodeAt(from + i) !== lit.charCodeAt(i)) return false;
  return true;
}

function parseDepth(d: Json, ts: number, symbol: string): DepthDiffMsg {
  const what = 'depth update';
  const pu = d.pu;
  if (pu !== undefined && (typeof pu !== 'number' || !Number.isSafeInteger(pu))) throw new Malformed(`${what}: field "pu" is not an integer`);
  return {
    kind: 'depth', ts, symbol, venue: pu === undefined ? 'binance' : 'binanceusdm',
    U: num(d.U, 'U', what), u: num(d.u, 'u', what), pu, eventTs: num(d.E, 'E', what),
    bids: levels(d.b, 'b', what), asks: levels(d.a, 'a', what),
  };
}

function parseTrade(d: Json, ts: number, symbol: string): TradeMsg {
  const what = 'trade';
  const m = d.m;
  if (typeof m !== 'boolean') throw new Malformed(`${what}: field "m" is missing or not a boolean`);
  return {
    kind: 'trade', ts, symbol,
    // Spot trades carry "M" (ignore), USDⓈ-M trades carry "X" (order type).
    venue: d.X !== undefined ? 'binanceusdm' : 'binance',
    id: String(num(d.t, 't', what)), price: decStr(d.p, 'p', what), amount: decStr(d.q, 'q', what),
    takerSide: m ? 'sell' : 'buy', tradeTs: num(d.T, 'T', what),
  };
}

function parseTicker(d: Json, ts: number, symbol: string): BookTickerMsg {
  const what = 'bookTicker';
  return {
    kind: 'bookTicker', ts, symbol,
    // Spot bookTicker has no event type/time; USDⓈ-M's carries "e": "bookTicker".
    venue: d.e !== undefined ? 'binanceusdm' : 'binance',
    u: num(d.u, 'u', what),
    bidPrice: decStr(d.b, 'b', what), bidSize: decStr(d.B, 'B', what), askPrice: decStr(d.a, 'a', what), askSize: decStr(d.A, 'A', what),
  };
}

function parseStream(stream: string, data: unknown, ts: number): CaptureMessage {
  const at = stream.indexOf('@');
  if (at <= 0) throw new Malformed(`stream name ${JSON.stringify(stream)} is not "<symbol>@<channel>"`);
  const kind = channelKind(stream, at);
  if (kind === 'unknown') return { kind: 'unknown', ts, stream };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Malformed(`${stream}: "data" is missing or not an object`);
  const symbol = stream.slice(0, at).toUpperCase();
  if (kind === 'depth') return parseDepth(data as Json, ts, symbol);
  return kind === 'trade' ? parseTrade(data as Json, ts, symbol) : parseTicker(data as Json, ts, symbol);
}

function parseSnapshot(j: Json, ts: number): SnapshotMsg {
  const what = 'depth snapshot';
  return { kind: 'snapshot', ts, lastUpdateId: num(j.lastUpdateId, 'lastUpdateId', what), bids: levels(j.bids, 'bids', what), asks: levels(j.asks, 'asks', what) };
}

/** Parses one capture line. Never throws: malformed input becomes a {@link CaptureParseError}. */
export function parseCaptureLine(text: string): CaptureMessage | CaptureParseError {
  try {
    const sp = text.indexOf(' ');
    if (sp < 0) throw new Malformed('expected "<local_receive_ns> <json>", found no space');
    const ts = receiveMs(text, sp);
    let j: unknown;
    try {
      j = JSON.parse(text.slice(sp + 1));
    } catch (e) {
      throw new Malformed(`malformed JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new Malformed('JSON is not an object');
    const o = j as Json;
    const stream = o.stream;
    if (typeof stream === 'string') return parseStream(stream, o.data, ts);
    if ('lastUpdateId' in o) return parseSnapshot(o, ts);
    throw new Malformed('neither a stream message ({"stream","data"}) nor a depth snapshot ({"lastUpdateId","bids","asks"})');
  } catch (e) {
    if (e instanceof Malformed) return { kind: 'error', reason: e.message };
    throw e;
  }
}

/** The trade as a domain {@link Trade} (Decimal amounts, receive-time `ts`). */
export function tradeOf(msg: TradeMsg): Trade {
  return { ts: msg.ts, price: toDecimal(msg.price), amount: toDecimal(msg.amount), takerSide: msg.takerSide, id: msg.id };
}

/** The ticker's best bid and ask as Decimal levels. */
export function tickerLevels(msg: BookTickerMsg): { readonly bid: PriceLevel; readonly ask: PriceLevel } {
  return {
    bid: { price: toDecimal(msg.bidPrice), size: toDecimal(msg.bidSize) },
    ask: { price: toDecimal(msg.askPrice), size: toDecimal(msg.askSize) },
  };
}
