/**
 * Binance L2 captures (`<receive_ns> {json}` lines) → `book` and `trade` events in receive-time
 * order (the line prefix, the only clock every line carries; see domain/market/capture.ts).
 *
 * Book tops come from the existing book stream ({@link bookEvents}: Binance depth sequencing,
 * the rule picked from the first diff, 5 levels a side); `bookTicker` messages are not used
 * (the rebuilt book is the source of truth) and well-formed messages of other streams are
 * ignored. Several files of one symbol are put in time order (by first message) and run through
 * one sequencer, so a capture split at midnight stays one continuous book.
 *
 * Findings: a malformed line → `bad_row`; receive times going backwards → `unsorted`; files of
 * different symbols → `mixed_symbols`; a sequence gap → a `book_gap` warning (no tops until
 * the next snapshot re-syncs the book), and depth data without any top (no snapshot) too.
 * Pure: no I/O.
 */
import { Subject } from 'rxjs';
import { type CaptureMessage, parseCaptureLine, tradeOf } from '../../domain/market/capture.ts';
import { bookEvents } from '../../streams/book.stream.ts';
import type { DataFinding, MarketEvent } from '../types.ts';
import { error, warning } from './findings.ts';
import { type LinesInput, type LinesSeries, type Located as LocatedLine, locatedLines } from './jsonl-lines.ts';

export type CaptureInput = LinesInput;
export type CaptureSeries = LinesSeries;

type Located = LocatedLine<{ readonly msg: CaptureMessage }>;

/** Levels a side in each book top. */
export const BOOK_DEPTH = 5;

function parseFile(f: CaptureInput, findings: DataFinding[]): Located[] {
  return locatedLines(f, (text, line) => {
    const msg = parseCaptureLine(text);
    if (msg.kind !== 'error') return { msg };
    findings.push(error('bad_row', f.file, msg.reason, line));
    return null;
  });
}

function symbolsOf(msgs: readonly Located[]): Set<string> {
  const s = new Set<string>();
  for (const m of msgs) if (m.msg.kind === 'depth' || m.msg.kind === 'trade' || m.msg.kind === 'bookTicker') s.add(m.msg.symbol);
  return s;
}

/** One symbol for all files, or a `mixed_symbols` error naming each file's symbols. */
function commonSymbol(files: readonly { file: string; msgs: Located[] }[], findings: DataFinding[]): string | null {
  const per = files.map((f) => ({ file: f.file, symbols: [...symbolsOf(f.msgs)].sort() }));
  const all = new Set(per.flatMap((p) => p.symbols));
  if (all.size <= 1) return [...all][0] ?? null;
  const listing = per.map((p) => `${p.file}: ${p.symbols.join('+') || 'none'}`).join('; ');
  for (const p of per) if (p.symbols.length > 0) findings.push(error('mixed_symbols', p.file, `captures of different symbols cannot be one data set (${listing})`));
  return null;
}

/** Messages of all files in time order; a receive time before the previous one is `unsorted`. */
function concatenate(files: readonly { msgs: Located[] }[], findings: DataFinding[]): Located[] {
  const ordered = [...files].sort((a, b) => (a.msgs[0]?.msg.ts ?? Infinity) - (b.msgs[0]?.msg.ts ?? Infinity));
  const out: Located[] = [];
  let prev: Located | undefined;
  for (const f of ordered) {
    for (const m of f.msgs) {
      if (prev !== undefined && m.msg.ts < prev.msg.ts) {
        findings.push(error('unsorted', m.file, `receive time ${m.msg.ts} ms is before ${prev.file}:${prev.line}'s ${prev.msg.ts} ms`, m.line));
        continue;
      }
      out.push(m);
      prev = m;
    }
  }
  return out;
}

/** Book tops and trades of the captures, validated. */
export function captureSeries(inputs: readonly CaptureInput[]): CaptureSeries {
  const findings: DataFinding[] = [];
  const files = inputs.map((f) => ({ file: f.file, msgs: parseFile(f, findings) }));
  const symbol = commonSymbol(files, findings);
  if (findings.some((f) => f.code === 'mixed_symbols')) return { events: [], symbol: null, findings };
  const msgs = concatenate(files, findings);

  const events: MarketEvent[] = [];
  let current: Located | undefined;
  let depthMsgs = 0;
  let tops = 0;
  const book$ = new Subject<CaptureMessage>();
  // Synchronous: each next() emits the message's book events before it returns.
  const sub = book$.pipe(bookEvents({ depth: BOOK_DEPTH })).subscribe((e) => {
    if (e.type === 'book.top') {
      tops++;
      events.push({ kind: 'book', ts: e.top.ts, top: e.top });
    } else if (current !== undefined) {
      findings.push(warning('book_gap', current.file, `depth sequence gap after update id ${e.lastUpdateId ?? 'none'}: no book tops until the next snapshot re-syncs the book`, current.line));
    }
  });
  for (const m of msgs) {
    current = m;
    if (m.msg.kind === 'depth') depthMsgs++;
    if (m.msg.kind === 'trade') events.push({ kind: 'trade', ts: m.msg.ts, trade: tradeOf(m.msg) });
    book$.next(m.msg);
  }
  sub.unsubscribe();
  if (depthMsgs > 0 && tops === 0) {
    findings.push(warning('book_gap', inputs[0]?.file ?? '', `${depthMsgs} depth update(s) but the book never synced (no depth snapshot to start from): no book tops`));
  }
  // A snapshot seen before the first diff is applied when that diff arrives, with its own
  // (earlier) receive time: a stable sort restores receive-time order without reordering ties.
  events.sort((a, b) => a.ts - b.ts);
  return { events, symbol, findings };
}
