/**
 * One live bot's shadow: the paper fill model (`PaperExecutionAdapter`, the bot's `paper`
 * section as its config) on its own virtual clock, fed what the live bot sees and does — the
 * venue books the bot reads, the venue's public trades, and every order decision the bot sends
 * (it is the `ShadowMirror` of shadow-execution.ts).
 *
 * The inputs do not arrive in time order: trades are polled, so a trade is heard up to a poll
 * later than a book or an order decision made after it. Each input is therefore queued with
 * its time (a book: when it was received; a decision: when it was sent; a trade: the venue's
 * time) and `release(upTo)` applies, in time order, everything up to a time all trades are known
 * for (the start of the last complete trade poll), moving the virtual clock to each input's time
 * first — so the model's latency, queue and fills are timed as in the paper desk, and a trade
 * never fills an order placed after it. The shadow lags the bot by about one trade poll.
 *
 * Nothing here throws at the caller: a model fault is reported through `onFault`.
 */
import type { ClientOrderId } from '../domain/ids.ts';
import type { InstrumentRules } from '../domain/instrument/rules.ts';
import type { BookTop, Trade } from '../domain/market/types.ts';
import type { Decimal } from '../domain/money/decimal.ts';
import type { PaperConfig } from '../domain/paper/index.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import { PaperExecutionAdapter } from '../adapters/execution/paper.ts';
import type { OrderIntent } from '../adapters/execution/types.ts';
import type { ShadowMirror } from './shadow-execution.ts';
import type { ShadowRecorder } from './shadow-recorder.ts';

export interface ShadowVenueOptions {
  readonly rules: InstrumentRules;
  readonly paper: PaperConfig;
  readonly startBase: Decimal;
  readonly startQuote: Decimal;
  /** The live clock: stamps the mirrored decisions; the shadow's virtual clock starts at its now. */
  readonly clock: Clock;
  readonly recorder: ShadowRecorder;
  /** A `state.snapshot` of the shadow every this many ms of its time. */
  readonly snapshotIntervalMs: number;
  readonly onFault?: (message: string, error: unknown) => void;
}

type Input =
  | { readonly kind: 'book'; readonly ts: number; readonly top: BookTop }
  | { readonly kind: 'trade'; readonly ts: number; readonly trade: Trade }
  | { readonly kind: 'place'; readonly ts: number; readonly intent: OrderIntent }
  | { readonly kind: 'cancel'; readonly ts: number; readonly clientOrderId: ClientOrderId }
  | { readonly kind: 'cancel_all'; readonly ts: number; readonly symbol: string | undefined };

type Queued = Input & { readonly seq: number };

export class ShadowVenue implements ShadowMirror {
  private readonly vclock: VirtualClock;
  private readonly paper: PaperExecutionAdapter;
  private queue: Queued[] = [];
  private seq = 0;
  private cancelSnapshot: (() => void) | null = null;
  private closed = false;

  constructor(private readonly o: ShadowVenueOptions) {
    this.vclock = new VirtualClock(o.clock.now());
    const { base, quote } = o.rules;
    this.paper = new PaperExecutionAdapter({ clock: this.vclock, rules: o.rules, config: o.paper, balances: { [base]: o.startBase, [quote]: o.startQuote } });
    this.paper.updates$.subscribe((u) => this.guard('update', () => o.recorder.onUpdate(u)));
  }

  /** The shadow's time (how far its model has got). */
  now(): number {
    return this.vclock.now();
  }

  /** Inputs waiting for their time to be released. */
  get pending(): number {
    return this.queue.length;
  }

  /** Records `bot.started` and arms the snapshot timer on the shadow's time. */
  start(): void {
    this.o.recorder.started();
    const arm = (at: number): void => {
      this.cancelSnapshot = this.vclock.setTimer(at, () => {
        this.guard('snapshot', () => this.o.recorder.snapshot());
        arm(at + this.o.snapshotIntervalMs);
      });
    };
    arm(this.vclock.now() + this.o.snapshotIntervalMs);
  }

  onBook(top: BookTop): void {
    this.push({ kind: 'book', ts: top.ts, top });
  }

  onTrade(trade: Trade): void {
    this.push({ kind: 'trade', ts: trade.ts, trade });
  }

  place(intent: OrderIntent): void {
    this.push({ kind: 'place', ts: this.o.clock.now(), intent });
  }

  cancel(clientOrderId: ClientOrderId): void {
    this.push({ kind: 'cancel', ts: this.o.clock.now(), clientOrderId });
  }

  cancelAll(symbol?: string): void {
    this.push({ kind: 'cancel_all', ts: this.o.clock.now(), symbol });
  }

  /** Applies every queued input up to `upTo`, in time order (ties: arrival order); the shadow's time moves to `upTo`. */
  release(upTo: number): void {
    if (this.closed) return;
    const due = this.queue.filter((i) => i.ts <= upTo).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    this.queue = this.queue.filter((i) => i.ts > upTo);
    for (const i of due) {
      // A late input (a trade heard after its time was released) is applied now.
      this.guard('clock', () => this.vclock.advanceTo(Math.max(this.vclock.now(), i.ts)));
      this.guard(i.kind, () => this.apply(i));
    }
    if (upTo > this.vclock.now()) this.guard('clock', () => this.vclock.advanceTo(upTo));
  }

  /** Applies everything still queued (the bot has stopped and the last trades are in). */
  drain(): void {
    this.release(Math.max(this.vclock.now(), ...this.queue.map((i) => i.ts)));
  }

  /** Records the final snapshot and `bot.stopped`; closes the model. */
  async stop(reason: string): Promise<void> {
    if (this.closed) return;
    this.cancelSnapshot?.();
    this.guard('snapshot', () => this.o.recorder.snapshot());
    this.guard('stop', () => this.o.recorder.stopped(reason));
    this.closed = true;
    await this.paper.close();
  }

  private push(i: Input): void {
    if (!this.closed) this.queue.push({ ...i, seq: this.seq++ });
  }

  private apply(i: Queued): void {
    const r = this.o.recorder;
    switch (i.kind) {
      case 'book':
        r.onBook(i.top);
        return this.paper.onMarket({ type: 'market.book', top: i.top });
      case 'trade':
        return this.paper.onMarket({ type: 'market.trade', trade: i.trade });
      case 'place':
        r.created(i.intent);
        // The outcome comes through updates$ (recorded there); the promise only carries faults.
        this.paper.place(i.intent).catch((e: unknown) => this.o.onFault?.(`shadow: place ${i.intent.clientOrderId} failed`, e));
        return;
      case 'cancel':
        r.cancelRequested(i.clientOrderId);
        return this.cancelOne(i.clientOrderId);
      case 'cancel_all':
        if (i.symbol !== undefined && i.symbol !== this.o.rules.symbol) return;
        r.cancelAll();
        // Order by order, each now (the model's own cancelAll awaits between orders).
        for (const id of r.openIds()) this.cancelOne(id as ClientOrderId);
        return;
    }
  }

  /** The model acts inside `cancel` (its cancellation comes through updates$); a refusal is recorded when answered. */
  private cancelOne(id: ClientOrderId): void {
    this.paper.cancel(id).then(
      (out) => {
        if (out.type === 'order.cancel_reject') this.o.recorder.cancelRejected(id, out.reason);
      },
      (e: unknown) => this.o.onFault?.(`shadow: cancel ${id} failed`, e),
    );
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.o.onFault?.(`shadow: ${what} failed`, e);
    }
  }
}
