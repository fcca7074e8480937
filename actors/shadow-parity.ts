/**
 * The live desk's parity evidence: the events parity reads (orders, fills, rejects, snapshots,
 * starts and stops) of every shadowed bot, taken as they are appended — from the bot's own event
 * log (live) and from its shadow's (shadow) — and the report of the two built with the validation
 * library (`parityReport`, PARITY_THRESHOLDS_V1), windows of `windowMs`, written where
 * `desk parity --out <var>` writes it: `<var>/reports/parity/<UTC day>/parity.json` and
 * `<var>/reports/parity/latest.json`.
 *
 * Taken in memory rather than read back from the stores, so it works whatever the live store is
 * (JSONL or JetStream) and sees what is not flushed yet. Bounded: once a UTC day is over and its
 * final report written, its events are dropped; each report covers the current day.
 */
import { join } from 'node:path';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import { type ParityReport, parityReport } from '../validation/parity.ts';
import { PARITY_THRESHOLDS_V1 } from '../validation/parity-thresholds.ts';
import type { StoredEvent } from '../validation/events.ts';
import { formatDuration } from '../validation/window.ts';
import { writeJsonReport } from '../validation/write-report.ts';
import type { EventLog } from './event-log.ts';

/** What parity and the paper-soak KPIs read (validation/events.ts). */
const EVIDENCE_TYPES: ReadonlySet<string> = new Set(['bot.started', 'bot.restarted', 'bot.stopped', 'state.snapshot', 'order.created', 'order.filled', 'order.rejected', 'order.cancel_requested', 'order.cancel_all']);

export type ParitySide = 'live' | 'shadow';

const dayOf = (ts: number): string => new Date(ts).toISOString().slice(0, 10);

export interface ParityWritten {
  readonly report: ParityReport;
  /** The files written (the day's report, then latest.json). */
  readonly files: readonly string[];
}

export class ParityEvidence {
  private readonly events: Record<ParitySide, StoredEvent[]> = { live: [], shadow: [] };

  constructor(
    private readonly botIds: ReadonlySet<string>,
    private readonly o: { readonly varDir: string; readonly windowMs: number; readonly sources: Readonly<Record<ParitySide, string>> },
  ) {}

  /** `log`, with every event of a shadowed bot that parity reads also kept as `side`'s evidence. */
  tap(log: EventLog, side: ParitySide): EventLog {
    return {
      append: (producer, input) => {
        const e = log.append(producer, input);
        this.record(side, e);
        return e;
      },
      get count() {
        return log.count;
      },
    };
  }

  record(side: ParitySide, e: EventEnvelope): void {
    if (e.botId === null || !this.botIds.has(e.botId) || !EVIDENCE_TYPES.has(e.type)) return;
    this.events[side].push({ eventId: e.eventId, seq: e.seq, ts: e.ts, producer: e.producer, botId: e.botId, type: e.type, payload: e.payload });
  }

  /** Events kept per side (for tests and the operator log). */
  get size(): Readonly<Record<ParitySide, number>> {
    return { live: this.events.live.length, shadow: this.events.shadow.length };
  }

  /**
   * Writes the report of every day held: the days before `now`'s are final (written, then
   * dropped), the current day's is also `latest.json`. Returns the current day's.
   */
  async write(now: number): Promise<ParityWritten> {
    const today = dayOf(now);
    const days = new Set([...this.events.live, ...this.events.shadow].map((e) => dayOf(e.ts)).filter((d) => d < today));
    for (const day of [...days].sort()) {
      const report = this.build((e) => dayOf(e.ts) === day);
      if (report.day !== null) await writeJsonReport(this.dayFile(report.day), report);
      for (const side of ['live', 'shadow'] as const) this.events[side] = this.events[side].filter((e) => dayOf(e.ts) !== day);
    }
    const report = this.build(() => true);
    const files: string[] = [];
    if (report.day !== null) files.push(await writeJsonReport(this.dayFile(report.day), report));
    files.push(await writeJsonReport(join(this.o.varDir, 'reports', 'parity', 'latest.json'), report));
    return { report, files };
  }

  private build(keep: (e: StoredEvent) => boolean): ParityReport {
    return parityReport({
      a: { source: this.o.sources.live, events: this.events.live.filter(keep) },
      b: { source: this.o.sources.shadow, events: this.events.shadow.filter(keep) },
      window: { kind: 'last', ms: this.o.windowMs },
      windowText: formatDuration(this.o.windowMs).replace(/ /g, ''),
      thresholds: PARITY_THRESHOLDS_V1,
    });
  }

  private dayFile(day: string): string {
    return join(this.o.varDir, 'reports', 'parity', day, 'parity.json');
  }
}
