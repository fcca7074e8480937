/** Fill parity by trade id: missing, phantom and duplicate fills, and disagreeing terms. */
import { byString, diffOf, str, withinRel } from './compare.ts';
import type { ReconThresholds } from './thresholds.ts';
import type { Finding, ReconFill } from './types.ts';

const describe = (f: ReconFill): string => `${str(f.amount)} @ ${str(f.price)} fee ${str(f.fee)} ${f.feeAsset}${f.clientOrderId === null ? '' : ` (${f.clientOrderId})`}`;

/** Findings sorted by trade id (then check). Fills before `sinceMs` are outside the window and ignored. */
export function checkFills(venue: readonly ReconFill[], local: readonly ReconFill[], sinceMs: number | undefined, t: ReconThresholds): Finding[] {
  const inWindow = (f: ReconFill): boolean => sinceMs === undefined || f.ts >= sinceMs;
  const v = new Map<string, ReconFill>();
  for (const f of venue) if (inWindow(f) && !v.has(f.tradeId)) v.set(f.tradeId, f); // a venue repeating a trade is one trade
  const l = new Map<string, ReconFill>();
  const dupes = new Map<string, number>();
  for (const f of local) {
    if (!inWindow(f)) continue;
    if (l.has(f.tradeId)) dupes.set(f.tradeId, (dupes.get(f.tradeId) ?? 1) + 1);
    else l.set(f.tradeId, f);
  }
  const out: Finding[] = [];
  for (const id of [...new Set([...v.keys(), ...l.keys()])].sort(byString)) {
    const vf = v.get(id);
    const lf = l.get(id);
    if (vf !== undefined && lf === undefined) {
      out.push({ check: 'fill.missing', severity: t.fill.missing, subject: id, venue: describe(vf), local: null, diff: str(vf.amount), threshold: 'any', message: `trade ${id}: at the venue, not in the bot's fills` });
    } else if (vf === undefined && lf !== undefined) {
      out.push({ check: 'fill.phantom', severity: t.fill.phantom, subject: id, venue: null, local: describe(lf), diff: lf.amount.negated().toFixed(), threshold: 'any', message: `trade ${id}: in the bot's fills, unknown to the venue` });
    } else if (vf !== undefined && lf !== undefined) {
      out.push(...compareFill(id, vf, lf, t));
    }
    const n = dupes.get(id);
    if (n !== undefined) {
      out.push({ check: 'fill.duplicate', severity: t.fill.duplicate, subject: id, venue: null, local: `${n} fills`, diff: String(n - 1), threshold: 'any', message: `trade ${id}: booked ${n} times by the bot` });
    }
  }
  return out;
}

function compareFill(id: string, vf: ReconFill, lf: ReconFill, t: ReconThresholds): Finding[] {
  const out: Finding[] = [];
  const rel = `rel > ${str(t.matchRel)}`;
  if (vf.clientOrderId !== null && lf.clientOrderId !== null && vf.clientOrderId !== lf.clientOrderId) {
    out.push({ check: 'fill.order_mismatch', severity: t.fill.terms, subject: id, venue: vf.clientOrderId, local: lf.clientOrderId, diff: null, threshold: 'any', message: `trade ${id}: venue order ${vf.clientOrderId}, bot booked it on ${lf.clientOrderId}` });
  }
  if (!withinRel(vf.price, lf.price, t.matchRel)) {
    out.push({ check: 'fill.price_mismatch', severity: t.fill.terms, subject: id, venue: str(vf.price), local: str(lf.price), diff: diffOf(vf.price, lf.price), threshold: rel, message: `trade ${id}: venue price ${str(vf.price)}, bot ${str(lf.price)}` });
  }
  if (!withinRel(vf.amount, lf.amount, t.matchRel)) {
    out.push({ check: 'fill.amount_mismatch', severity: t.fill.terms, subject: id, venue: str(vf.amount), local: str(lf.amount), diff: diffOf(vf.amount, lf.amount), threshold: rel, message: `trade ${id}: venue amount ${str(vf.amount)}, bot ${str(lf.amount)}` });
  }
  if (vf.feeAsset !== lf.feeAsset || !withinRel(vf.fee, lf.fee, t.feeRel)) {
    out.push({
      check: 'fill.fee_mismatch', severity: t.fill.fee, subject: id, venue: `${str(vf.fee)} ${vf.feeAsset}`, local: `${str(lf.fee)} ${lf.feeAsset}`,
      diff: vf.feeAsset === lf.feeAsset ? diffOf(vf.fee, lf.fee) : null, threshold: vf.feeAsset === lf.feeAsset ? `rel > ${str(t.feeRel)}` : 'asset differs',
      message: `trade ${id}: venue fee ${str(vf.fee)} ${vf.feeAsset}, bot ${str(lf.fee)} ${lf.feeAsset}`,
    });
  }
  return out;
}
