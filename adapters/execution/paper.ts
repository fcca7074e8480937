/**
 * A simulated venue for one instrument over the paper fill model (strategy-epp §12). Market
 * data is pushed in with `onMarket` (so a replay or live stream can drive it), order commands
 * are stamped with the injected clock, and an activation timer per order moves the model to the
 * order's ack time. Fills update the balances (base and quote, fees in the fee asset) exactly.
 * The model is deterministic, so same seed + same inputs at the same times ⇒ the same updates.
 */
import { Subject } from 'rxjs';
import type { ClientOrderId } from '../../domain/ids.ts';
import type { InstrumentRules } from '../../domain/instrument/rules.ts';
import { type Decimal, type DecimalLike, dec, ZERO } from '../../domain/money/decimal.ts';
import type { BookTop, Trade } from '../../domain/market/types.ts';
import { type PaperConfig, type PaperEvent, type PaperInput, type PaperState, assertValidPaperParams, createPaperState, stepPaper } from '../../domain/paper/index.ts';
import type { CancelTimer, Clock } from '../../domain/ports/clock.ts';
import { ExecutionClosedError, PaperInputError, UnknownSymbolError } from './errors.ts';
import type {
  Balance,
  CancelOutcome,
  ExecutionAdapter,
  ExecutionUpdate,
  OpenOrder,
  OrderCancelled,
  OrderIntent,
  PlaceOutcome,
} from './types.ts';

/** Market data in the fill model's shape; each carries its own time. */
export type PaperMarketEvent = { readonly type: 'market.book'; readonly top: BookTop } | { readonly type: 'market.trade'; readonly trade: Trade };

export interface PaperExecutionOptions {
  readonly clock: Clock;
  readonly rules: InstrumentRules;
  readonly config: PaperConfig;
  /** Starting holdings by asset; assets not listed start at 0. */
  readonly balances?: Readonly<Record<string, DecimalLike>>;
}

interface Waiter {
  readonly resolve: (outcome: PlaceOutcome) => void;
  readonly reject: (error: unknown) => void;
  readonly cancelTimer: CancelTimer;
}

export class PaperExecutionAdapter implements ExecutionAdapter {
  private state: PaperState;
  private readonly rules: InstrumentRules;
  private readonly clock: Clock;
  /** The configuration the model was built with (what `setPartialFillBounds(null)` restores). */
  private readonly startConfig: PaperConfig;
  private readonly holdings = new Map<string, Decimal>();
  private readonly waiters = new Map<ClientOrderId, Waiter>();
  private readonly updates = new Subject<ExecutionUpdate>();
  private closed = false;
  readonly updates$ = this.updates.asObservable();

  /** Throws a RangeError on unusable paper parameters. */
  constructor(options: PaperExecutionOptions) {
    this.clock = options.clock;
    this.rules = options.rules;
    this.startConfig = options.config;
    this.state = createPaperState(options.config, { lotStep: options.rules.lotStep, quoteAsset: options.rules.quote });
    this.holdings.set(options.rules.base, ZERO);
    this.holdings.set(options.rules.quote, ZERO);
    for (const [asset, amount] of Object.entries(options.balances ?? {})) this.holdings.set(asset, dec(amount, `balances.${asset}`));
  }

  /**
   * Feeds one book or trade. An event older than the model's time is applied at the model's
   * time (a live feed's exchange stamps may trail our clock by a little; the model never goes back).
   */
  onMarket(event: PaperMarketEvent): void {
    this.assertOpen('onMarket');
    const at = this.modelTime(event.type === 'market.book' ? event.top.ts : event.trade.ts);
    const input: PaperInput =
      event.type === 'market.book' ? { type: 'market.book', top: { ...event.top, ts: at } } : { type: 'market.trade', trade: { ...event.trade, ts: at } };
    this.step(input);
  }

  async place(intent: OrderIntent): Promise<PlaceOutcome> {
    this.assertOpen('place');
    const ts = this.modelTime(this.clock.now());
    const { clientOrderId, symbol } = intent;
    if (symbol !== this.rules.symbol) return this.refuse(ts, clientOrderId, symbol, 'unknown_symbol');
    // Activate whatever is due first, so the duplicate check sees the open orders of this moment
    // and the model's own duplicate reject never meets a waiter of the same id.
    this.step({ type: 'clock.advance', ts });
    if (this.waiters.has(clientOrderId) || this.state.orders.some((o) => o.clientOrderId === clientOrderId)) {
      return this.refuse(ts, clientOrderId, symbol, 'duplicate_client_order_id');
    }
    const outcome = new Promise<PlaceOutcome>((resolve, reject) => {
      const cancelTimer = this.clock.setTimer(ts + this.state.params.config.latencyMs, () => this.onTimer());
      this.waiters.set(clientOrderId, { resolve, reject, cancelTimer });
    });
    const type = intent.postOnly ? 'limit_maker' : 'limit';
    try {
      this.step({ type: 'order.place', ts, order: { clientOrderId, side: intent.side, type, price: intent.price, amount: intent.amount } });
    } catch (e) {
      this.waiters.get(clientOrderId)?.cancelTimer();
      this.waiters.delete(clientOrderId);
      throw e;
    }
    return outcome;
  }

  async cancel(clientOrderId: ClientOrderId): Promise<CancelOutcome> {
    this.assertOpen('cancel');
    const ts = this.modelTime(this.clock.now());
    const events = this.step({ type: 'order.cancel', ts, clientOrderId });
    const symbol = this.rules.symbol;
    for (const e of events) {
      if (e.clientOrderId !== clientOrderId) continue;
      if (e.type === 'order.cancelled') return { type: 'order.cancelled', ts: e.ts, symbol, clientOrderId, remaining: e.remaining };
      if (e.type === 'order.cancel_reject') return { type: 'order.cancel_reject', ts: e.ts, symbol, clientOrderId, reason: e.reason };
    }
    // Unreachable with the model's contract (every cancel yields one of the two); kept as a value.
    return { type: 'order.cancel_reject', ts, symbol, clientOrderId, reason: 'unknown_order' };
  }

  async cancelAll(symbol?: string): Promise<readonly OrderCancelled[]> {
    this.assertOpen('cancelAll');
    if (symbol !== undefined && symbol !== this.rules.symbol) return [];
    const done: OrderCancelled[] = [];
    for (const id of this.state.orders.map((o) => o.clientOrderId)) {
      const outcome = await this.cancel(id);
      if (outcome.type === 'order.cancelled') done.push(outcome);
    }
    return done;
  }

  async openOrders(): Promise<readonly OpenOrder[]> {
    this.assertOpen('openOrders');
    return this.state.orders.map((o) => ({
      clientOrderId: o.clientOrderId,
      symbol: this.rules.symbol,
      side: o.side,
      price: o.price ?? ZERO, // the port only places limits, so a price is always there
      amount: o.amount,
      filled: o.filled,
      postOnly: o.orderType === 'limit_maker',
      status: o.status === 'live' ? 'open' : 'pending',
    }));
  }

  async balances(): Promise<readonly Balance[]> {
    this.assertOpen('balances');
    return [...this.holdings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([asset, total]) => ({ asset, total }));
  }

  async tradingRules(symbol: string): Promise<InstrumentRules> {
    this.assertOpen('tradingRules');
    if (symbol !== this.rules.symbol) throw new UnknownSymbolError(symbol);
    return this.rules;
  }

  /**
   * The bounds of the ratio of the remaining amount one fill takes, from the next fill on; null
   * restores the bounds the adapter was built with. Only the venue simulator's `partialFills`
   * fault calls it (the paper desk never does): the model's other parameters, its orders and its
   * PRNG stream are kept. RangeError (nothing changed) on bounds the model refuses.
   */
  setPartialFillBounds(bounds: { readonly min: Decimal; readonly max: Decimal } | null): void {
    const config: PaperConfig = { ...this.state.params.config, partialFillMin: bounds?.min ?? this.startConfig.partialFillMin, partialFillMax: bounds?.max ?? this.startConfig.partialFillMax };
    const params = { ...this.state.params, config };
    assertValidPaperParams(params);
    this.state = { ...this.state, params };
  }

  /** The partial-fill bounds in force. */
  partialFillBounds(): { readonly min: Decimal; readonly max: Decimal } {
    const c = this.state.params.config;
    return { min: c.partialFillMin, max: c.partialFillMax };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.values()) {
      w.cancelTimer();
      w.reject(new ExecutionClosedError('place'));
    }
    this.waiters.clear();
    this.updates.complete();
  }

  private onTimer(): void {
    if (!this.closed) this.step({ type: 'clock.advance', ts: this.modelTime(this.clock.now()) });
  }

  private modelTime(ts: number): number {
    return this.state.now === null ? ts : Math.max(ts, this.state.now);
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new ExecutionClosedError(operation);
  }

  private refuse(ts: number, clientOrderId: ClientOrderId, symbol: string, reason: 'unknown_symbol' | 'duplicate_client_order_id'): PlaceOutcome {
    const outcome: PlaceOutcome = { type: 'order.reject', ts, symbol, clientOrderId, reason };
    this.updates.next(outcome);
    return outcome;
  }

  /** Steps the model, applies fills to balances, settles waiting places, publishes updates. */
  private step(input: PaperInput): readonly PaperEvent[] {
    let events: readonly PaperEvent[];
    try {
      const next = stepPaper(this.state, input);
      this.state = next.state;
      events = next.events;
    } catch (e) {
      throw new PaperInputError(input.type, { cause: e });
    }
    for (const e of events) this.dispatch(e);
    return events;
  }

  private dispatch(e: PaperEvent): void {
    const symbol = this.rules.symbol;
    switch (e.type) {
      case 'order.ack': {
        const ack: PlaceOutcome = {
          type: 'order.ack',
          ts: e.ts,
          symbol,
          clientOrderId: e.clientOrderId,
          side: e.side,
          price: e.price ?? ZERO,
          amount: e.amount,
          postOnly: e.orderType === 'limit_maker',
        };
        this.settle(ack);
        return this.updates.next(ack);
      }
      case 'order.reject': {
        const rej: PlaceOutcome = { type: 'order.reject', ts: e.ts, symbol, clientOrderId: e.clientOrderId, reason: e.reason };
        this.settle(rej);
        return this.updates.next(rej);
      }
      case 'order.fill':
        this.applyFill(e);
        return this.updates.next({ ...e, symbol });
      case 'order.cancelled':
        // A cancel before the ack answers the waiting place too.
        this.settle({ type: 'order.reject', ts: e.ts, symbol, clientOrderId: e.clientOrderId, reason: 'cancelled' });
        return this.updates.next({ type: 'order.cancelled', ts: e.ts, symbol, clientOrderId: e.clientOrderId, remaining: e.remaining });
      case 'order.cancel_reject': // answered by `cancel` itself
      case 'paper.drift': // a paper statistic, not an order update
        return;
    }
  }

  private settle(outcome: PlaceOutcome): void {
    const w = this.waiters.get(outcome.clientOrderId);
    if (w === undefined) return;
    this.waiters.delete(outcome.clientOrderId);
    w.cancelTimer();
    w.resolve(outcome);
  }

  /** Buy: base +amount, quote −price·amount; sell the reverse; the fee comes off the fee asset. */
  private applyFill(f: Extract<PaperEvent, { type: 'order.fill' }>): void {
    const sign = f.side === 'buy' ? 1 : -1;
    this.add(this.rules.base, f.amount.times(sign));
    this.add(this.rules.quote, f.price.times(f.amount).times(-sign));
    this.add(f.feeAsset, f.fee.negated());
  }

  private add(asset: string, delta: Decimal): void {
    this.holdings.set(asset, (this.holdings.get(asset) ?? ZERO).plus(delta));
  }
}
