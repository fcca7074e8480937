/**
 * Shadow execution, the live side's hook: `ShadowedExecutionAdapter` decorates a live bot's venue
 * adapter. Every order decision the bot sends to the venue — `place`, `cancel`, `cancelAll` — is
 * forwarded to the venue first and then mirrored into the bot's shadow (a paper fill model on the
 * same market data, shadow-venue.ts), with the same client id, price, amount and post-only flag.
 *
 * The bot's code path is unchanged: it gets the venue's own promise back (same object, same
 * answer), reads the venue's `updates$`, and the shadow's outcomes go to their own store. A shadow
 * that throws is reported through `onShadowFault` and otherwise ignored: nothing the shadow does
 * can delay, alter or fail a live order.
 */
import type { ClientOrderId } from '../domain/ids.ts';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import type { Balance, CancelOutcome, ExecutionAdapter, ExecutionUpdate, OpenOrder, OrderCancelled, OrderIntent, PlaceOutcome } from '../adapters/execution/types.ts';
import type { Observable } from 'rxjs';

/** What the decorator tells the shadow: the bot's decisions, as they are sent (synchronous, fire-and-forget). */
export interface ShadowMirror {
  place(intent: OrderIntent): void;
  cancel(clientOrderId: ClientOrderId): void;
  cancelAll(symbol?: string): void;
}

export class ShadowedExecutionAdapter implements ExecutionAdapter {
  readonly updates$: Observable<ExecutionUpdate>;

  constructor(
    private readonly venue: ExecutionAdapter,
    private readonly shadow: ShadowMirror,
    private readonly onShadowFault?: (message: string, error: unknown) => void,
  ) {
    this.updates$ = venue.updates$;
  }

  place(intent: OrderIntent): Promise<PlaceOutcome> {
    const answer = this.venue.place(intent);
    this.mirror(`place ${intent.clientOrderId}`, () => this.shadow.place(intent));
    return answer;
  }

  cancel(clientOrderId: ClientOrderId): Promise<CancelOutcome> {
    const answer = this.venue.cancel(clientOrderId);
    this.mirror(`cancel ${clientOrderId}`, () => this.shadow.cancel(clientOrderId));
    return answer;
  }

  cancelAll(symbol?: string): Promise<readonly OrderCancelled[]> {
    const answer = this.venue.cancelAll(symbol);
    this.mirror('cancel-all', () => this.shadow.cancelAll(symbol));
    return answer;
  }

  openOrders(): Promise<readonly OpenOrder[]> {
    return this.venue.openOrders();
  }

  balances(): Promise<readonly Balance[]> {
    return this.venue.balances();
  }

  tradingRules(symbol: string): Promise<InstrumentRules> {
    return this.venue.tradingRules(symbol);
  }

  /** Closes the venue adapter; the shadow is closed by its owner (it still drains after the bot stops). */
  close(): Promise<void> {
    return this.venue.close();
  }

  private mirror(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      try {
        this.onShadowFault?.(`shadow: ${what} not mirrored`, e);
      } catch {
        // A failing fault reporter must not reach the live path either.
      }
    }
  }
}
