/** The backtest data layer: load, validate and window market data; fetch OHLCV through ccxt with a pinned cache. */
export { loadMarketData } from './load.ts';
export { buildMarketData, resolveFormat, type Source } from './market-data.ts';
export { detectFormat, EXPECTED_FORMATS } from './detect.ts';
export { windowEvents } from './window.ts';
export { contentHash } from './content-hash.ts';
export { isGapFinding, type GapFinding } from './findings.ts';
export { DataError, DataReadError, CacheIntegrityError } from './errors.ts';
export { fetchOhlcvCached, cachePath, type OhlcvExchange, type FetchOhlcvRequest, type FetchOhlcvResult } from './ohlcv-fetch-cache.ts';
