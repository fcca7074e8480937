/** Event store adapters: the append-only JSONL writer, the integrity verifier, and their errors. */
export * from './errors.ts';
export * from './envelope-schema.ts';
export * from './jsonl-writer.ts';
export * from './verify.ts';
export * from './recover.ts';
