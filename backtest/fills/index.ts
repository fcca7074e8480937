/** Fill simulators of the backtest harness: the paper model on L2, and the OHLCV estimates. */
export { type GridRejectReason, gridReject } from './grid.ts';
export { feeQuote } from './fee.ts';
export { type SpreadEstimate, halfSpread, spreadInit, spreadUpdate, syntheticQuotes, syntheticTop } from './synthetic-book.ts';
export { type OhlcvFillOptions, type OhlcvMode, createOhlcvFills } from './ohlcv-model.ts';
export { ohlcvLimitFills } from './ohlcv-limit.ts';
export { ohlcvConservativeFills } from './ohlcv-conservative.ts';
export { type PaperL2FillSimulator, paperL2Fills } from './paper-l2.ts';
