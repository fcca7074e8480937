/**
 * Binance depth synchronisation as a deterministic state machine over an {@link OrderBook}.
 *
 * The procedure Binance documents for a local book:
 * 1. buffer diff events until a REST snapshot (`lastUpdateId` = L) arrives;
 * 2. drop diffs that the snapshot already contains (spot: `u <= L`; USDⓈ-M: `u < L`);
 * 3. the first applied diff must straddle the snapshot (spot: `U <= L+1 <= u`;
 *    USDⓈ-M: `U <= L <= u`);
 * 4. every later diff must continue the previous one (spot: `U == prev u + 1`;
 *    USDⓈ-M: `pu == prev u`).
 * Any break is a gap: the book is invalid until a new snapshot re-syncs it. The diff that
 * revealed the gap is kept in the buffer, since a later snapshot may still be bridged by it.
 *
 * USDⓈ-M differs in steps 2–3 because its snapshot id can equal a diff's `u`, and its update ids
 * are not contiguous (one diff spans many ids), so only `pu` links consecutive diffs.
 *
 * Mutable and synchronous for speed (it runs once per depth message); no I/O, no clock.
 */
import { OrderBook, type RawLevel } from './book.ts';

/** Which continuity rule applies: spot `U == prev u + 1` or USDⓈ-M `pu == prev u`. */
export type SequenceRule = 'spot' | 'usdm';

/** A diff depth update as the sequencer needs it. */
export interface SequencedDiff {
  /** First update id in the event. */
  readonly U: number;
  /** Final update id in the event. */
  readonly u: number;
  /** USDⓈ-M only: final update id of the previous event. */
  readonly pu?: number | undefined;
  readonly bids: readonly RawLevel[];
  readonly asks: readonly RawLevel[];
}

/** A REST depth snapshot. */
export interface SequencedSnapshot {
  readonly lastUpdateId: number;
  readonly bids: readonly RawLevel[];
  readonly asks: readonly RawLevel[];
}

/** Sync lifecycle: no usable book → snapshot taken, waiting for the bridging diff → live. */
export const SyncState = { AwaitingSnapshot: 'AwaitingSnapshot', AwaitingFirstDiff: 'AwaitingFirstDiff', Synced: 'Synced' } as const;
export type SyncState = (typeof SyncState)[keyof typeof SyncState];

/** What happened to one diff. */
export type DiffOutcome = 'buffered' | 'dropped' | 'applied' | 'gap';
/** What happened to one snapshot: applied, or ignored because the live book is already newer. */
export type SnapshotOutcome = 'applied' | 'stale';

/** Running counters. */
export interface SequencerStats {
  readonly applied: number;
  readonly dropped: number;
  readonly gaps: number;
  /** Applied diffs (or snapshots) after which the book was crossed. */
  readonly crossed: number;
  readonly snapshots: number;
  /** Times the book became valid again after a gap. */
  readonly resyncs: number;
  /** Diffs discarded because the pre-snapshot buffer was full. */
  readonly bufferOverflow: number;
}

export interface SequencerOptions {
  /** Max diffs held while waiting for a snapshot (oldest dropped first). Default 10 000. */
  readonly maxBuffer?: number;
}

/** Applies snapshots and diffs to a book following the venue's sequencing rule. */
export class BookSequencer {
  private syncState: SyncState = SyncState.AwaitingSnapshot;
  private lastId = -1;
  private buffer: SequencedDiff[] = [];
  private hadGap = false;
  private readonly maxBuffer: number;
  private readonly counts = { applied: 0, dropped: 0, gaps: 0, crossed: 0, snapshots: 0, resyncs: 0, bufferOverflow: 0 };

  constructor(
    readonly rule: SequenceRule,
    readonly book: OrderBook = new OrderBook(),
    options: SequencerOptions = {},
  ) {
    this.maxBuffer = options.maxBuffer ?? 10_000;
  }

  get state(): SyncState {
    return this.syncState;
  }

  /** Whether the book reflects the venue (synced, no unresolved gap). */
  get valid(): boolean {
    return this.syncState === SyncState.Synced;
  }

  /** Last update id the book reflects (the snapshot's or the last applied diff's), or null. */
  get lastUpdateId(): number | null {
    return this.syncState === SyncState.AwaitingSnapshot ? null : this.lastId;
  }

  get stats(): SequencerStats {
    return { ...this.counts };
  }

  /** Diffs currently buffered while waiting for a snapshot. */
  get buffered(): number {
    return this.buffer.length;
  }

  /** Feeds one diff. */
  onDiff(diff: SequencedDiff): DiffOutcome {
    if (this.syncState === SyncState.AwaitingSnapshot) {
      this.bufferDiff(diff);
      return 'buffered';
    }
    return this.process(diff);
  }

  /** Feeds a snapshot and replays the buffered diffs against it. */
  onSnapshot(snap: SequencedSnapshot): SnapshotOutcome {
    if (this.syncState === SyncState.Synced && snap.lastUpdateId <= this.lastId) return 'stale';
    this.book.applySnapshot(snap.bids, snap.asks);
    this.counts.snapshots++;
    this.syncState = SyncState.AwaitingFirstDiff;
    this.lastId = snap.lastUpdateId;
    if (this.book.isCrossed()) this.counts.crossed++;
    const pending = this.buffer;
    this.buffer = [];
    for (const d of pending) {
      // A gap while draining re-buffers the rest: they may bridge the next snapshot.
      if (this.state === SyncState.AwaitingSnapshot) this.bufferDiff(d);
      else this.process(d);
    }
    return 'applied';
  }

  /** Marks the book invalid (e.g. the stream disconnected); diffs buffer until a new snapshot. */
  invalidate(): void {
    if (this.syncState !== SyncState.AwaitingSnapshot) this.hadGap = true;
    this.syncState = SyncState.AwaitingSnapshot;
  }

  private bufferDiff(diff: SequencedDiff): void {
    if (this.buffer.length >= this.maxBuffer) {
      this.buffer.shift();
      this.counts.bufferOverflow++;
    }
    this.buffer.push(diff);
  }

  private process(diff: SequencedDiff): DiffOutcome {
    const L = this.lastId;
    // Once live, any diff at or below the book's id is a replay; before the first diff,
    // USDⓈ-M still needs the diff whose range ends exactly at the snapshot id.
    const stale = this.rule === 'spot' || this.syncState === SyncState.Synced ? diff.u <= L : diff.u < L;
    if (stale) {
      this.counts.dropped++;
      return 'dropped';
    }
    const ok = this.syncState === SyncState.AwaitingFirstDiff ? this.bridges(diff, L) : this.continues(diff, L);
    if (!ok) return this.gap(diff);
    this.apply(diff);
    return 'applied';
  }

  /** Step 3: the first diff after a snapshot must contain the snapshot's next update. */
  private bridges(diff: SequencedDiff, L: number): boolean {
    return this.rule === 'spot' ? diff.U <= L + 1 && L + 1 <= diff.u : diff.U <= L && L <= diff.u;
  }

  /** Step 4: a later diff must follow the previous one without a hole. */
  private continues(diff: SequencedDiff, L: number): boolean {
    return this.rule === 'spot' ? diff.U === L + 1 : diff.pu === L;
  }

  private apply(diff: SequencedDiff): void {
    this.book.applyDiff(diff.bids, diff.asks);
    if (this.syncState === SyncState.AwaitingFirstDiff && this.hadGap) {
      this.counts.resyncs++;
      this.hadGap = false;
    }
    this.syncState = SyncState.Synced;
    this.lastId = diff.u;
    this.counts.applied++;
    if (this.book.isCrossed()) this.counts.crossed++;
  }

  private gap(diff: SequencedDiff): DiffOutcome {
    this.counts.gaps++;
    this.hadGap = true;
    this.syncState = SyncState.AwaitingSnapshot;
    this.buffer = [diff];
    return 'gap';
  }
}
