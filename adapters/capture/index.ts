/** Capture and OHLCV file adapters: line reading, replay inspection, and their errors. */
export * from './errors.ts';
export * from './read-lines.ts';
export * from './capture-inspector.ts';
export * from './inspect.ts';
