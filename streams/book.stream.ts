/**
 * `book$`: capture messages → the rebuilt top of book after each applied snapshot or diff,
 * through the domain {@link BookSequencer}. A sequence gap is an expected outcome, so it is
 * emitted as a `book.gap` value (not an error); tops stop until a snapshot re-syncs the book.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { BookSequencer, type BookTop, type CaptureMessage, type SequenceRule, SyncState } from '../domain/market/index.ts';

export interface BookTopEvent {
  readonly type: 'book.top';
  readonly top: BookTop;
  /** Last update id the book reflects (snapshot `lastUpdateId` or diff `u`). */
  readonly updateId: number;
}

/** The diff (or the snapshot's buffered diffs) could not continue the book. */
export interface BookGapEvent {
  readonly type: 'book.gap';
  /** Receive time of the message that revealed the gap. */
  readonly ts: number;
  /** Last update id the book had reflected. */
  readonly lastUpdateId: number | null;
}

export type BookEvent = BookTopEvent | BookGapEvent;

export interface BookStreamOptions {
  /**
   * Venue sequencing rule; default `auto`: the rule of the first depth diff's venue (USDⓈ-M diffs
   * carry `pu` and are `usdm`, spot diffs `spot`). A snapshot seen before any diff waits for it.
   */
  readonly rule?: SequenceRule | 'auto';
  /** Levels per side in each top; default 5. */
  readonly depth?: number;
}

/** What one message does to the sequencer, as events (empty for other kinds or buffered diffs). */
export function bookStep(seq: BookSequencer, msg: CaptureMessage, depth: number): BookEvent[] {
  const before = seq.lastUpdateId;
  if (msg.kind === 'depth') {
    const outcome = seq.onDiff(msg);
    if (outcome === 'gap') return [{ type: 'book.gap', ts: msg.ts, lastUpdateId: before }];
    if (outcome !== 'applied') return [];
  } else if (msg.kind === 'snapshot') {
    if (seq.onSnapshot(msg) === 'stale') return [];
    // The buffered diffs replayed against the snapshot may themselves break the sequence.
    if (seq.state === SyncState.AwaitingSnapshot) return [{ type: 'book.gap', ts: msg.ts, lastUpdateId: before }];
  } else {
    return [];
  }
  const top = seq.book.top(depth, msg.ts);
  const updateId = seq.lastUpdateId;
  return top === null || updateId === null ? [] : [{ type: 'book.top', top, updateId }];
}

/**
 * Operator: capture messages of ONE symbol → {@link BookEvent}s. Each subscription gets its
 * own sequencer and book.
 *
 * Not a `scan` over a pure reducer, on purpose: the sequencer and book are mutable by design
 * (copying thousands of levels per diff would dominate the cost), so the state is owned by the
 * subscription and {@link bookStep} is the (testable) step function.
 */
export function bookEvents(options: BookStreamOptions = {}): OperatorFunction<CaptureMessage, BookEvent> {
  const depth = options.depth ?? 5;
  return (source) =>
    new Observable<BookEvent>((subscriber) => {
      const fixed = options.rule ?? 'auto';
      let seq: BookSequencer | null = fixed === 'auto' ? null : new BookSequencer(fixed);
      let early: CaptureMessage[] = [];
      return source.subscribe({
        next: (msg) => {
          if (seq === null) {
            if (msg.kind === 'snapshot') early.push(msg);
            if (msg.kind !== 'depth') return;
            seq = new BookSequencer(msg.venue === 'binanceusdm' ? 'usdm' : 'spot');
            for (const m of early) for (const e of bookStep(seq, m, depth)) subscriber.next(e);
            early = [];
          }
          for (const e of bookStep(seq, msg, depth)) subscriber.next(e);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
