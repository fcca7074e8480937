/** Reconciliation's I/O: venue reads over ccxt, credentials, the report writer, the ledger file. */
export { ccxtVenueReads } from './ccxt-venue-reads.ts';
export { isLoopbackUrl, type VenueCredentials } from './credentials.ts';
export { REPORT_RELATIVE_PATH, reportJson, writeReconReport } from './report.ts';
export { LedgerFileError, ledgerBook, readLedgerFile, type LedgerFile } from './ledger-file.ts';
