/**
 * `desk events verify --nats <url>`: the integrity report of a JetStream stream, in the same
 * shape as the JSONL store's (`VerifyReport`), plus the stream's protection settings.
 *
 * The stream is read in full with an ordered consumer and the message bodies are written, one per
 * line, to a temporary `events-0000-00-00.jsonl`, which `verifyStore` then checks: the integrity
 * rules (schema, duplicates by eventId and by producer#seq, gaps, correlation coverage) live in
 * one place. Locations are then rewritten from `file:line` to `<stream>#<stream seq>`. (The
 * accumulator inside `adapters/store/verify.ts` is private; exporting it would let this module
 * feed records directly instead of through a temp file.)
 *
 * DESK_AUDIT holds only the audited subset of each producer's events, so per-producer sequence
 * gaps are expected there: pass `checkGaps: false` (as {@link verifyDeskStreams} does).
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection, StreamInfo } from 'nats';
import { type Duplicate, type VerifyReport, verifyStore } from '../store/verify.ts';
import { type DeskStreamNames, deskStreamNames } from './streams.ts';

export interface JetStreamVerifyReport extends VerifyReport {
  readonly stream: string;
  readonly subjects: readonly string[];
  /** Messages in the stream, and its first and last stream sequence. */
  readonly messages: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly storage: string;
  readonly denyDelete: boolean;
  readonly denyPurge: boolean;
  readonly allowRollup: boolean;
  readonly duplicateWindowMs: number;
  /** 0 = kept forever. */
  readonly maxAgeMs: number;
  /** Whether per-producer gaps were checked (and count against `clean`). */
  readonly gapsChecked: boolean;
}

export interface VerifyJetStreamOptions {
  readonly stream: string;
  /** Default true; false for a stream that holds a subset of each producer's events (audit). */
  readonly checkGaps?: boolean;
}

const SCRATCH_FILE = 'events-0000-00-00.jsonl';

/** Reads every message of `opts.stream` and reports on its integrity and protection. */
export async function verifyJetStream(nc: NatsConnection, opts: VerifyJetStreamOptions): Promise<JetStreamVerifyReport> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(opts.stream);
  const dir = await mkdtemp(join(tmpdir(), 'desk-verify-js-'));
  try {
    const seqs = await dump(nc, info, join(dir, SCRATCH_FILE));
    const base = await verifyStore(dir);
    return toStreamReport(base, info, seqs, opts.checkGaps ?? true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Both desk streams: DESK_EVENTS with gap checks, DESK_AUDIT without. */
export async function verifyDeskStreams(
  nc: NatsConnection,
  opts: { readonly prefix?: string; readonly names?: DeskStreamNames } = {},
): Promise<{ readonly events: JetStreamVerifyReport; readonly audit: JetStreamVerifyReport; readonly clean: boolean }> {
  const names = opts.names ?? deskStreamNames(opts.prefix);
  const events = await verifyJetStream(nc, { stream: names.events });
  const audit = await verifyJetStream(nc, { stream: names.audit, checkGaps: false });
  const protectedStreams = [events, audit].every((r) => r.denyDelete && r.denyPurge && !r.allowRollup);
  return { events, audit, clean: events.clean && audit.clean && protectedStreams };
}

/** Writes every message body as one line of `path`; returns the stream seq of each line. */
async function dump(nc: NatsConnection, info: StreamInfo, path: string): Promise<number[]> {
  const seqs: number[] = [];
  const file = await open(path, 'w');
  try {
    if (info.state.messages === 0) return seqs;
    const lastSeq = info.state.last_seq;
    const consumer = await nc.jetstream().consumers.get(info.config.name);
    const messages = await consumer.consume();
    let lines: string[] = [];
    try {
      for await (const m of messages) {
        // A newline is never valid inside a JSON string, so replacing it keeps valid JSON valid.
        lines.push(`${m.string().replace(/[\r\n]/g, ' ')}\n`);
        seqs.push(m.seq);
        if (lines.length >= 1000) {
          await file.appendFile(lines.join(''), 'utf8');
          lines = [];
        }
        if (m.seq >= lastSeq) break;
      }
    } finally {
      await messages.close();
    }
    await file.appendFile(lines.join(''), 'utf8');
    return seqs;
  } finally {
    await file.close();
  }
}

function toStreamReport(base: VerifyReport, info: StreamInfo, seqs: readonly number[], checkGaps: boolean): JetStreamVerifyReport {
  const stream = info.config.name;
  const where = (loc: string): string => {
    const line = Number(loc.slice(loc.lastIndexOf(':') + 1));
    return `${stream}#${seqs[line - 1] ?? '?'}`;
  };
  const dup = (d: Duplicate): Duplicate => ({ key: d.key, first: where(d.first), again: where(d.again) });
  const gaps = checkGaps ? base.gaps : [];
  const duplicateEventIds = base.duplicateEventIds.map(dup);
  const duplicateSeqs = base.duplicateSeqs.map(dup);
  const violations = base.violations.map((v) => ({ file: stream, line: seqs[v.line - 1] ?? v.line, reason: v.reason }));
  return {
    ...base,
    dir: `nats:${stream}`,
    files: [stream],
    gaps,
    missingSeqs: checkGaps ? base.missingSeqs : 0,
    duplicateEventIds,
    duplicateSeqs,
    violations,
    tornLines: [],
    clean: gaps.length === 0 && duplicateEventIds.length === 0 && duplicateSeqs.length === 0 && violations.length === 0,
    stream,
    subjects: info.config.subjects ?? [],
    messages: info.state.messages,
    firstSeq: info.state.first_seq,
    lastSeq: info.state.last_seq,
    storage: info.config.storage,
    denyDelete: info.config.deny_delete === true,
    denyPurge: info.config.deny_purge === true,
    allowRollup: info.config.allow_rollup_hdrs === true,
    duplicateWindowMs: Math.round(info.config.duplicate_window / 1e6),
    maxAgeMs: Math.round(info.config.max_age / 1e6),
    gapsChecked: checkGaps,
  };
}
