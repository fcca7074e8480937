/**
 * Reading the line-a-message data files (the event store's JSONL envelopes, the capture's
 * `<receive_ns> {json}` lines): blank lines skipped, a CRLF's `\r` dropped, each line's parse
 * kept with its file and 1-based line number so findings can name them. Pure: no I/O.
 */
import type { DataFinding, MarketEvent } from '../types.ts';

/** One input file: the name findings give it, and its text. */
export interface LinesInput {
  readonly file: string;
  readonly text: string;
}

/** The market events of line files, their one symbol (null when none or several), and the findings. */
export interface LinesSeries {
  readonly events: readonly MarketEvent[];
  readonly symbol: string | null;
  readonly findings: readonly DataFinding[];
}

/** A parsed line and where it stands. */
export type Located<T> = { readonly file: string; readonly line: number } & T;

/**
 * The non-blank lines of `f` through `parse` (given the text, the 1-based line number and whether
 * it is an unterminated last line — a torn append), each kept with its file and line number;
 * a line `parse` answers null for (having reported why) is left out.
 */
export function locatedLines<T extends object>(f: LinesInput, parse: (text: string, line: number, torn: boolean) => T | null): Located<T>[] {
  const out: Located<T>[] = [];
  const lines = f.text.split('\n');
  const terminated = f.text.endsWith('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as string).replace(/\r$/, '');
    if (text.trim() === '') continue;
    const v = parse(text, i + 1, i === lines.length - 1 && !terminated);
    if (v !== null) out.push({ file: f.file, line: i + 1, ...v });
  }
  return out;
}
