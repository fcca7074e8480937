/** Events: the envelope contract and the per-producer sequence stamping. */
export * from './envelope.ts';
