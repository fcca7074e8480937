/**
 * EPP on real data: the `@bookTicker` tops of the BTCUSDT capture (2024-08-08, ~6 minutes)
 * drive `eppStep` through a venue stub that confirms a cancel one tick later and acknowledges a
 * place one tick later, so cancel-before-place and the ack path are exercised. Invariants are
 * checked on every tick; two replays must decide the same, byte for byte.
 *
 * The capture is shorter than 14 one-minute bars, so the replays use `atr_period` 3 (and
 * `ema_period` 5): the bot is warm after 3 minutes and quotes for the rest.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import type { BookTop } from '../../domain/market/types.ts';
import { Decimal, isOnStep } from '../../domain/money/decimal.ts';
import { EPP_DEFAULTS, type EppConfig } from '../../domain/strategy/epp/config.ts';
import type { EppDecision } from '../../domain/strategy/epp/decisions.ts';
import { eppInit } from '../../domain/strategy/epp/state.ts';
import { type EppStepResult, eppStep } from '../../domain/strategy/epp/step.ts';
import type { EppBalances, OpenOrder } from '../../domain/strategy/epp/types.ts';
import { BTCUSDT_SPOT } from '../../domain/instrument/fixtures.ts';

const CAPTURE = new URL('../../data/binance-spot-20240808/btcusdt_20240808.gz', import.meta.url);
const BTCUSDT: InstrumentRules = BTCUSDT_SPOT;
const BALANCES: EppBalances = { kind: 'spot', base: new Decimal('0.008'), quote: new Decimal('500') };
const SPEC: EppConfig = { ...EPP_DEFAULTS, variant: 'paper_only', atrPeriod: 3, emaPeriod: 5 };
// A 1-tick tolerance at ~62k reprices on nearly every top and trips the cancel budget (the guard
// working); 3000 ticks (~5 bps) keeps the bot quoting, as in bench/epp.bench.ts.
const QUOTING: EppConfig = { ...SPEC, priceToleranceTicks: 3000 };

/** `<recv ns> {"stream":"btcusdt@bookTicker","data":{b,B,a,A}}` → book tops, receive time in ms. */
function readTops(): BookTop[] {
  const tops: BookTop[] = [];
  for (const line of gunzipSync(readFileSync(CAPTURE)).toString('utf8').split('\n')) {
    if (!line.includes('@bookTicker')) continue;
    const sp = line.indexOf(' ');
    const m = (JSON.parse(line.slice(sp + 1)) as { data: { b: string; B: string; a: string; A: string } }).data;
    const bid = new Decimal(m.b);
    const ask = new Decimal(m.a);
    tops.push({ ts: Math.floor(Number(line.slice(0, sp)) / 1e6), bid, ask, bids: [{ price: bid, size: new Decimal(m.B) }], asks: [{ price: ask, size: new Decimal(m.A) }] });
  }
  return tops;
}

const TOPS = readTops();

interface Replay {
  readonly trace: string[];
  readonly statuses: Map<string, number>;
  readonly places: number;
}

/** The venue stub: cancels confirmed and places acknowledged one tick later. */
function venueAdvance(orders: readonly OpenOrder[]): OpenOrder[] {
  return orders.filter((o) => !o.cancelling).map((o) => (o.acked ? o : { ...o, acked: true }));
}

function applyTick(orders: readonly OpenOrder[], ds: readonly EppDecision[], now: number): OpenOrder[] {
  const cancelled = new Set(ds.flatMap((x) => (x.type === 'cancel' ? [x.clientOrderId as string] : [])));
  const next = orders.map((o) => (cancelled.has(o.clientOrderId) ? { ...o, cancelling: true } : o));
  for (const x of ds) if (x.type === 'place') next.push({ clientOrderId: x.clientOrderId, levelId: x.levelId, side: x.side, price: x.price, remaining: x.amount, placedAt: now, acked: false, cancelling: false });
  return next;
}

function checkTick(book: BookTop, open: readonly OpenOrder[], r: EppStepResult, after: readonly OpenOrder[], config: EppConfig, ids: Set<string>): void {
  const occupied = new Set(open.map((o) => o.levelId));
  for (const x of r.decisions) {
    if (x.type !== 'place') continue;
    if (x.side === 'buy') expect(x.price.lt(book.ask), `bid ${x.price.toString()} < ask ${book.ask.toString()}`).toBe(true);
    else expect(x.price.gt(book.bid), `ask ${x.price.toString()} > bid ${book.bid.toString()}`).toBe(true);
    expect(isOnStep(x.price, BTCUSDT.tickSize) && isOnStep(x.amount, BTCUSDT.lotStep)).toBe(true);
    expect(x.amount.gte(BTCUSDT.minAmount) && x.price.times(x.amount).gte(BTCUSDT.minNotional)).toBe(true);
    // Cancel-before-place: never onto a level that still holds an order (cancelling or not).
    expect(occupied.has(x.levelId), `place on occupied ${x.levelId}`).toBe(false);
    expect(ids.has(x.clientOrderId), `reused id ${x.clientOrderId}`).toBe(false);
    ids.add(x.clientOrderId);
    occupied.add(x.levelId);
  }
  expect(after.length).toBeLessThanOrEqual(config.maxActiveOrders);
}

function replay(config: EppConfig): Replay {
  const first = TOPS[0];
  if (first === undefined) throw new Error('no bookTicker lines in the capture');
  let state = eppInit(config, { now: first.ts });
  let orders: OpenOrder[] = [];
  const trace: string[] = [];
  const statuses = new Map<string, number>();
  const ids = new Set<string>();
  let places = 0;
  let lastChange = -Infinity;
  for (const [i, book] of TOPS.entries()) {
    const open = venueAdvance(orders);
    const r = eppStep(state, { now: book.ts, book, balances: BALANCES, openOrders: open, fills: [] }, config, BTCUSDT);
    orders = applyTick(open, r.decisions, book.ts);
    checkTick(book, open, r, orders, config, ids);
    state = r.state;
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    places += r.decisions.filter((x) => x.type === 'place').length;
    if (r.decisions.some((x) => x.type === 'regime.changed')) {
      // A change needs regime_hold_ticks detections, all after the previous change.
      expect(i - lastChange, `regime change at tick ${i}`).toBeGreaterThanOrEqual(config.regimeHoldTicks);
      lastChange = i;
    }
    if (r.decisions.length > 0) trace.push(`${book.ts} ${r.status} ${JSON.stringify(r.decisions)}`);
  }
  return { trace, statuses, places };
}

describe('EPP replay on the BTCUSDT capture (real data)', () => {
  it('quoting config: invariants hold on every tick, the bot quotes, and two replays decide identically', () => {
    const a = replay(QUOTING);
    const b = replay(QUOTING);
    expect(TOPS.length).toBeGreaterThan(20_000);
    // Regimes flap on this tape; the cancel budget eventually escalates (the guard working).
    expect(a.places).toBeGreaterThan(50);
    expect(a.statuses.get('running') ?? 0).toBeGreaterThan(3_000);
    expect(b.trace).toEqual(a.trace);
  });

  it('spec config (1-tick tolerance): invariants hold on every tick through reprices and the risk guards', () => {
    const r = replay(SPEC);
    expect(r.places).toBeGreaterThan(8);
    // It quotes, then the reprices trip the cancel budget (SOFT_PAUSE) — the guards on real data.
    expect([r.statuses.get('running') ?? 0, r.statuses.get('soft_paused') ?? 0].every((n) => n > 0)).toBe(true);
  });
});
