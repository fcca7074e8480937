/** `loadMarketData`: read the files (files.ts), then validate and window them (market-data.ts). */
import type { DataRequest, MarketData } from '../types.ts';
import { readSources } from './files.ts';
import { buildMarketData } from './market-data.ts';

/**
 * Loads, validates and windows market data. Throws a `DataError` (listing every error finding)
 * for bad data and a `DataReadError` for a file that cannot be read.
 */
export async function loadMarketData(req: DataRequest): Promise<MarketData> {
  return buildMarketData(await readSources(req.files), req);
}
