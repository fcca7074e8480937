/** Execution: the adapter port, the paper (simulated) venue, and their errors. */
export type {
  Balance,
  CancelOutcome,
  CancelReject,
  ExecutionAdapter,
  ExecutionUpdate,
  OpenOrder,
  OpenOrderStatus,
  OrderAck,
  OrderCancelled,
  OrderFill,
  OrderIntent,
  OrderReject,
  PlaceOutcome,
  PlaceRejectReason,
} from './types.ts';
export * from './errors.ts';
export { PaperExecutionAdapter } from './paper.ts';
export type { PaperExecutionOptions, PaperMarketEvent } from './paper.ts';
