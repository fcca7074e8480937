/** Reconciliation's I/O: venue reads over ccxt, the venue client, the report writer, the ledger file. */
export { ccxtVenueReads } from './ccxt-venue-reads.ts';
export { binanceSpotClient, isLoopbackUrl, type VenueCredentials } from './binance-client.ts';
export { REPORT_RELATIVE_PATH, reportJson, writeReconReport } from './report.ts';
export { LedgerFileError, ledgerBook, readLedgerFile, type LedgerFile } from './ledger-file.ts';
