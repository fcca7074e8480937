/** The bus: its port, the desk's subjects, the in-process and NATS implementations, and their errors. */
export type {
  Bus,
  BusHandler,
  BusHeaders,
  BusMsg,
  JsonArray,
  JsonObject,
  JsonValue,
  RequestOptions,
  Subscription,
} from './types.ts';
export * from './errors.ts';
export * from './subjects.ts';
export { InProcessBus } from './in-process.ts';
export type { InProcessBusOptions } from './in-process.ts';
export { NatsBus, contextFromHeaders } from './nats.ts';
export type { NatsBusOptions } from './nats.ts';
