/**
 * JetStream adapters: the desk's streams (events, undeletable audit), the event sink with its
 * local spool, KV daily state and kill latches, and the stream integrity report.
 */
export * from './errors.ts';
export * from './streams.ts';
export * from './spool.ts';
export * from './event-publisher.ts';
export * from './kv.ts';
export * from './verify.ts';
export * from './recover.ts';
