/**
 * The OHLCV fill model shared by the limit and conservative simulators. OHLCV data has no book
 * and no trades, so fills are estimated against a synthetic book (synthetic-book.ts):
 *
 * - Book. On each `bar` event the half spread is updated with the bar and the book becomes
 *   `close ± halfSpread` (snapped to the tick); `book()` returns it until the next bar.
 * - Resting orders. A bar's path is reduced to two synthetic quotes, at its OPEN and at its
 *   CLOSE (mid = open, then close), both with the half spread in force when the bar opened
 *   (computed from the earlier bars), so nothing about the bar itself — and never its high or
 *   low — decides its fills. A resting buy at p fills in full, at p, as maker, when a quote's
 *   bid is ≤ p − through (sell: ask ≥ p + through); `through` is 0 ticks for the limit model
 *   and 1 tick for the conservative one. Orders touched at the open fill first (fill ts = the
 *   bar's open time, mid = open), then the others at the close (ts = the event ts, mid = close),
 *   each phase in placement order.
 * - No look-ahead. An order rests from the bar after the one it was placed on: it is checked
 *   on a bar only if it was placed at or before that bar's open time.
 * - Intents (at `submit`). A place is checked against the grid (grid.ts), then against the
 *   current synthetic book: a post-only order that would cross (buy ≥ ask, sell ≤ bid) is
 *   rejected `post_only_would_cross`; a marketable non-post-only order fills in full at once at
 *   the synthetic opposite quote (buy at the ask, sell at the bid), as taker, mid = the last
 *   close; anything else rests. Before the first bar every place is rejected `no_book`.
 *   A cancel of an unknown (or already closed) id is rejected `unknown_order`.
 * - Fees: maker/taker pct of the fill's notional, in quote. `book`/`trade` events are ignored.
 */
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import type { Bar, BookTop } from '../../domain/market/types.ts';
import { approxNumber } from '../../domain/money/approx.ts';
import { type Decimal, cmp } from '../../domain/money/decimal.ts';
import type { BacktestFill, BacktestOrder, FillModelBias, FillSimulator, MarketEvent, OrderIntent } from '../types.ts';
import { feeQuote } from './fee.ts';
import { gridReject } from './grid.ts';
import { type SpreadEstimate, halfSpread, spreadInit, spreadUpdate, syntheticQuotes, syntheticTop, touchedCertified } from './synthetic-book.ts';

/** Parameters of an OHLCV fill model. */
export interface OhlcvFillOptions {
  readonly rules: InstrumentRules;
  readonly makerFeePct: Decimal;
  readonly takerFeePct: Decimal;
  /** Half spread = max(tick, spreadAtrMult·ATR(atrPeriod)). */
  readonly spreadAtrMult: Decimal;
  readonly atrPeriod: number;
}

/** What distinguishes the two OHLCV models. */
export interface OhlcvMode {
  readonly name: string;
  readonly bias: FillModelBias;
  /** How many ticks past a resting order's price the synthetic quote must go to fill it. */
  readonly throughTicks: number;
}

type Reject = { readonly id: string; readonly reason: string };

/** What most events return (shared: nobody writes to it). */
const NO_FILLS: readonly BacktestFill[] = Object.freeze([]);

/** Builds an OHLCV fill simulator (see the module comment for the rules). */
export function createOhlcvFills(options: OhlcvFillOptions, mode: OhlcvMode): FillSimulator {
  const { rules } = options;
  const through = rules.tickSize.times(mode.throughTicks);
  const tick = approxNumber(rules.tickSize);
  let est: SpreadEstimate = spreadInit(rules.tickSize, options.spreadAtrMult, options.atrPeriod);
  let top: BookTop | null = null;
  let lastClose: Decimal | null = null;
  // A Map iterates in insertion (= placement) order, which is the fill priority.
  const orders = new Map<string, BacktestOrder>();

  const makerFill = (o: BacktestOrder, ts: number, mid: Decimal): BacktestFill => ({
    orderId: o.id, ts, side: o.side, price: o.price, amount: o.remaining,
    fee: feeQuote(o.price, o.remaining, options.makerFeePct), liquidity: 'maker', mid,
  });

  /** Fills of the eligible resting orders touched by the quotes around `mid`, appended to `out`. */
  function touch(bar: Bar, mid: Decimal, half: Decimal, ts: number, out: BacktestFill[]): void {
    // Each order is decided on double estimates when they certify it (touchedCertified); the
    // exact quotes are built only for an order they cannot decide.
    let q: { readonly bid: Decimal; readonly ask: Decimal } | null = null;
    let m = Number.NaN;
    let h = Number.NaN;
    for (const o of orders.values()) {
      if (o.placedAt > bar.ts) continue;
      if (Number.isNaN(m)) {
        m = approxNumber(mid);
        h = approxNumber(half);
      }
      let hit = touchedCertified(o.side, o.price, mode.throughTicks, m, h, tick);
      if (hit === undefined) {
        q ??= syntheticQuotes(mid, half, rules.tickSize);
        hit = o.side === 'buy' ? cmp(q.bid, o.price.minus(through)) <= 0 : cmp(q.ask, o.price.plus(through)) >= 0;
      }
      if (!hit) continue;
      orders.delete(o.id);
      out.push(makerFill(o, ts, mid));
    }
  }

  /** `halfSpread(est)`, kept in step with `est` (a bar's is the one the previous bar left). */
  let half: Decimal | null = halfSpread(est);

  function onBar(ts: number, bar: Bar): readonly BacktestFill[] {
    let fills: readonly BacktestFill[] = NO_FILLS;
    if (half !== null && orders.size > 0) {
      const out: BacktestFill[] = [];
      touch(bar, bar.open, half, bar.ts, out);
      touch(bar, bar.close, half, ts, out);
      if (out.length > 0) fills = out;
    }
    est = spreadUpdate(est, bar);
    half = halfSpread(est);
    if (half === null) throw new Error('ohlcv fills: no half spread after a bar'); // unreachable: a bar was folded in
    top = syntheticTop(ts, bar.close, half, rules.tickSize);
    lastClose = bar.close;
    return fills;
  }

  function place(ts: number, i: Extract<OrderIntent, { type: 'place' }>, fills: BacktestFill[], rejects: Reject[]): void {
    const bad = gridReject(rules, i.price, i.amount);
    if (bad !== null) return void rejects.push({ id: i.id, reason: bad });
    if (orders.has(i.id)) return void rejects.push({ id: i.id, reason: 'duplicate_order_id' });
    if (top === null || lastClose === null) return void rejects.push({ id: i.id, reason: 'no_book' });
    const crosses = i.side === 'buy' ? i.price.gte(top.ask) : i.price.lte(top.bid);
    if (crosses && i.postOnly) return void rejects.push({ id: i.id, reason: 'post_only_would_cross' });
    if (crosses) {
      const price = i.side === 'buy' ? top.ask : top.bid;
      const fee = feeQuote(price, i.amount, options.takerFeePct);
      fills.push({ orderId: i.id, ts, side: i.side, price, amount: i.amount, fee, liquidity: 'taker', mid: lastClose });
      return;
    }
    orders.set(i.id, { id: i.id, side: i.side, price: i.price, amount: i.amount, remaining: i.amount, placedAt: ts });
  }

  return {
    name: mode.name,
    bias: mode.bias,
    onEvent: (e: MarketEvent) => (e.kind === 'bar' ? onBar(e.ts, e.bar) : NO_FILLS),
    submit(ts, intents) {
      const fills: BacktestFill[] = [];
      const rejects: Reject[] = [];
      for (const i of intents) {
        if (i.type === 'place') place(ts, i, fills, rejects);
        else if (!orders.delete(i.id)) rejects.push({ id: i.id, reason: 'unknown_order' });
      }
      return { fills, rejects };
    },
    openOrders: () => [...orders.values()],
    book: () => top,
  };
}
