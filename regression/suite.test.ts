/** The suite file's validation: every problem at once, each named by its field path. */
import { describe, expect, it } from 'vitest';
import { SuiteError } from './errors.ts';
import { validateSuite } from './suite.ts';

const window = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'w1',
  data: { files: ['a.csv'], format: 'ohlcv-csv', start: '2022-01-15T00:00:00Z', end: '2022-01-16' },
  strategy: 'epp',
  config: 'c.yaml',
  invariants: ['no_order_inside_book'],
  ...over,
});

function problems(doc: unknown): string[] {
  try {
    validateSuite(doc, 'suite.yaml');
  } catch (e) {
    if (e instanceof SuiteError) return [...e.problems];
    throw e;
  }
  return [];
}

describe('validateSuite', () => {
  it('reads a valid window: times, defaults, baseline, implied invariants', () => {
    const s = validateSuite({ version: 1, windows: [window({ variant: 'no_trade', hard_stop: 'daily_loss', invariants: ['intent_expiry'], baseline: { net_pnl: { expected: '-1.5', abs: '0.5' }, fills: { expected: 3 } } })] }, 'suite.yaml');
    const w = s.windows[0];
    expect(s.name).toBe('regression');
    expect(w?.data.start).toBe(Date.parse('2022-01-15T00:00:00Z'));
    expect(w?.data.end).toBe(Date.parse('2022-01-16T00:00:00Z'));
    expect(w?.invariants).toEqual(['intent_expiry', 'hard_stop', 'zero_orders']);
    expect(w?.baseline.map((b) => [b.name, b.entry.expected.toFixed(), b.entry.abs.toFixed(), b.entry.rel.toFixed()])).toEqual([
      ['net_pnl', '-1.5', '0.5', '0'],
      ['fills', '3', '0', '0'],
    ]);
  });

  it('reports every problem with its field path', () => {
    const p = problems({
      version: 2,
      extra: true,
      windows: [
        window({ data: { files: [], start: 'yesterday' }, invariants: ['no_order_inside_book', 'fast'] }),
        window({ id: 'w1', strategy: 'ma-cross', invariants: ['intent_expiry'], baseline: { pnl: { expected: '1' }, fills: { expected: 'many' } } }),
        window({ id: 'Bad Id', hard_stop: 'margin', invariants: ['hard_stop'] }),
      ],
    });
    expect(p).toEqual([
      'extra: unknown field (expected one of version, name, windows)',
      'version: expected 1 (the suite format\'s version), got 2',
      'windows[0].data.files: expected a non-empty list of data file paths, got []',
      'windows[0].data.start: expected an ISO time (2022-01-21T12:00:00Z; no zone = UTC) or epoch milliseconds, got "yesterday"',
      'windows[0].invariants[1]: unknown invariant "fast" (expected one of no_order_inside_book, risk_denials_deterministic, intent_expiry, hard_stop, zero_orders)',
      'windows[1].id: expected a unique window id, got "w1" (also windows[0].id)',
      'windows[1].invariants: intent_expiry reads the EPP controller (its regimes\' refresh_s, its HARD_STOP latch); strategy ma-cross cannot be checked for it',
      expect.stringMatching(/^windows\[1\]\.baseline\.pnl: unknown metric/),
      'windows[1].baseline.fills.expected: expected a decimal number (e.g. "12.5"), got "many"',
      'windows[2].id: expected lowercase letters, digits, - and _ (it names the window\'s output folder), got "Bad Id"',
      'windows[2].hard_stop: expected one of daily_loss, drawdown, got "margin"',
      'windows[2].hard_stop: required by the hard_stop invariant (one of daily_loss, drawdown)',
    ]);
  });

  it('a missing field, an end before the start, a negative tolerance', () => {
    const w = window({ baseline: { fees: { expected: '1', rel: '-0.1' } } });
    delete w['config'];
    w['data'] = { files: ['a.csv'], start: '2022-01-16', end: '2022-01-15' };
    expect(problems({ version: 1, windows: [w] })).toEqual([
      'windows[0].data.end: expected a time after start (2022-01-16T00:00:00.000Z), got 2022-01-15T00:00:00.000Z',
      'windows[0].config: required',
      'windows[0].baseline.fees.rel: expected a value ≥ 0, got "-0.1"',
    ]);
  });

  it('no windows; not a mapping', () => {
    expect(problems({ version: 1, windows: [] })).toEqual(['windows: expected a non-empty list of windows, got []']);
    expect(problems('text')).toEqual(['expected a mapping with version, name, windows; got "text"']);
  });
});
