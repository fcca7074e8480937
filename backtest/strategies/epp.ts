/**
 * The EPP v2.4 strategy in the backtest harness: a thin adapter around the SAME pure controller
 * the live bot runs (`eppStep` in domain/strategy/epp) — no second implementation. Per view it
 * builds the controller's inputs the way `actors/bot-runtime.ts` does per tick (book, the bot's
 * open orders as `OpenOrder` with the level id kept from the place decision, the fills since the
 * last view, the balances) and turns the step's place/cancel decisions into post-only intents.
 *
 * Balances: spot `{ base, quote }`; on a perp bot (`strategy.market: perp`) the perp account the
 * view carries (`BarView.perp`: margin balance, unrealized PnL, margin ratio of the portfolio's
 * ledger), with the position = the view's base, plus the funding rate and the funding paid since
 * the last view — the inputs `actors/bot-account.ts` and `bot-runtime.ts` give it on paper.
 *
 * The reported regime is the controller's (null while warming up), or `hard_stopped` while the
 * HARD_STOP latch holds (the controller detects no regime then; only an operator resumes it).
 *
 * Decision cadence: one step per view. On OHLCV a view is a bar close, so the controller's
 * `bar_interval_s` must equal the data's bar interval (`eppCadenceProblem`); on L2 the engine
 * makes one view per `runtime.tick_interval_ms` of data time, like the desk's tick timer.
 */
import type { BacktestFill, BacktestOrder, BarView, DataMeta, OrderIntent, StrategyAdapter } from '../types.ts';
import { BacktestFault } from '../errors.ts';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { clientOrderId } from '../../domain/ids.ts';
import { type Decimal, ZERO } from '../../domain/money/decimal.ts';
import type { EppConfig } from '../../domain/strategy/epp/config.ts';
import { type EppState, type EppStatus, eppInit } from '../../domain/strategy/epp/state.ts';
import { eppStep } from '../../domain/strategy/epp/step.ts';
import type { EppFill, EppInputs, OpenOrder } from '../../domain/strategy/epp/types.ts';

/** What the adapter remembers of an order the controller placed. */
interface Placed {
  readonly levelId: string;
  readonly price: Decimal;
}

/** The adapter's state: the controller's, plus what the venue (here: the simulator) does not echo back. */
export interface EppAdapterState {
  readonly epp: EppState;
  readonly rules: InstrumentRules;
  /** Orders the controller placed and that may still be open or fill: id → level id and limit price. */
  readonly placed: ReadonlyMap<string, Placed>;
  /** The controller's status after the last step (null before the first). */
  readonly status: EppStatus | null;
  /** Perp: the funding paid up to the last view (the next view's payment is the difference). */
  readonly fundingSeen: Decimal;
}

export interface EppAdapterOptions {
  /** Prefix of client order ids (default `bt-`). */
  readonly idPrefix?: string;
}

/** The formats whose views are bar closes (one controller step per bar). */
const BAR_FORMATS: ReadonlySet<string> = new Set(['ohlcv-csv', 'ohlcv-json']);

/**
 * On bar data the controller steps once per bar, and its own mid bars must be the data's bars:
 * returns the problem (naming `strategy.bar_interval_s`) when the intervals disagree, else null.
 */
export function eppCadenceProblem(config: EppConfig, meta: DataMeta): string | null {
  if (!BAR_FORMATS.has(meta.format) || meta.barIntervalMs === null) return null;
  const want = config.barIntervalS * 1000;
  if (want === meta.barIntervalMs) return null;
  const dataS = meta.barIntervalMs / 1000;
  return `strategy.bar_interval_s: the config says ${config.barIntervalS} s but the data's bars are ${dataS} s apart; the EPP steps once per bar, so set strategy.bar_interval_s: ${dataS} (or use data with ${config.barIntervalS} s bars)`;
}

function toOpenOrder(o: BacktestOrder, s: EppAdapterState, cancelling: ReadonlySet<string>): OpenOrder {
  return {
    clientOrderId: clientOrderId(o.id),
    // An order the controller did not place (none in a backtest) keeps a level id that matches no level.
    levelId: s.placed.get(o.id)?.levelId ?? `foreign_${o.id}`,
    side: o.side,
    price: o.price,
    remaining: o.remaining,
    placedAt: o.placedAt,
    // The simulator holds an order from the moment it is submitted: acknowledged.
    acked: true,
    cancelling: cancelling.has(o.id),
  };
}

function toEppFill(f: BacktestFill, s: EppAdapterState): EppFill {
  return {
    clientOrderId: clientOrderId(f.orderId),
    side: f.side,
    price: f.price,
    amount: f.amount,
    feeQuote: f.fee,
    orderPrice: s.placed.get(f.orderId)?.price ?? f.price,
    ts: f.ts,
  };
}

/**
 * The balances and funding inputs of one step: spot holdings, or the perp account of the view
 * (live paper: `BotAccount.balances()` and `bot-runtime` `settleFunding`).
 */
function accountInputs(config: EppConfig, view: BarView, s: EppAdapterState): Pick<EppInputs, 'balances' | 'fundingRate' | 'fundingPaidQuote'> {
  if (config.market === 'spot') return { balances: { kind: 'spot', base: view.base, quote: view.quote } };
  const p = view.perp;
  // The harness builds a perp portfolio for a perp bot (run.ts); a view without one is a wiring fault.
  if (p === undefined) throw new BacktestFault('epp: a perp bot got a view without a perp account (the portfolio was not opened as a perp)');
  const paid = p.funding.minus(s.fundingSeen);
  return {
    balances: { kind: 'perp', marginBalance: p.marginBalance, unrealizedPnl: p.unrealizedPnl, position: view.base, marginRatio: p.marginRatio },
    fundingRate: p.fundingRate,
    ...(paid.isZero() ? {} : { fundingPaidQuote: paid }),
  };
}

/** The EPP controller as a backtest strategy. `config` is the bot's `strategy` section in domain form. */
export function eppStrategy(config: EppConfig, opts: EppAdapterOptions = {}): StrategyAdapter<EppAdapterState> {
  return {
    name: 'epp',
    init: ({ rules, startTs }) => ({ epp: eppInit(config, { now: startTs, idPrefix: opts.idPrefix ?? 'bt-' }), rules, placed: new Map(), status: null, fundingSeen: ZERO }),
    onBar: (view: BarView, s: EppAdapterState) => {
      const cancelling: ReadonlySet<string> = new Set<string>(s.epp.cancelRequested);
      const r = eppStep(
        s.epp,
        {
          now: view.ts,
          book: view.book,
          ...accountInputs(config, view, s),
          openOrders: view.openOrders.map((o) => toOpenOrder(o, s, cancelling)),
          fills: view.fills.map((f) => toEppFill(f, s)),
        },
        config,
        s.rules,
      );
      const intents: OrderIntent[] = [];
      // Keep only what can still matter: orders still open, plus the ones placed now.
      const placed = new Map<string, Placed>();
      for (const o of view.openOrders) {
        const p = s.placed.get(o.id);
        if (p !== undefined) placed.set(o.id, p);
      }
      for (const d of r.decisions) {
        if (d.type === 'cancel') intents.push({ type: 'cancel', id: d.clientOrderId });
        else if (d.type === 'place') {
          intents.push({ type: 'place', id: d.clientOrderId, side: d.side, price: d.price, amount: d.amount, postOnly: true });
          placed.set(d.clientOrderId, { levelId: d.levelId, price: d.price });
        }
      }
      // A latched HARD_STOP runs no regime detection: its last regime would be a stale label.
      const regime = r.status === 'hard_stopped' ? 'hard_stopped' : r.state.regime.current;
      return { state: { epp: r.state, rules: s.rules, placed, status: r.status, fundingSeen: view.perp?.funding ?? s.fundingSeen }, intents, regime };
    },
  };
}
