import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type VerifyReport, verifyStore } from '../adapters/store/verify.ts';
import { loadConfigFile } from '../config/load.ts';
import type { DeskConfig } from '../config/schema/desk.ts';
import type { CaptureMessage } from '../domain/market/index.ts';
import { silentLogger } from '../otel/logger.ts';
import { Desk, mergeFeeds } from './desk.ts';
import type { DeskSummary } from './desk-view.ts';

/** A message carrying only what the merge looks at, plus a tag to follow it. */
const msg = (ts: number, tag: string): CaptureMessage => ({ ts, tag }) as unknown as CaptureMessage;
const tagOf = (m: CaptureMessage): string => (m as unknown as { tag: string }).tag;

describe('mergeFeeds', () => {
  it('orders by receive time; ties keep feed order, then file order', () => {
    const merged = mergeFeeds([
      { captureIndex: 0, messages: [msg(1, 'a1'), msg(3, 'a3'), msg(3, 'a3b'), msg(5, 'a5')] },
      { captureIndex: 1, messages: [msg(0, 'b0'), msg(3, 'b3'), msg(5, 'b5')] },
    ]);
    expect(merged.map((m) => tagOf(m.msg))).toEqual(['b0', 'a1', 'a3', 'a3b', 'b3', 'a5', 'b5']);
    expect(merged.map((m) => m.feed)).toEqual([1, 0, 0, 0, 1, 0, 1]);
    expect(mergeFeeds([])).toEqual([]);
  });

  it('property: a stable sort by ts of the feeds concatenated in order', () => {
    const feedArb = fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 30 }).map((ts) => [...ts].sort((a, b) => a - b));
    fc.assert(
      fc.property(fc.array(feedArb, { maxLength: 5 }), (tss) => {
        const feeds = tss.map((ts, f) => ({ captureIndex: f, messages: ts.map((t, i) => msg(t, `${f}:${i}`)) }));
        const merged = mergeFeeds(feeds);
        // Every message exactly once.
        expect(merged.length).toBe(tss.reduce((n, f) => n + f.length, 0));
        expect(new Set(merged.map((m) => tagOf(m.msg))).size).toBe(merged.length);
        for (let k = 1; k < merged.length; k++) {
          const a = merged[k - 1];
          const b = merged[k];
          if (a === undefined || b === undefined) throw new Error('unreachable');
          expect(a.msg.ts).toBeLessThanOrEqual(b.msg.ts);
          if (a.msg.ts === b.msg.ts) {
            const [af, ai] = tagOf(a.msg).split(':').map(Number) as [number, number];
            const [bf, bi] = tagOf(b.msg).split(':').map(Number) as [number, number];
            expect(af < bf || (af === bf && ai < bi)).toBe(true);
          }
          expect(tagOf(b.msg).startsWith(`${b.feed}:`)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: file order is kept within a feed even when its times are not sorted', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 }), (ts) => {
        const merged = mergeFeeds([{ captureIndex: 0, messages: ts.map((t, i) => msg(t, `0:${i}`)) }]);
        const expected = ts.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map(({ i }) => `0:${i}`);
        expect(merged.map((m) => tagOf(m.msg))).toEqual(expected);
      }),
    );
  });
});

describe('Desk on the bundled capture', () => {
  let config: DeskConfig;
  let short: DeskConfig;
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const d = await mkdtemp(join(tmpdir(), 'desk-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    const r = await loadConfigFile(join(import.meta.dirname, '..', 'config', 'desk.default.yaml'));
    if (!r.ok) throw new Error(JSON.stringify(r.violations));
    config = r.config;
    const md = config.marketData;
    if (md === undefined) throw new Error('no market_data');
    // 120 s of replay needs only the first file of each capture (23:54:13 → midnight): less to load.
    short = { ...config, marketData: { ...md, captures: md.captures.map((c) => ({ ...c, files: c.files.slice(0, 1) })) } };
  });
  afterAll(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  describe('--duration 120 at max speed', () => {
    let summary: DeskSummary;
    let report: VerifyReport;
    let loaded = 0;
    beforeAll(async () => {
      const varDir = await tempDir();
      const desk = new Desk({ config: short, configName: 'desk.default.yaml', speed: 'max', durationS: 120, varDir, logger: silentLogger(), onLoaded: (m) => (loaded = m) });
      summary = await desk.run();
      report = await verifyStore(join(varDir, 'events'));
    });

    it('runs both bots to the duration and stops them cleanly', () => {
      expect(summary.endedBy).toBe('duration');
      expect(summary.messages).toBe(loaded);
      expect(summary.messages).toBeGreaterThan(0);
      expect(Date.parse(summary.dataEnd) - Date.parse(summary.dataStart)).toBeLessThanOrEqual(120_000);
      expect(summary.bots.map((b) => b.botId)).toEqual(['btc-paper', 'eth-paper']);
      for (const b of summary.bots) {
        expect(b.finalState).toBe('Stopped');
        expect(b.ticks).toBeGreaterThan(100);
        expect(b.ordersPlaced).toBeGreaterThan(0); // warmed up (5-s bars, 12-bar ATR) within the two minutes
        expect(b.insideBookPlacements).toBe(0);
      }
    });

    it('writes a clean event store holding every event of the run', () => {
      expect(report.violations).toEqual([]);
      expect(report.gaps).toEqual([]);
      expect(report.tornLines).toEqual([]);
      expect(report.duplicateSeqs).toEqual([]);
      expect(report.clean).toBe(true);
      expect(report.validEvents).toBe(summary.events);
      expect(report.byType['desk.started']).toBe(1);
      expect(report.byType['desk.stopped']).toBe(1);
      expect(report.byType['bot.stopped']).toBe(2);
      expect(report.byType['order.created']).toBeGreaterThan(0);
    });

    // Regression (see bot-runtime.test.ts (d′)): every order is seen cancelled before the bot stops listening.
    it('leaves no open orders (openOrdersAtEnd 0 for every bot)', () => {
      for (const b of summary.bots) expect(b.openOrdersAtEnd).toBe(0);
    });
  });

  it('a SIGTERM requested just after start ends the run early; a second run continues the store', async () => {
    const varDir = await tempDir();
    const desk: Desk = new Desk({
      config: short, configName: 'desk.default.yaml', speed: 'max', durationS: 600, varDir, logger: silentLogger(),
      onLoaded: () => setImmediate(() => desk.requestStop('SIGTERM')),
    });
    const summary = await desk.run();
    expect(summary.endedBy).toBe('SIGTERM');
    expect(summary.messages).toBeGreaterThan(0);
    for (const b of summary.bots) {
      expect(b.finalState).toBe('Stopped');
      expect(b.openOrdersAtEnd).toBe(0);
    }
    expect(desk.view().bots.every((b) => b.openOrders === 0)).toBe(true);
    const report = await verifyStore(join(varDir, 'events'));
    expect(report.clean).toBe(true);
    expect(report.byType['desk.stopped']).toBe(1);

    // A second run on the same store continues every producer's seq: the store stays clean.
    const again = await new Desk({ config: short, configName: 'desk.default.yaml', speed: 'max', durationS: 10, varDir, logger: silentLogger() }).run();
    expect(again.endedBy).toBe('duration');
    const report2 = await verifyStore(join(varDir, 'events'));
    expect(report2.duplicateSeqs).toEqual([]);
    expect(report2.duplicateEventIds).toEqual([]);
    expect(report2.gaps).toEqual([]);
    expect(report2.clean).toBe(true);
    expect(report2.byType['desk.started']).toBe(2);
    expect(report2.validEvents).toBe(summary.events + again.events);
  });

  describe('SIGTERM while both bots have orders resting', () => {
    let summary: DeskSummary;
    let report: VerifyReport;
    let openAtStop: number[] = [];
    beforeAll(async () => {
      const varDir = await tempDir();
      let done = false;
      const desk: Desk = new Desk({
        config: short, configName: 'desk.default.yaml', speed: 'max', durationS: 600, varDir, logger: silentLogger(),
        onLoaded: () => {
          const poll = (): void => {
            if (done) return;
            const bots = desk.view().bots;
            if (bots.every((b) => b.openOrders > 1)) {
              openAtStop = bots.map((b) => b.openOrders);
              desk.requestStop('SIGTERM');
            } else setImmediate(poll);
          };
          setImmediate(poll);
        },
      });
      try {
        summary = await desk.run();
      } finally {
        done = true;
      }
      report = await verifyStore(join(varDir, 'events'));
    });

    it('ends by SIGTERM with a cancel-all per bot and a clean store', () => {
      expect(summary.endedBy).toBe('SIGTERM');
      expect(openAtStop.every((n) => n > 1)).toBe(true);
      for (const b of summary.bots) expect(b.finalState).toBe('Stopped');
      expect(report.clean).toBe(true);
      expect(report.byType['bot.stopped']).toBe(2);
      expect(report.byType['order.cancel_all']).toBeGreaterThanOrEqual(2);
    });

    it('every order is cancelled (openOrdersAtEnd 0)', () => {
      for (const b of summary.bots) expect(b.openOrdersAtEnd).toBe(0);
    });
  });
});
