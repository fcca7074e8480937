import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DayCountersJson } from '../../domain/strategy/epp/day.ts';
import { DailyStateFileError, FileDailyStateStore } from './daily-state-file.ts';

const DAY = Date.UTC(2026, 10, 29);
const counters = (over: Partial<DayCountersJson> = {}): DayCountersJson => ({ dayStartMs: DAY, equityOpen: '1000', equityPeak: '1010', tradedNotionalQuote: '250.5', fillCount: 3, feesQuote: '0.1', fundingQuote: '0', ...over });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-daily-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileDailyStateStore', () => {
  it('restores the counters on the same UTC day only', async () => {
    const s = new FileDailyStateStore(join(dir, 'state'));
    expect(await s.get('btc-sim', DAY + 1000)).toBeNull();
    await s.put('btc-sim', counters());
    expect(await s.get('btc-sim', DAY + 23 * 3600_000)).toEqual(counters());
    expect(await s.get('btc-sim', DAY + 24 * 3600_000)).toBeNull(); // the next day starts fresh
    expect(await s.get('eth-sim', DAY + 1000)).toBeNull();
  });

  it('a later put replaces the record whole; no temp file is left behind', async () => {
    const s = new FileDailyStateStore(dir);
    await s.put('b1', counters());
    await s.put('b1', counters({ fillCount: 9, equityPeak: '1020' }));
    expect((await s.get('b1', DAY + 5))?.fillCount).toBe(9);
    expect(await readdir(dir)).toEqual(['daily-b1.json']);
  });

  it('a damaged file is an error naming it (never silently a fresh day); a bad bot id is refused', async () => {
    const s = new FileDailyStateStore(dir);
    await writeFile(join(dir, 'daily-b2.json'), '{"day": "2026-11-29"');
    await expect(s.get('b2', DAY)).rejects.toThrow(DailyStateFileError);
    await writeFile(join(dir, 'daily-b3.json'), '{"day": "2026-11-29", "savedAt": 1}');
    await expect(s.get('b3', DAY)).rejects.toThrow(/daily-b3\.json: not a daily record/);
    await expect(s.get('../etc', DAY)).rejects.toThrow(/botId/);
  });
});
