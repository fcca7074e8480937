/** Orders: the status transition table and fill accounting. */
export * from './status.ts';
export * from './fill.ts';
