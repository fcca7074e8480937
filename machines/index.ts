/** XState machines: decide what happens next, name effects, perform no I/O. */
export { orderMachine } from './order.machine.ts';
export type { OrderCtx, OrderEffect, OrderEvent, OrderInput } from './order.machine.ts';
