/** Average-cost accounting ledger (strategy-epp §11). */
export {
  type Ledger,
  type LedgerInit,
  type LedgerFill,
  type FillResult,
  type LedgerSnapshot,
  COST_DP,
  ledgerInit,
  applyFill,
  accrueFunding,
  avgCost,
  snapshot,
  moveInventory,
} from './ledger.ts';
export { type PerpFigures, perpFigures, marginRatio, fundingPayment, fundingSettlements } from './perp.ts';
