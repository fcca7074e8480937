import { describe, expect, it } from 'vitest';
import { CaptureInspector } from './capture-inspector.ts';
import { CaptureFormatError } from './errors.ts';

type Lvl = [string, string];
let ns = 1723161253937085768n;
/** A capture line with an increasing receive time (1 ms apart). */
const line = (o: unknown): string => `${(ns += 1_000_000n)} ${JSON.stringify(o)}`;
const depth = (U: number, u: number, b: Lvl[], a: Lvl[] = [], pu?: number, sym = 'btcusdt'): string =>
  line({ stream: `${sym}@depth@${pu === undefined ? 100 : 0}ms`, data: { e: 'depthUpdate', E: 1, s: sym.toUpperCase(), U, u, ...(pu === undefined ? {} : { pu }), b, a } });
const ticker = (u: number, b: string, B: string, a: string, A: string): string => line({ stream: 'btcusdt@bookTicker', data: { u, s: 'BTCUSDT', b, B, a, A } });
const snapshot = (lastUpdateId: number, bids: Lvl[], asks: Lvl[]): string => line({ lastUpdateId, bids, asks });
const trade = (sym = 'btcusdt'): string => line({ stream: `${sym}@trade`, data: { e: 'trade', E: 1, t: 7, p: '100.5', q: '0.1', T: 1, m: false } });

function run(lines: readonly string[], file = 'cap.txt'): CaptureInspector {
  const ins = new CaptureInspector();
  lines.forEach((l, i) => ins.push(l, file, i + 1));
  return ins;
}

describe('CaptureInspector', () => {
  it('reports nothing before any line', () => {
    expect(new CaptureInspector().summary()).toEqual({
      venue: null, symbol: null, firstTs: null, lastTs: null, counts: { depth: 0, trade: 0, bookTicker: 0, snapshot: 0, unknown: 0 },
      gaps: 0, crossed: 0, resyncs: 0, tickerChecks: 0, tickerMismatches: 0, appliedDiffs: 0, droppedDiffs: 0, synced: false, mismatchSamples: [],
    });
  });

  it('rebuilds the book and checks each ticker against it at exactly its update id', () => {
    const lines = [
      ticker(105, '100', '9', '101', '9'), // 1: held; the book never sits at 105 → discarded
      depth(90, 100, [['99', '1']]), // 2: buffered, then dropped (u <= L)
      snapshot(100, [['100', '1']], [['101', '2']]), // 3
      ticker(103, '100.00000000', '1.50000000', '101.0', '2'), // 4: held until the book reaches 103
      depth(101, 103, [['100', '1.5']]), // 5: → ticker 103 checked: match (spellings differ)
      depth(104, 106, [['100', '3']]), // 6: passes 105
      ticker(106, '100', '2.5', '101', '2'), // 7: book already at 106 → checked now: bid size differs
      ticker(50, '1', '1', '2', '1'), // 8: older than the book → ignored
      trade(), // 9
      line({ stream: 'btcusdt@aggTrade', data: {} }), // 10
      '', // 11: blank lines are skipped
    ];
    const s = run(lines).summary();
    expect(s).toMatchObject({
      venue: 'binance', symbol: 'BTCUSDT', counts: { depth: 3, trade: 1, bookTicker: 4, snapshot: 1, unknown: 1 },
      gaps: 0, crossed: 0, appliedDiffs: 2, droppedDiffs: 1, synced: true, tickerChecks: 2, tickerMismatches: 1,
    });
    expect(s.mismatchSamples).toEqual([
      { file: 'cap.txt', line: 7, u: 106, ticker: { bid: '100', bidSize: '2.5', ask: '101', askSize: '2' }, book: { bid: '100', bidSize: '3', ask: '101', askSize: '2' } },
    ]);
    expect((s.lastTs ?? 0) - (s.firstTs ?? 0)).toBe(9); // the blank line carries no time
  });

  it('a mismatch on an empty side is reported with the missing values', () => {
    const s = run([snapshot(10, [['100', '1']], [['101', '1']]), depth(11, 11, [], [['101', '0']]), ticker(11, '100', '1', '101', '1')]).summary();
    expect(s.tickerMismatches).toBe(1);
    expect(s.mismatchSamples[0]?.book).toEqual({ bid: '100', bidSize: '1', ask: undefined, askSize: undefined });
  });

  it('counts gaps and crossed books from the sequencer', () => {
    const s = run([
      snapshot(10, [['100', '1']], [['101', '1']]),
      depth(11, 12, [['101.5', '1']]), // crossed
      depth(14, 15, []), // gap
    ]).summary();
    expect(s).toMatchObject({ crossed: 1, gaps: 1, appliedDiffs: 1, synced: false });
  });

  it('USDⓈ-M: a snapshot seen before the first diff waits; the pu rule is chosen from the diffs', () => {
    const s = run([
      snapshot(100, [['100', '1']], [['101', '1']]),
      depth(95, 100, [['100', '2']], [], 90), // ends exactly at L: bridges under the USDⓈ-M rule
      depth(140, 150, [['100', '3']], [], 100),
    ]).summary();
    expect(s).toMatchObject({ venue: 'binanceusdm', gaps: 0, appliedDiffs: 2, droppedDiffs: 0, synced: true, counts: { snapshot: 1, depth: 2 } });
  });

  it('a malformed line throws a CaptureFormatError naming the file and line', () => {
    const ins = new CaptureInspector();
    ins.push(trade(), 'x.gz', 1);
    let caught: unknown;
    try {
      ins.push('1723161253937085768 {"stream":"btcusdt@trade","data":{"t":1}', 'x.gz', 2);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CaptureFormatError);
    expect(caught).toMatchObject({ file: 'x.gz', line: 2 });
    expect((caught as Error).message).toMatch(/^x\.gz:2: malformed JSON/);
  });

  it('a second symbol in one stream is refused', () => {
    const ins = run([trade('btcusdt')]);
    expect(() => ins.push(trade('ethusdt'), 'mix.txt', 2)).toThrow(/^mix\.txt:2: symbol ETHUSDT differs from BTCUSDT/);
  });
});
