/** The invariants of the replay regression (docs/replay-regression.md#invariants). */
export type { InvariantCheck } from './types.ts';
export { noOrderInsideBook } from './no-order-inside-book.ts';
export { intentExpiry, type RefreshOf } from './intent-expiry.ts';
export { hardStop, type HardStopReason } from './hard-stop.ts';
export { zeroOrders } from './zero-orders.ts';
export { deterministic, type RunArtifacts } from './deterministic.ts';
