import { describe, expect, it } from 'vitest';
import { Decimal } from '../domain/money/decimal.ts';
import { canonicalJson } from './canonical-json.ts';
import type { BarRow } from './engine.ts';
import { barLine, buildSummary, type SummaryInput, summaryText } from './report.ts';

const d = (v: string): Decimal => new Decimal(v);

describe('canonicalJson', () => {
  it('sorts keys at every depth (integer-like keys too), writes Decimals as fixed strings, drops undefined', () => {
    const v = { b: 1, a: { '10': true, '9': null, z: [d('1e-9'), d('12345678901234567890.5')] }, u: undefined };
    expect(canonicalJson(v, 0)).toBe('{"a":{"10":true,"9":null,"z":["0.000000001","12345678901234567890.5"]},"b":1}');
    expect(canonicalJson({ b: [], a: {} })).toBe('{\n  "a": {},\n  "b": []\n}');
  });

  it('matches JSON.stringify’s 2-space layout for sorted input', () => {
    const v = { a: [1, { b: 'x', c: [true] }], d: 'é"' };
    expect(canonicalJson(v)).toBe(JSON.stringify(v, null, 2));
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/\$\.x is NaN/);
    expect(() => canonicalJson({ x: d('Infinity') })).toThrow(/non-finite/);
  });
});

describe('barLine', () => {
  it('is the canonical JSON of the row plus its ISO time', () => {
    const row: BarRow = {
      ts: Date.UTC(2022, 0, 21), mid: d('36000.5'), bid: d('36000'), ask: d('36001'), equity: d('1999.123456789'), base: d('0.0200'), quote: d('1000'),
      fills: 2, regime: 'high_vol_shock', openOrders: 3, placed: 1, cancelled: 1, rejected: 0,
    };
    expect(barLine(row)).toBe(canonicalJson({ ...row, iso: '2022-01-21T00:00:00.000Z' }, 0));
    expect(barLine({ ...row, regime: null })).toContain('"regime":null');
  });
});

describe('buildSummary', () => {
  const input: SummaryInput = {
    strategy: 'epp',
    config: { b: d('0.5'), a: 1 },
    meta: { format: 'ohlcv-csv', files: ['data/x.csv'], contentHash: 'sha256:abc', symbol: null, start: 0, end: 60_000, barIntervalMs: 60_000, events: 2, findings: [] },
    fillModel: 'ohlcv-limit',
    bias: 'optimistic_estimated',
    window: { start: null, end: null },
    metrics: { netPnl: '1.5' },
    run: { decisions: 2, events: 2, fills: 0, intents: { places: 0, cancels: 0 }, rejects: {} },
  };

  it('same inputs ⇒ same bytes; the run id follows strategy, config, data, fill model and window', () => {
    const a = summaryText(buildSummary(input));
    expect(summaryText(buildSummary({ ...input, config: { a: 1, b: d('0.50') } }))).toBe(a); // key order and trailing zeros do not matter
    expect(a.endsWith('}\n')).toBe(true);
    const id = (i: SummaryInput): unknown => buildSummary(i)['runId'];
    expect(id(input)).toMatch(/^[0-9a-f]{64}$/);
    expect(id({ ...input, window: { start: 0, end: null } })).not.toBe(id(input));
    expect(id({ ...input, config: { a: 2, b: d('0.5') } })).not.toBe(id(input));
    expect(id({ ...input, fillModel: 'ohlcv-conservative' })).not.toBe(id(input));
    expect(id({ ...input, meta: { ...input.meta, contentHash: 'sha256:def' } })).not.toBe(id(input));
    // The metrics are the run's output, not its identity.
    expect(id({ ...input, metrics: { netPnl: '2' } })).toBe(id(input));
  });

  it('labels the fill model bias and carries the data meta as given', () => {
    const s = buildSummary(input);
    expect(s).toMatchObject({ schemaVersion: 1, strategy: 'epp', dataHash: 'sha256:abc', fillModel: 'ohlcv-limit', fill_model_bias: 'optimistic_estimated', data: { files: ['data/x.csv'], intervalMs: 60_000, events: 2, findings: [] } });
    expect(s['configHash']).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
