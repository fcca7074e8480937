/** Actors: run machines and perform the effects they name. */
export { supervise } from './supervise.ts';
export type { EscalateEffect, SuperviseOptions, Supervision } from './supervise.ts';
