/**
 * The L2 fill simulator (bias `modelled_l2`): a thin adapter over the desk's paper fill model
 * (domain/paper, strategy-epp §12) — the same code the paper venue runs, not a second model.
 *
 * - `book`/`trade` events go in as `market.book`/`market.trade` inputs; a `bar` event (L2 data
 *   has none, but a mixed source might) only advances the model's clock (`clock.advance`).
 * - Intents go in as `order.place` (postOnly ⇒ `limit_maker`, else `limit`) and
 *   `order.cancel`, after the grid check (grid.ts), which the paper model does not do.
 * - Fills are the model's `order.fill` events, each with the mid of the book it filled against.
 *   To know that book, a `book` event that is due to activate pending orders is preceded by a
 *   `clock.advance` at the same ts: those activations are judged against the previous book
 *   anyway (fill-model.ts timing rules), so the events are identical to feeding the book alone.
 * - Rejects: the model rejects some orders only when they activate (`latency_ms` later, on a
 *   market event: `post_only_would_cross`, `no_book`). `onEvent` can only return fills, so those
 *   rejects are held and returned first in the next `submit`'s rejects.
 * - Deterministic: the model's only randomness is its seeded PRNG (`config.seed`).
 */
import { type ClientOrderId, clientOrderId } from '../../domain/ids.ts';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { midOf } from '../../domain/market/types.ts';
import { ZERO } from '../../domain/money/decimal.ts';
import { type PaperConfig, type PaperInput, type PaperState, createPaperState, stepPaper } from '../../domain/paper/index.ts';
import type { BacktestFill, BacktestOrder, FillSimulator, MarketEvent, OrderIntent } from '../types.ts';
import { gridReject } from './grid.ts';

type Reject = { readonly id: string; readonly reason: string };

/** The paper L2 simulator, also exposing the model's state (for stats and tests). */
export interface PaperL2FillSimulator extends FillSimulator {
  state(): PaperState;
}

export function paperL2Fills(config: PaperConfig, rules: InstrumentRules): PaperL2FillSimulator {
  let state = createPaperState(config, { lotStep: rules.lotStep, quoteAsset: rules.quote });
  let heldRejects: Reject[] = [];

  /** Steps the model; appends its fills (with the mid of the book after the step) and rejects. */
  function run(input: PaperInput, fills: BacktestFill[], rejects: Reject[]): void {
    const step = stepPaper(state, input);
    state = step.state;
    const book = state.book;
    for (const e of step.events) {
      if (e.type === 'order.fill') {
        // A fill needs a book, so `book` is non-null here; ZERO only satisfies the type.
        const mid = book === null ? ZERO : midOf(book);
        fills.push({ orderId: e.clientOrderId, ts: e.ts, side: e.side, price: e.price, amount: e.amount, fee: e.fee, liquidity: e.liquidity, mid });
      } else if (e.type === 'order.reject' || e.type === 'order.cancel_reject') {
        rejects.push({ id: e.clientOrderId, reason: e.reason });
      }
    }
  }

  const dueBy = (ts: number): boolean => state.orders.some((o) => o.status === 'pending' && o.activeTs <= ts);

  function onEvent(e: MarketEvent): readonly BacktestFill[] {
    const fills: BacktestFill[] = [];
    if (e.kind === 'book') {
      if (dueBy(e.top.ts)) run({ type: 'clock.advance', ts: e.top.ts }, fills, heldRejects);
      run({ type: 'market.book', top: e.top }, fills, heldRejects);
    } else if (e.kind === 'trade') {
      run({ type: 'market.trade', trade: e.trade }, fills, heldRejects);
    } else {
      run({ type: 'clock.advance', ts: e.ts }, fills, heldRejects);
    }
    return fills;
  }

  function intentInput(ts: number, i: OrderIntent): PaperInput | Reject {
    let id: ClientOrderId;
    try {
      id = clientOrderId(i.id);
    } catch {
      return { id: i.id, reason: i.type === 'place' ? 'invalid_order_id' : 'unknown_order' };
    }
    if (i.type === 'cancel') return { type: 'order.cancel', ts, clientOrderId: id };
    const bad = gridReject(rules, i.price, i.amount);
    if (bad !== null) return { id: i.id, reason: bad };
    return { type: 'order.place', ts, order: { clientOrderId: id, side: i.side, type: i.postOnly ? 'limit_maker' : 'limit', price: i.price, amount: i.amount } };
  }

  return {
    name: 'paper-l2',
    bias: 'modelled_l2',
    onEvent,
    submit(ts, intents) {
      const fills: BacktestFill[] = [];
      const rejects: Reject[] = heldRejects;
      heldRejects = [];
      for (const i of intents) {
        const input = intentInput(ts, i);
        if ('reason' in input) rejects.push(input);
        else run(input, fills, rejects);
      }
      return { fills, rejects };
    },
    openOrders: () =>
      state.orders.map((o): BacktestOrder => ({
        id: o.clientOrderId, side: o.side, price: o.price ?? ZERO, amount: o.amount, remaining: o.amount.minus(o.filled), placedAt: o.placedTs,
      })),
    book: () => state.book,
    state: () => state,
  };
}
