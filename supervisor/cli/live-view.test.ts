import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BotView, DeskView } from '../../actors/desk-view.ts';
import { createLiveView, renderDeskView } from './live-view.ts';

const START = Date.UTC(2024, 0, 1, 0, 0, 0);
const END = START + 4 * 3_600_000;

const warming: BotView = {
  botId: 'btc-paper', symbol: 'BTCUSDT', state: 'WarmingUp', regime: null, spreadBps: null, levels: 0,
  basePct: null, equity: '10000.00', pnl: '0.00', fills: 0, openOrders: 0, reasons: [],
};
const stopped: BotView = {
  botId: 'eth', symbol: 'ETHUSDT', state: 'HardStopped', regime: 'high_vol_shock', spreadBps: '12.5', levels: 3,
  basePct: '48.2', equity: '987.65', pnl: '-12.35', fills: 42, openOrders: 0, reasons: ['max_drawdown', 'stale_book'],
};

const view = (over: Partial<DeskView['progress']> = {}): DeskView => ({
  bots: [warming, stopped],
  progress: { nowMs: START + 3_600_000 + 1_234, startMs: START, endMs: END, messages: 1200, totalMessages: 4800, speed: '20', ...over },
});

const hasEscape = (s: string): boolean => s.includes('\x1b[');
/** Removes the colour escapes the view uses. */
const stripSgr = (s: string): string => ['\x1b[31m', '\x1b[32m', '\x1b[33m', '\x1b[2m', '\x1b[0m'].reduce((t, e) => t.split(e).join(''), s);

/** Column of the last character of `value` in `line` (for right-alignment checks). */
const endOf = (line: string, value: string): number => {
  const i = line.indexOf(value);
  expect(i, `${value} in ${line}`).toBeGreaterThanOrEqual(0);
  return i + value.length;
};

describe('renderDeskView', () => {
  const text = renderDeskView(view(), { color: false });
  const [progress = '', header = '', row1 = '', row2 = ''] = text.split('\n');

  it('has a progress line, a header and one row per bot', () => {
    expect(text.split('\n')).toHaveLength(4);
    expect(progress).toBe('2024-01-01T01:00:01Z  [#####...............]  25.0%  msgs 1200/4800  speed 20x');
    expect(header).toMatch(/^bot\s+symbol\s+state\s+regime\s+spread bps\s+levels\s+base %\s+equity\s+pnl\s+fills\s+open\s+reasons$/);
  });

  it('shows every value, a dash for nulls and the reasons joined by commas', () => {
    expect(row1.split(/\s+/)).toEqual(['btc-paper', 'BTCUSDT', 'WarmingUp', '—', '—', '0', '—', '10000.00', '0.00', '0', '0']);
    expect(row2.split(/\s+/)).toEqual(['eth', 'ETHUSDT', 'HardStopped', 'high_vol_shock', '12.5', '3', '48.2', '987.65', '-12.35', '42', '0', 'max_drawdown,stale_book']);
  });

  it('right-aligns the numeric columns under their headers', () => {
    expect(endOf(row2, '987.65')).toBe(endOf(header, 'equity'));
    expect(endOf(row1, '10000.00')).toBe(endOf(header, 'equity'));
    expect(endOf(row2, '-12.35')).toBe(endOf(header, 'pnl'));
    expect(endOf(row2, '12.5 ')).toBe(endOf(header, 'spread bps') + 1);
    expect(endOf(row2, '48.2')).toBe(endOf(header, 'base %'));
    expect(endOf(row2, ' 42')).toBe(endOf(header, 'fills'));
    // Left-aligned text columns start under their headers.
    expect(row2.indexOf('HardStopped')).toBe(header.indexOf('state'));
    expect(row1.indexOf('WarmingUp')).toBe(header.indexOf('state'));
  });

  it('no trailing blanks', () => {
    for (const l of text.split('\n')) expect(l).toBe(l.trimEnd());
  });

  it('clamps the progress and labels speed max', () => {
    expect(renderDeskView(view({ nowMs: END + 1, speed: 'max' }), {}).split('\n')[0]).toBe(
      '2024-01-01T04:00:00Z  [####################]  100.0%  msgs 1200/4800  speed max',
    );
    expect(renderDeskView(view({ nowMs: START - 1 }), {}).split('\n')[0]).toContain('[....................]  0.0%');
  });

  it('has no ANSI escapes without colour, and colours states with it', () => {
    expect(hasEscape(text)).toBe(false);
    expect(hasEscape(renderDeskView(view(), {}))).toBe(false);
    const coloured = renderDeskView(view(), { color: true });
    expect(coloured).toContain('\x1b[31mHardStopped');
    expect(coloured).toContain('\x1b[2mWarmingUp');
    const running = renderDeskView({ ...view(), bots: [{ ...stopped, state: 'Running' }, { ...stopped, state: 'SoftPaused' }] }, { color: true });
    expect(running).toContain('\x1b[32mRunning');
    expect(running).toContain('\x1b[33mSoftPaused');
    // Stripped of escapes, the coloured frame is the plain one.
    expect(stripSgr(coloured)).toBe(text);
  });

  it('truncates every line to the width', () => {
    for (const width of [1, 30, 60]) {
      const lines = renderDeskView(view(), { width, color: false }).split('\n');
      expect(lines).toHaveLength(4);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
      expect(lines[2]?.endsWith('…')).toBe(true);
    }
    expect(renderDeskView(view(), { width: 30 }).split('\n')[2]).toBe('btc-paper  BTCUSDT  WarmingUp…');
    // Wide enough: unchanged.
    expect(renderDeskView(view(), { width: 500, color: false })).toBe(text);
  });

  it('truncates by visible width when coloured', () => {
    const width = 35;
    const lines = renderDeskView(view(), { width, color: true }).split('\n');
    for (const l of lines) expect(stripSgr(l).length).toBeLessThanOrEqual(width);
    expect(lines[3]).toContain('\x1b[31mHardStopped\x1b[0m');
  });
});

interface FakeStream {
  readonly writes: string[];
  readonly stream: { write(s: string): boolean; isTTY?: boolean; columns?: number };
}

function fakeStream(isTTY: boolean, columns?: number): FakeStream {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (s: string) => (writes.push(s), true) } };
}

describe('createLiveView', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on a TTY redraws in place every intervalMs, moving up over the previous frame', () => {
    const { writes, stream } = fakeStream(true, 200);
    let bots: readonly BotView[] = [warming, stopped];
    const live = createLiveView({ stream, intervalMs: 100, color: false, getView: () => ({ ...view(), bots }) });
    live.start();
    expect(writes).toHaveLength(1);
    expect(writes[0]?.startsWith('\r\x1b[2K2024-01-01T01:00:01Z')).toBe(true); // nothing above to move over yet
    expect(writes[0]).toContain('\r\x1b[2Kbtc-paper');

    vi.advanceTimersByTime(350);
    expect(writes).toHaveLength(4);
    for (const w of writes.slice(1)) expect(w.startsWith('\x1b[4A')).toBe(true);

    bots = [stopped]; // the frame shrinks: the next one still moves up over the 4 lines drawn last
    vi.advanceTimersByTime(100);
    expect(writes[4]?.startsWith('\x1b[4A')).toBe(true);
    expect(writes[4]?.endsWith('\x1b[J')).toBe(true);
    vi.advanceTimersByTime(100);
    expect(writes[5]?.startsWith('\x1b[3A')).toBe(true);
    live.stop();
  });

  it('truncates TTY frames to the terminal width', () => {
    const { writes, stream } = fakeStream(true, 40);
    const live = createLiveView({ stream, color: false, getView: () => view() });
    live.start();
    live.stop();
    const lines = (writes[0] ?? '').split('\n').map((l) => l.replace('\r\x1b[2K', ''));
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
  });

  it('stop() draws a final frame and clears the timer', () => {
    const { writes, stream } = fakeStream(true, 200);
    let messages = 1200;
    const live = createLiveView({ stream, getView: () => ({ ...view(), progress: { ...view().progress, messages } }) });
    live.start();
    expect(vi.getTimerCount()).toBe(1);
    messages = 4800;
    live.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(writes).toHaveLength(2);
    expect(writes[1]?.startsWith('\x1b[4A')).toBe(true);
    expect(writes[1]).toContain('msgs 4800/4800');
    vi.advanceTimersByTime(10_000);
    live.stop();
    live.render();
    expect(writes).toHaveLength(2);
  });

  it('on a non-TTY writes plain frames at most every 5 s and a final one on stop', () => {
    const { writes, stream } = fakeStream(false);
    const live = createLiveView({ stream, intervalMs: 100, color: true, getView: () => view() });
    live.start();
    expect(writes).toHaveLength(1);
    vi.advanceTimersByTime(4_999);
    live.render(); // too soon: throttled
    expect(writes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(writes).toHaveLength(2);
    vi.advanceTimersByTime(12_000);
    expect(writes).toHaveLength(4);
    live.stop();
    expect(writes).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
    for (const w of writes) {
      expect(hasEscape(w)).toBe(false);
      expect(w).toBe(`${renderDeskView(view(), { color: false })}\n`);
    }
  });

  it('unrefs its timer', () => {
    vi.useRealTimers();
    const { stream } = fakeStream(true, 200);
    const unref = vi.spyOn(globalThis, 'setInterval');
    const live = createLiveView({ stream, getView: () => view() });
    live.start();
    const handle = unref.mock.results[0]?.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);
    live.stop();
    unref.mockRestore();
  });
});
