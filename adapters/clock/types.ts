/** The clock port lives in the core (`domain/ports/clock.ts`) so machines and actors can name it without importing adapters. */
export type { CancelTimer, Clock } from '../../domain/ports/clock.ts';
