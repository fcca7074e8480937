/** The shared data load gives what loadMarketData gives for the same windowed request. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMarketData } from '../backtest/data/load.ts';
import type { DataRequest } from '../backtest/types.ts';
import { cachedDataLoader } from './data-cache.ts';

const FTX = fileURLToPath(new URL('../data/ftx-btcperp-1m-2022/ftx_btc-perp_1m_20211231-20220201.csv', import.meta.url));

describe('cachedDataLoader', () => {
  it('a windowed view equals a windowed load; an empty window is the same error', async () => {
    const load = cachedDataLoader();
    const req: DataRequest = { files: [FTX], format: 'auto', start: Date.parse('2022-01-24T06:00:00Z'), end: Date.parse('2022-01-24T08:00:00Z') };
    const [cached, direct] = await Promise.all([load(req), loadMarketData(req)]);
    expect(cached.meta).toEqual(direct.meta);
    expect([...cached.events()]).toEqual([...direct.events()]);
    const empty = { ...req, start: Date.parse('2023-01-01T00:00:00Z'), end: undefined };
    const a = await load(empty).catch((e: unknown) => e);
    const b = await loadMarketData(empty).catch((e: unknown) => e);
    expect(String(a)).toBe(String(b));
    expect(String(a)).toContain('empty_window');
  });
});
