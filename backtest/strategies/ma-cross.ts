/**
 * A moving-average crossover strategy — the harness's second strategy, there to prove the
 * `StrategyAdapter` interface is generic: it runs through the same engine, fill models and
 * report as the EPP, with no harness change.
 *
 * Rule, on every closed bar (a view with `bar`): simple moving averages of the last
 * `fast_period` and `slow_period` closes; when the fast one crosses above the slow one the
 * target is `long` (hold `amount` base more than at the start), when it crosses below the
 * target is `flat` (back to the starting base). While the holdings differ from the target by at
 * least a lot, one post-only limit order rests at the touch (buy at the bid, sell at the ask) for
 * the difference; an order left behind by the touch is cancelled and re-placed on a later bar.
 * The reported regime is the target (`long` / `flat`), null while the averages warm up.
 *
 * On a perp (`BarView.perp`) the holdings are the signed position: `flat` is the opening
 * position (which may be short) and a sell is not limited to the base held.
 */
import type { BarView, OrderIntent, StrategyAdapter } from '../types.ts';
import { type InstrumentRules, snapLevel } from '../../domain/instrument/rules.ts';
import { Decimal, ZERO, cmp, dmin } from '../../domain/money/decimal.ts';
import { decimalField, intField, requireOrder, strictObject, WHEN_MAPPING } from '../../config/schema/fields.ts';

/** The strategy's parameters (domain form). */
export interface MaCrossConfig {
  readonly fastPeriod: number;
  readonly slowPeriod: number;
  /** Base amount held while `long`. */
  readonly amount: Decimal;
}

/** The `--strategy-config` file of `ma-cross` (snake_case, every key optional). */
export const maCrossSchema = strictObject(
  {
    fast_period: intField('[1,10000]', { def: 10, src: 'desk', doc: 'Closes in the fast moving average.' }),
    slow_period: intField('[2,10000]', { def: 30, src: 'desk', doc: 'Closes in the slow moving average (> fast_period).' }),
    amount: decimalField('(0,∞)', { def: new Decimal('0.01'), src: 'desk', doc: 'Base amount bought on a cross up and sold on a cross down.' }),
  },
  'an ma-cross strategy config',
).superRefine((v, ctx) => requireOrder(ctx, v, 'fast_period', 'slow_period', '<', 'fast_period'), WHEN_MAPPING);

export const MA_CROSS_DEFAULTS: MaCrossConfig = { fastPeriod: 10, slowPeriod: 30, amount: new Decimal('0.01') };

/** Validates a parsed config value; every problem as `path: message`. `undefined` (no file) gives the defaults. */
export function parseMaCrossConfig(value: unknown): { ok: true; config: MaCrossConfig } | { ok: false; problems: string[] } {
  const r = maCrossSchema.safeParse(value ?? {});
  if (r.success) return { ok: true, config: { fastPeriod: r.data.fast_period, slowPeriod: r.data.slow_period, amount: r.data.amount } };
  return { ok: false, problems: r.error.issues.map((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => `${k}: expected one of fast_period, slow_period, amount, got unknown key "${k}"`).join('\n') : `${i.path.join('.') || '(file)'}: ${i.message}`)) };
}

export type MaTarget = 'long' | 'flat';

export interface MaCrossState {
  readonly rules: InstrumentRules;
  /** The last `slowPeriod` closes, oldest first. */
  readonly closes: readonly Decimal[];
  /** Sign of fast − slow at the previous bar, null before both averages exist. */
  readonly prevSign: number | null;
  readonly target: MaTarget | null;
  /** Base held at the first view (the `flat` position). */
  readonly startBase: Decimal | null;
  readonly seq: number;
}

function mean(xs: readonly Decimal[], from: number): Decimal {
  let s = ZERO;
  for (let i = from; i < xs.length; i++) s = s.plus(xs[i] as Decimal);
  return s.dividedBy(xs.length - from);
}

/** Cancels of the orders not resting at the touch of their side (or on the wrong side of the target). */
function staleOrders(view: BarView, delta: Decimal): string[] {
  return view.openOrders
    .filter((o) => {
      const wantSide = delta.gt(0) ? 'buy' : delta.lt(0) ? 'sell' : null;
      const touch = o.side === 'buy' ? view.book.bid : view.book.ask;
      return o.side !== wantSide || !o.price.eq(touch);
    })
    .map((o) => o.id);
}

/** The order for the holdings' difference from the target, or null when none is due or it is below the venue's minimums. */
function orderFor(view: BarView, delta: Decimal, rules: InstrumentRules, id: string): OrderIntent | null {
  if (delta.isZero()) return null;
  const side = delta.gt(0) ? 'buy' : 'sell';
  // Spot sells at most the base held; a perp position may go (further) short.
  const amount = side === 'buy' || view.perp !== undefined ? delta.abs() : dmin(delta.negated(), view.base);
  const snapped = snapLevel(side, side === 'buy' ? view.book.bid : view.book.ask, amount, rules);
  return snapped.ok ? { type: 'place', id, side, price: snapped.level.price, amount: snapped.level.amount, postOnly: true } : null;
}

/** The crossover strategy with `config`. */
export function maCrossStrategy(config: MaCrossConfig = MA_CROSS_DEFAULTS): StrategyAdapter<MaCrossState> {
  if (!(config.fastPeriod >= 1 && config.slowPeriod > config.fastPeriod)) throw new RangeError(`ma-cross: expected 1 ≤ fast_period < slow_period, got ${config.fastPeriod} and ${config.slowPeriod}`);
  return {
    name: 'ma-cross',
    init: ({ rules }) => ({ rules, closes: [], prevSign: null, target: null, startBase: null, seq: 1 }),
    onBar: (view, s) => {
      const startBase = s.startBase ?? view.base;
      if (view.bar === null) return { state: s.startBase === null ? { ...s, startBase } : s, intents: [], regime: s.target };
      const closes = [...s.closes.slice(s.closes.length >= config.slowPeriod ? 1 : 0), view.bar.close];
      let { prevSign, target } = s;
      if (closes.length >= config.slowPeriod) {
        const sign = cmp(mean(closes, closes.length - config.fastPeriod), mean(closes, 0));
        if (prevSign !== null && sign > 0 && prevSign <= 0) target = 'long';
        else if (prevSign !== null && sign < 0 && prevSign >= 0) target = 'flat';
        prevSign = sign;
      }
      const held = view.base.minus(startBase);
      const delta = target === null ? ZERO : (target === 'long' ? config.amount : ZERO).minus(held);
      const cancels = staleOrders(view, delta);
      const intents: OrderIntent[] = cancels.map((id) => ({ type: 'cancel', id }));
      let seq = s.seq;
      // One working order at a time: a new one only once nothing else rests.
      if (cancels.length === view.openOrders.length) {
        const place = orderFor(view, delta, s.rules, `ma-${seq}`);
        if (place !== null) {
          intents.push(place);
          seq += 1;
        }
      }
      return { state: { rules: s.rules, closes, prevSign, target, startBase, seq }, intents, regime: target };
    },
  };
}
