/** Market data: value types, the L2 book and its sequencer, capture and OHLCV parsers, bars. */
export * from './types.ts';
export * from './bars.ts';
export * from './decimal-string.ts';
export * from './book.ts';
export * from './sequencer.ts';
export * from './capture.ts';
export * from './ohlcv.ts';
export * from './ohlcv-summary.ts';
