/**
 * The decision log: one line per decision point of a window's run (`<window>/decisions.jsonl`),
 * built from the engine's `onDecision` records. It is what the invariants are evaluated on, and
 * its sha256 is the run's decision/denial fingerprint (two runs must give the same bytes).
 *
 * Per line (canonical JSON, keys sorted): `ts`; the decision's book `bid`/`ask`; `equity`
 * = quote + base·mid of that book (the equity the EPP's risk checks see); the strategy's
 * `regime` label; for the EPP its `status` (running, soft_paused, hard_stopped, warming_up),
 * `soft` reasons and latched `hardStop` reason (null for other strategies); `open` — the orders
 * resting when the strategy decided (id, placedAt); the intents (`places`, `cancels`); and the
 * simulator's `rejects` returned at this decision.
 */
import { createHash } from 'node:crypto';
import type { DecisionRecord } from '../backtest/engine.ts';
import { canonicalJson } from '../backtest/canonical-json.ts';
import type { EppAdapterState } from '../backtest/strategies/epp.ts';
import type { Side } from '../domain/instrument/rules.ts';
import { Decimal } from '../domain/money/decimal.ts';

const HALF = new Decimal('0.5');

export interface LoggedPlace {
  readonly id: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly amount: Decimal;
  readonly postOnly: boolean;
}

export interface DecisionLine {
  readonly ts: number;
  readonly bid: Decimal;
  readonly ask: Decimal;
  readonly equity: Decimal;
  readonly regime: string | null;
  readonly status: string | null;
  readonly soft: readonly string[];
  readonly hardStop: string | null;
  readonly open: readonly { readonly id: string; readonly placedAt: number }[];
  readonly places: readonly LoggedPlace[];
  readonly cancels: readonly string[];
  readonly rejects: readonly { readonly id: string; readonly reason: string }[];
}

/** The EPP adapter's state, recognised structurally (other strategies log no status). */
function eppState(s: unknown): EppAdapterState | null {
  if (typeof s !== 'object' || s === null || !('epp' in s) || !('status' in s)) return null;
  return s as EppAdapterState;
}

/** One engine decision record as a log line. */
export function toLine(d: DecisionRecord<unknown>): DecisionLine {
  const v = d.view;
  const mid = v.book.bid.plus(v.book.ask).times(HALF);
  const epp = eppState(d.state);
  const places: LoggedPlace[] = [];
  const cancels: string[] = [];
  for (const i of d.intents) {
    if (i.type === 'place') places.push({ id: i.id, side: i.side, price: i.price, amount: i.amount, postOnly: i.postOnly });
    else cancels.push(i.id);
  }
  return {
    ts: v.ts,
    bid: v.book.bid,
    ask: v.book.ask,
    equity: v.quote.plus(v.base.times(mid)),
    regime: d.regime,
    status: epp?.status ?? null,
    soft: epp === null ? [] : [...epp.epp.soft],
    hardStop: epp?.epp.hardStop ?? null,
    open: v.openOrders.map((o) => ({ id: o.id, placedAt: o.placedAt })),
    places,
    cancels,
    rejects: d.rejects.map((x) => ({ id: x.id, reason: x.reason })),
  };
}

/** The log's bytes: one canonical JSON object per line, each line ending in a newline. */
export function logText(lines: readonly DecisionLine[]): string {
  let out = '';
  for (const l of lines) out += `${canonicalJson(l, 0)}\n`;
  return out;
}

export const sha256Hex = (text: string): string => `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;

/**
 * The denial sequence: every decision where the bot was denied trading (a soft pause or a hard
 * stop) or the simulator rejected an intent, as `ts status soft hardStop rejects`. Its hash is
 * reported beside the whole log's so a change in denials stands out.
 */
export function denialText(lines: readonly DecisionLine[]): string {
  let out = '';
  for (const l of lines) {
    const denied = l.status === 'soft_paused' || l.status === 'hard_stopped' || l.rejects.length > 0;
    if (denied) out += `${l.ts} ${l.status ?? '-'} ${l.soft.join(',') || '-'} ${l.hardStop ?? '-'} ${l.rejects.map((r) => `${r.id}:${r.reason}`).join(',') || '-'}\n`;
  }
  return out;
}
