/**
 * Drives the simulator's markets from recorded captures on the wall clock: each market's
 * messages are played at their recorded spacing (divided by `speed`) from when `start` is
 * called, through the same book and trade operators the desk uses, into the market's paper
 * model and its latest top, each book and trade stamped with the simulator's clock when it is
 * played (the recorded time only orders and spaces them). At the end of the data the replay starts over (the price jumps back
 * to the first book; documented in docs/venue-sim.md). Each market is fast-forwarded to its first
 * complete book before the clock starts.
 */
import { Subject } from 'rxjs';
import type { CaptureMessage, SequenceRule } from '../domain/market/index.ts';
import { bookEvents } from '../streams/book.stream.ts';
import { trades } from '../streams/trades.stream.ts';
import type { SimMarket } from './engine.ts';

export interface MarketFeed {
  readonly market: SimMarket;
  /** The market's capture messages, in time order. */
  readonly messages: readonly CaptureMessage[];
  /** The depth sequencing rule of the capture (default: `sequenceRuleOf(messages)`). */
  readonly rule?: SequenceRule;
}

/**
 * The sequencing rule a capture's depth diffs follow: USDⓈ-M diffs carry `pu` (parsed as venue
 * `binanceusdm`) and continue on `pu == previous u`; spot diffs on `U == previous u + 1`.
 */
export function sequenceRuleOf(messages: readonly CaptureMessage[]): SequenceRule {
  for (const m of messages) if (m.kind === 'depth') return m.venue === 'binanceusdm' ? 'usdm' : 'spot';
  return 'spot';
}

export class CaptureReplay {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Completed passes over the data. */
  loops = 0;

  constructor(
    private readonly feeds: readonly MarketFeed[],
    private readonly speed: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(speed > 0)) throw new RangeError(`speed: expected a number > 0, got ${speed}`);
    for (const f of feeds) if (f.messages.length === 0) throw new RangeError(`market ${f.market.id}: the capture holds no messages`);
  }

  /** Starts playing; the first messages (up to the first book) are applied at once. */
  start(): void {
    const lanes = this.feeds.map((f) => {
      const input = new Subject<CaptureMessage>();
      // The recorded times only order the messages (the operators sequence on them); what the
      // venue serves and its matching model sees happens now, on the simulator's clock, the same
      // clock its orders are stamped with. Stamped with the recorded (past) times, a market event
      // would fall behind the model's time as soon as an order input moved it to the clock, and
      // the model's time would then move on order inputs only (its latency and fill spacing
      // would pass only when an order came or went).
      input.pipe(bookEvents({ rule: f.rule ?? sequenceRuleOf(f.messages) })).subscribe((e) => {
        if (e.type !== 'book.top') return;
        const top = { ...e.top, ts: this.now() };
        f.market.top = top;
        f.market.adapter.onMarket({ type: 'market.book', top });
      });
      input.pipe(trades()).subscribe((trade) => f.market.adapter.onMarket({ type: 'market.trade', trade: { ...trade, ts: this.now() } }));
      return { input, messages: f.messages, first: (f.messages[0] as CaptureMessage).ts, next: 0 };
    });
    // Fast-forward each market to its first complete book, so the venue never serves an empty
    // book; the replay clock then starts at the latest of those moments.
    let origin = Math.min(...lanes.map((l) => l.first));
    this.feeds.forEach((f, i) => {
      const l = lanes[i] as (typeof lanes)[number];
      while (f.market.top === null && l.next < l.messages.length) {
        const m = l.messages[l.next++] as CaptureMessage;
        origin = Math.max(origin, m.ts);
        l.input.next(m);
      }
      if (f.market.top === null) throw new RangeError(`market ${f.market.id}: the capture never forms a book (no snapshot the diffs apply to)`);
    });
    let base = this.now();
    const step = (): void => {
      if (this.stopped) return;
      const dataNow = origin + (this.now() - base) * this.speed;
      let due = Infinity;
      let done = true;
      for (const l of lanes) {
        while (l.next < l.messages.length && (l.messages[l.next] as CaptureMessage).ts <= dataNow) l.input.next(l.messages[l.next++] as CaptureMessage);
        if (l.next < l.messages.length) {
          done = false;
          due = Math.min(due, (l.messages[l.next] as CaptureMessage).ts);
        }
      }
      if (done) {
        // Start over: every lane from its first message, on a new base time.
        this.loops += 1;
        for (const l of lanes) l.next = 0;
        base = this.now();
        this.timer = setTimeout(step, 0);
        return;
      }
      const waitMs = Math.max(0, Math.min(1000, (due - origin) / this.speed - (this.now() - base)));
      this.timer = setTimeout(step, waitMs);
    };
    step();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
