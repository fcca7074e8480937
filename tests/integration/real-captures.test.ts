/**
 * The market-data layer on the REAL recorded data, through the same inspector `desk data
 * inspect` uses: the book rebuilt from the diffs must match the venue's own bookTicker.
 *
 * Spot captures are bundled (data/). The USDⓈ-M captures and the FTX OHLCV live in
 * ../shared/data, which is not bundled: without it those tests are skipped locally (with the
 * reason printed), but under CI=true they run and fail if the data is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CaptureReport, inspectFiles, type InspectReport, type OhlcvReport } from '../../adapters/capture/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPOT = join(ROOT, 'data/binance-spot-20240808');
const SHARED = join(ROOT, '../shared/data');
const skipShared = !existsSync(SHARED) && process.env['CI'] !== 'true';
const sharedNote = skipShared ? ` — SKIPPED: ${SHARED} is absent (not bundled; set CI=true to require it)` : '';
if (skipShared) {
  // eslint-disable-next-line no-console -- the skip reason must be visible in the test output
  console.warn(`real-captures: skipping the ../shared/data tests: ${SHARED} not found and CI is not 'true'`);
}

function capture(r: InspectReport): CaptureReport {
  if (r.type !== 'capture') throw new Error(`expected a capture report, got ${r.type}`);
  return r;
}

function ohlcv(r: InspectReport): OhlcvReport {
  if (r.type !== 'ohlcv') throw new Error(`expected an OHLCV report, got ${r.type}`);
  return r;
}

describe('Binance spot captures (bundled): both files are one gap-free stream', () => {
  it.each(['btcusdt', 'ethusdt'])('%s: 0 gaps, 0 crossed books, >1000 ticker checks, 0 mismatches', async (sym) => {
    const r = capture(await inspectFiles([join(SPOT, `${sym}_20240808.gz`), join(SPOT, `${sym}_20240809.gz`)]));
    expect(r).toMatchObject({ venue: 'binance', symbol: sym.toUpperCase(), gaps: 0, crossed: 0, tickerMismatches: 0, resyncs: 0, synced: true });
    expect(r.mismatchSamples).toEqual([]);
    expect(r.tickerChecks).toBeGreaterThan(1000);
    expect(r.counts.snapshot).toBe(1);
    expect(r.counts.unknown).toBe(0);
    // Every diff is accounted for: applied after the snapshot or dropped as already in it.
    expect(r.appliedDiffs + r.droppedDiffs).toBe(r.counts.depth);
    expect(r.appliedDiffs).toBeGreaterThan(6000);
    // 2024-08-08 23:54 → 2024-08-09 00:05 UTC: the stream crosses midnight.
    expect(new Date(r.firstTs ?? 0).toISOString()).toMatch(/^2024-08-08T23:54:1/);
    expect(new Date(r.lastTs ?? 0).toISOString()).toMatch(/^2024-08-09T00:05:0/);
  });

  it('the second file alone cannot be synced: it has no snapshot', async () => {
    const r = capture(await inspectFiles([join(SPOT, 'btcusdt_20240809.gz')]));
    expect(r).toMatchObject({ synced: false, appliedDiffs: 0, tickerChecks: 0, gaps: 0 });
  });
});

describe(`Binance USDⓈ-M captures (../shared)${sharedNote}`, () => {
  it.skipIf(skipShared).each(['btcusdt', 'ethusdt'])('%s: 0 gaps under the pu rule, 0 crossed, 0 ticker mismatches', async (sym) => {
    const r = capture(await inspectFiles([join(SHARED, 'binance-usdm-20240808', `${sym}_20240808.gz`)]));
    expect(r).toMatchObject({ venue: 'binanceusdm', symbol: sym.toUpperCase(), gaps: 0, crossed: 0, tickerMismatches: 0, synced: true });
    expect(r.tickerChecks).toBeGreaterThan(500);
    expect(r.appliedDiffs + r.droppedDiffs).toBe(r.counts.depth);
  });
});

describe(`FTX BTC-PERP 1-minute OHLCV (../shared)${sharedNote}`, () => {
  it.skipIf(skipShared)('45,031 rows, 1-minute interval, 0 gaps, 0 bad rows', async () => {
    const r = ohlcv(await inspectFiles([join(SHARED, 'ftx-btcperp-1m-2022/ftx_btc-perp_1m_20211231-20220201.csv')]));
    expect(r).toMatchObject({
      format: 'csv', rows: 45_031, badRows: 0, intervalMs: 60_000, gaps: 0, missingBars: 0, irregularSteps: 0,
      firstTs: Date.UTC(2021, 11, 31, 23, 1), lastTs: Date.UTC(2022, 1, 1, 5, 31),
    });
  });
});
