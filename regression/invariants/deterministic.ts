/**
 * `risk_denials_deterministic`: the window is run twice in the same process, and the two runs
 * must agree byte for byte — the decision log (every intent, every reject, every soft pause and
 * hard stop with its reason, in order), summary.json and bars.jsonl. The hashes of the log and
 * of its denial subsequence are reported, so a change shows which part moved.
 */
import { type DecisionLine, denialText, sha256Hex } from '../decision-log.ts';
import { type InvariantCheck, verdictOf } from './types.ts';

/** What one run leaves to compare. */
export interface RunArtifacts {
  readonly lines: readonly DecisionLine[];
  readonly log: string;
  readonly summary: string;
  readonly bars: string;
}

export function deterministic(a: RunArtifacts, b: RunArtifacts, paths: readonly string[]): InvariantCheck {
  const hashes = { decisions: [sha256Hex(a.log), sha256Hex(b.log)], denials: [sha256Hex(denialText(a.lines)), sha256Hex(denialText(b.lines))] };
  const same = { decisions: a.log === b.log, denials: hashes.denials[0] === hashes.denials[1], summary: a.summary === b.summary, bars: a.bars === b.bars };
  let denials = 0;
  for (const l of a.lines) if (l.status === 'soft_paused' || l.status === 'hard_stopped' || l.rejects.length > 0) denials += 1;
  const differ = Object.entries(same).filter(([, v]) => !v).map(([k]) => k);
  return {
    name: 'risk_denials_deterministic',
    verdict: verdictOf(differ.length === 0),
    detail: differ.length === 0 ? `two runs: identical decision log (${a.lines.length} decisions, ${denials} with a denial), summary.json and bars.jsonl` : `two runs differ in: ${differ.join(', ')}`,
    evidence: { decisions: a.lines.length, denialDecisions: denials, decisionsHash: hashes.decisions[0], denialsHash: hashes.denials[0], rerunDecisionsHash: hashes.decisions[1], same },
    paths,
  };
}
