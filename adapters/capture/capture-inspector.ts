/**
 * Replays capture lines through the parser and the book sequencer and checks the rebuilt book
 * against the venue's own top of book. No I/O: lines are pushed in by the caller (the file
 * reader for `desk data inspect`, an in-memory array for the bench).
 *
 * Ground truth: a bookTicker carries `u`, the book update id its best bid/ask reflects. When
 * a depth diff ending at exactly that id has been applied, the rebuilt book is in the same
 * state, so its best bid/ask price AND size must equal the ticker's. The ticker is pushed in
 * real time while the diff is batched every 100 ms, so in the captures the matching ticker
 * always arrives BEFORE its diff (checked: 0 of ~1 070 matches per spot symbol arrive after).
 * Tickers are therefore held until the book passes their id: checked if a diff ends exactly
 * there, discarded otherwise (the book never sat at that id, so there is nothing to compare).
 * Sizes are compared too and do match: both describe the same update id, and the book's
 * sizes are absolute values copied from the diffs, so there is no aggregation to differ.
 */
import {
  type BookTickerMsg,
  BookSequencer,
  type CaptureVenue,
  canonicalDecimal,
  type DepthDiffMsg,
  OrderBook,
  parseCaptureLine,
  type SnapshotMsg,
} from '../../domain/market/index.ts';
import { CaptureFormatError } from './errors.ts';

/** Messages seen, by kind. */
export interface CaptureCounts {
  depth: number;
  trade: number;
  bookTicker: number;
  snapshot: number;
  unknown: number;
}

/** A ticker check that failed: what the ticker said and what the rebuilt book held. */
export interface TickerMismatch {
  readonly file: string;
  readonly line: number;
  readonly u: number;
  readonly ticker: { readonly bid: string; readonly bidSize: string; readonly ask: string; readonly askSize: string };
  readonly book: { readonly bid?: string; readonly bidSize?: string; readonly ask?: string; readonly askSize?: string };
}

/** What a capture replay found. */
export interface CaptureSummary {
  readonly venue: CaptureVenue | null;
  readonly symbol: string | null;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  readonly counts: CaptureCounts;
  readonly gaps: number;
  readonly crossed: number;
  readonly tickerChecks: number;
  readonly tickerMismatches: number;
  readonly resyncs: number;
  readonly appliedDiffs: number;
  readonly droppedDiffs: number;
  /** Whether the book was valid at the end of the stream. */
  readonly synced: boolean;
  /** The first few mismatches, for diagnosis. */
  readonly mismatchSamples: readonly TickerMismatch[];
}

interface PendingTicker {
  readonly msg: BookTickerMsg;
  readonly file: string;
  readonly line: number;
}

const MAX_PENDING = 100_000;
const MAX_SAMPLES = 10;

/** Accumulates one symbol's capture, line by line. */
export class CaptureInspector {
  private seq: BookSequencer | null = null;
  private pendingSnapshot: SnapshotMsg | null = null;
  private pending: PendingTicker[] = [];
  private venue: CaptureVenue | null = null;
  private symbol: string | null = null;
  private firstTs: number | null = null;
  private lastTs: number | null = null;
  private readonly counts: CaptureCounts = { depth: 0, trade: 0, bookTicker: 0, snapshot: 0, unknown: 0 };
  private checks = 0;
  private mismatches = 0;
  private readonly samples: TickerMismatch[] = [];

  /** Feeds one line; throws a {@link CaptureFormatError} for a malformed one. Blank lines are skipped. */
  push(text: string, file: string, line: number): void {
    if (text.length === 0) return;
    const msg = parseCaptureLine(text);
    if (msg.kind === 'error') throw new CaptureFormatError(file, line, msg.reason);
    if (this.firstTs === null) this.firstTs = msg.ts;
    this.lastTs = msg.ts;
    this.counts[msg.kind]++;
    switch (msg.kind) {
      case 'depth':
        this.identify(msg, file, line);
        this.onDiff(msg);
        return;
      case 'bookTicker':
        this.identify(msg, file, line);
        this.onTicker(msg, file, line);
        return;
      case 'trade':
        this.identify(msg, file, line);
        return;
      case 'snapshot':
        if (this.seq === null) this.pendingSnapshot = msg;
        else this.seq.onSnapshot(msg);
        return;
      case 'unknown':
        return;
    }
  }

  /** The findings so far. */
  summary(): CaptureSummary {
    const stats = this.seq?.stats;
    return {
      venue: this.venue, symbol: this.symbol, firstTs: this.firstTs, lastTs: this.lastTs, counts: { ...this.counts },
      gaps: stats?.gaps ?? 0, crossed: stats?.crossed ?? 0, resyncs: stats?.resyncs ?? 0,
      tickerChecks: this.checks, tickerMismatches: this.mismatches,
      appliedDiffs: stats?.applied ?? 0, droppedDiffs: stats?.dropped ?? 0,
      synced: this.seq?.valid ?? false, mismatchSamples: [...this.samples],
    };
  }

  /** Venue and symbol come from the stream names; a second symbol in one stream is an error. */
  private identify(msg: { readonly venue: CaptureVenue; readonly symbol: string }, file: string, line: number): void {
    if (this.symbol === null) {
      this.symbol = msg.symbol;
      this.venue = msg.venue;
    } else if (msg.symbol !== this.symbol) {
      throw new CaptureFormatError(file, line, `symbol ${msg.symbol} differs from ${this.symbol} earlier in the stream; inspect one symbol's capture at a time`);
    }
  }

  private onDiff(msg: DepthDiffMsg): void {
    if (this.seq === null) {
      // The first diff decides the sequencing rule: only USDⓈ-M diffs carry `pu`.
      this.venue = msg.venue;
      this.seq = new BookSequencer(msg.venue === 'binanceusdm' ? 'usdm' : 'spot', new OrderBook());
      if (this.pendingSnapshot !== null) this.seq.onSnapshot(this.pendingSnapshot);
      this.pendingSnapshot = null;
    }
    if (this.seq.onDiff(msg) === 'applied' && this.pending.length > 0) this.settlePending(msg.u);
  }

  private onTicker(msg: BookTickerMsg, file: string, line: number): void {
    const last = this.seq?.valid === true ? this.seq.lastUpdateId : null;
    if (last !== null && msg.u === last) this.check({ msg, file, line });
    else if (last === null || msg.u > last) {
      if (this.pending.length >= MAX_PENDING) this.pending.shift();
      this.pending.push({ msg, file, line });
    }
  }

  /** The book now sits at update id `u`: check tickers for `u`, drop those it has passed. */
  private settlePending(u: number): void {
    let keep = 0;
    for (const p of this.pending) {
      if (p.msg.u === u) this.check(p);
      else if (p.msg.u > u) this.pending[keep++] = p;
    }
    this.pending.length = keep;
  }

  private check(p: PendingTicker): void {
    const book = (this.seq as BookSequencer).book;
    const bid = book.bestRaw('bid');
    const ask = book.bestRaw('ask');
    const t = p.msg;
    this.checks++;
    const same =
      bid !== undefined && ask !== undefined &&
      bid.price === canonicalDecimal(t.bidPrice) && bid.size === canonicalDecimal(t.bidSize) &&
      ask.price === canonicalDecimal(t.askPrice) && ask.size === canonicalDecimal(t.askSize);
    if (same) return;
    this.mismatches++;
    if (this.samples.length < MAX_SAMPLES) {
      this.samples.push({
        file: p.file, line: p.line, u: t.u,
        ticker: { bid: t.bidPrice, bidSize: t.bidSize, ask: t.askPrice, askSize: t.askSize },
        book: { bid: bid?.price, bidSize: bid?.size, ask: ask?.price, askSize: ask?.size },
      });
    }
  }
}
