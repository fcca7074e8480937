/** RxJS streams over market data: replay on virtual time, book tops, trades, bars, staleness. */
export * from './replay.stream.ts';
export * from './capture-messages.ts';
export * from './book.stream.ts';
export * from './trades.stream.ts';
export * from './bars.stream.ts';
export * from './staleness.stream.ts';
