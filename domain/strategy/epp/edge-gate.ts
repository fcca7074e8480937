/**
 * The edge gate (strategy-epp §7): blocks (soft pause `edge_gate`) when
 * `netEdge < min_net_edge_bps/10000`; unblocks only when `netEdge ≥ edge_resume_bps/10000`
 * (hysteresis) and at least `edge_gate_hold_s` have passed since it blocked (hold). Falling
 * below the threshold again while blocked does not restart the hold: it counts from the block.
 */
import { type Decimal, cmp } from '../../money/decimal.ts';
import type { EppConfig } from './config.ts';
import { eppConsts } from './consts.ts';

export interface EdgeGateState {
  readonly blocked: boolean;
  /** When the gate last went from open to blocked (ms), or null while open. */
  readonly blockedAt: number | null;
}

export const EDGE_GATE_OPEN: EdgeGateState = { blocked: false, blockedAt: null };

/** Folds one net-edge reading taken at `now`. */
export function edgeGateUpdate(s: EdgeGateState, edge: Decimal, now: number, config: EppConfig): EdgeGateState {
  const k = eppConsts(config); // the bps thresholds as fractions, divided once per config
  if (!s.blocked) return cmp(edge, k.minNetEdge) < 0 ? { blocked: true, blockedAt: now } : s;
  const held = s.blockedAt === null || now - s.blockedAt >= config.edgeGateHoldS * 1000;
  return held && cmp(edge, k.edgeResume) >= 0 ? EDGE_GATE_OPEN : s;
}
