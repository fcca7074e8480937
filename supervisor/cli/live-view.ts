/**
 * The live terminal view of `desk up`: a progress line (virtual time, % done, messages, speed,
 * bar) above a compact one-row-per-bot table, built from the actors' `DeskView`.
 *
 * `renderDeskView` is pure (view in, text out) so it is tested without a terminal.
 * `createLiveView` drives it: on a TTY it redraws in place every `intervalMs` (cursor-up +
 * clear-line, nothing hidden); on anything else (pipes, CI logs) it writes a plain frame at most
 * every 5 s and a final one on stop, so captured output stays readable.
 */
import type { BotView, DeskView, ProgressView } from '../../actors/desk-view.ts';

const ESC = '\x1b[';
const RESET = `${ESC}0m`;
const STATE_COLOR: Readonly<Record<string, string>> = {
  Running: `${ESC}32m`,
  SoftPaused: `${ESC}33m`,
  HardStopped: `${ESC}31m`,
};
const DIM = `${ESC}2m`;
const NONE = '—';
const GAP = '  ';
const BAR_WIDTH = 20;
/** A non-TTY stream gets a frame at most this often. */
const PLAIN_INTERVAL_MS = 5_000;
const DEFAULT_INTERVAL_MS = 250;

/** A run of text and its (optional) ANSI colour; lines are built from these so width is counted without escapes. */
interface Segment {
  readonly text: string;
  readonly color?: string;
}
type Line = readonly Segment[];

interface Column {
  readonly title: string;
  readonly align: 'left' | 'right';
  readonly cell: (b: BotView) => string;
}

const orNone = (s: string | null): string => s ?? NONE;

const COLUMNS: readonly Column[] = [
  { title: 'bot', align: 'left', cell: (b) => b.botId },
  { title: 'symbol', align: 'left', cell: (b) => b.symbol },
  { title: 'state', align: 'left', cell: (b) => b.state },
  { title: 'regime', align: 'left', cell: (b) => orNone(b.regime) },
  { title: 'spread bps', align: 'right', cell: (b) => orNone(b.spreadBps) },
  { title: 'levels', align: 'right', cell: (b) => String(b.levels) },
  { title: 'base %', align: 'right', cell: (b) => orNone(b.basePct) },
  { title: 'equity', align: 'right', cell: (b) => b.equity },
  { title: 'pnl', align: 'right', cell: (b) => b.pnl },
  { title: 'fills', align: 'right', cell: (b) => String(b.fills) },
  { title: 'open', align: 'right', cell: (b) => String(b.openOrders) },
  { title: 'reasons', align: 'left', cell: (b) => b.reasons.join(',') },
];
const STATE_COLUMN = COLUMNS.findIndex((c) => c.title === 'state');

/** ISO-8601 UTC at seconds precision (`2024-01-01T00:00:00Z`), `-` for a time that is not one. */
function isoSeconds(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

/** Fraction of [startMs, endMs] behind `nowMs`, clamped to [0, 1]; an empty range counts as done once reached. */
function doneFraction(p: ProgressView): number {
  const span = p.endMs - p.startMs;
  if (!(span > 0)) return p.nowMs >= p.endMs ? 1 : 0;
  return Math.min(1, Math.max(0, (p.nowMs - p.startMs) / span));
}

function progressBar(fraction: number): string {
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

/** `max` stays `max`; a bare factor gets its `x` (`20` → `20x`). */
function speedLabel(speed: string): string {
  return /^\d+(\.\d+)?$/.test(speed) ? `${speed}x` : speed;
}

function progressLine(p: ProgressView): string {
  const f = doneFraction(p);
  return [
    isoSeconds(p.nowMs),
    progressBar(f),
    `${(f * 100).toFixed(1)}%`,
    `msgs ${p.messages}/${p.totalMessages}`,
    `speed ${speedLabel(p.speed)}`,
  ].join(GAP);
}

const pad = (s: string, width: number, align: Column['align']): string => (align === 'right' ? s.padStart(width) : s.padEnd(width));

function stateColor(state: string): string {
  return STATE_COLOR[state] ?? DIM;
}

/** Header and bot rows, every column padded to its widest cell (the last one is left ragged). */
function tableLines(bots: readonly BotView[], color: boolean): Line[] {
  const cells = bots.map((b) => COLUMNS.map((c) => c.cell(b)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => (row[i] ?? '').length)));
  const toLine = (row: readonly string[], colorOf: (i: number) => string | undefined): Line =>
    row.flatMap((text, i) => {
      const col = COLUMNS[i];
      const last = i === COLUMNS.length - 1;
      const padded = col === undefined || last ? text : pad(text, widths[i] ?? 0, col.align);
      const c = colorOf(i);
      const cell: Segment = c === undefined ? { text: padded } : { text: padded, color: c };
      return i === 0 ? [cell] : [{ text: GAP }, cell];
    });
  const header = toLine(COLUMNS.map((c) => c.title), () => undefined);
  const rows = cells.map((row, r) =>
    toLine(row, (i) => (color && i === STATE_COLUMN ? stateColor(bots[r]?.state ?? '') : undefined)),
  );
  return [header, ...rows];
}

/** Drops trailing blanks (ragged last column, empty reasons). */
function trimEnd(line: Line): Line {
  const out = [...line];
  while (out.length > 0) {
    const last = out[out.length - 1] as Segment;
    const text = last.text.trimEnd();
    if (text.length > 0) {
      out[out.length - 1] = { ...last, text };
      break;
    }
    out.pop();
  }
  return out;
}

/** Cuts a line to `width` visible columns, marking the cut with `…`. */
function truncate(line: Line, width: number | undefined): Line {
  const total = line.reduce((n, s) => n + s.text.length, 0);
  if (width === undefined || total <= width) return line;
  const keep = Math.max(0, Math.floor(width) - 1);
  const out: Segment[] = [];
  let used = 0;
  for (const s of line) {
    if (used >= keep) break;
    const text = s.text.slice(0, keep - used);
    out.push({ ...s, text });
    used += text.length;
  }
  if (width >= 1) out.push({ text: '…' });
  return out;
}

function lineText(line: Line, color: boolean): string {
  return line.map((s) => (color && s.color !== undefined && s.text.length > 0 ? `${s.color}${s.text}${RESET}` : s.text)).join('');
}

/** The whole frame as text (no trailing newline). Colour only when `color` is true; no line longer than `width`. */
export function renderDeskView(view: DeskView, opts: { width?: number; color?: boolean }): string {
  const color = opts.color === true;
  const lines: Line[] = [[{ text: progressLine(view.progress) }], ...tableLines(view.bots, color)];
  return lines.map((l) => lineText(truncate(trimEnd(l), opts.width), color)).join('\n');
}

/** What the live view writes to: a process stream or anything shaped like one (tests). */
export type LiveViewStream = NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean; columns?: number };

export interface LiveViewOptions {
  readonly stream: LiveViewStream;
  /** TTY redraw period; default 250 ms. A non-TTY stream is written at most every 5 s regardless. */
  readonly intervalMs?: number;
  readonly getView: () => DeskView;
  /** ANSI colour on a TTY; default on unless `NO_COLOR` is set. Never on a non-TTY. */
  readonly color?: boolean;
}

export interface LiveView {
  /** Draws the first frame and starts the timer (no-op when already started or stopped). */
  start(): void;
  /** Draws a frame now (a non-TTY stream is still limited to one frame per 5 s). */
  render(): void;
  /** Stops the timer and draws the final frame; later calls do nothing. */
  stop(): void;
}

/** Escapes that take the cursor back over the `lines` previously drawn. */
const cursorUp = (lines: number): string => (lines > 0 ? `${ESC}${lines}A` : '');

/** A TTY frame: back up over the previous one, rewrite each line after clearing it, clear anything left below. */
function ttyFrame(text: string, previousLines: number): { out: string; lines: number } {
  const lines = text.split('\n');
  const body = lines.map((l) => `\r${ESC}2K${l}\n`).join('');
  return { out: `${cursorUp(previousLines)}${body}${ESC}J`, lines: lines.length };
}

export function createLiveView(opts: LiveViewOptions): LiveView {
  const { stream, getView } = opts;
  const tty = stream.isTTY === true;
  const color = tty && (opts.color ?? process.env['NO_COLOR'] === undefined);
  const intervalMs = tty ? (opts.intervalMs ?? DEFAULT_INTERVAL_MS) : Math.max(opts.intervalMs ?? 0, PLAIN_INTERVAL_MS);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let drawnLines = 0;
  let lastPlainAt: number | undefined;

  const frame = (): string => {
    const columns = tty && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : undefined;
    return renderDeskView(getView(), columns === undefined ? { color } : { width: columns, color });
  };

  const draw = (force: boolean): void => {
    if (tty) {
      const f = ttyFrame(frame(), drawnLines);
      drawnLines = f.lines;
      stream.write(f.out);
      return;
    }
    const now = Date.now();
    if (!force && lastPlainAt !== undefined && now - lastPlainAt < PLAIN_INTERVAL_MS) return;
    lastPlainAt = now;
    stream.write(`${frame()}\n`);
  };

  const clearTimer = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  return {
    start() {
      if (stopped || timer !== undefined) return;
      draw(false);
      timer = setInterval(() => draw(false), intervalMs);
      timer.unref();
    },
    render() {
      if (!stopped) draw(false);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimer();
      draw(true);
    },
  };
}
