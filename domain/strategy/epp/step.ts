/**
 * One EPP v2.4 decision step (strategy-epp §2–§10), pure:
 * `eppStep(state, inputs, config, instrument) → { state, decisions, status, quote }`.
 *
 * Pipeline: intents → day rollover and fills → (disabled stops here) → indicators → HARD_STOP
 * latch → account → regime (hold ticks) → quote (spread, floor, skew, edge gate) → risk
 * (hard, then soft) → levels → order diff. `no_trade` runs all of it and drops the places.
 */
import { type ClientOrderId, clientOrderId } from '../../ids.ts';
import type { InstrumentRules } from '../../instrument/rules.ts';
import type { BookTop } from '../../market/types.ts';
import { Decimal, ZERO, cmp } from '../../money/decimal.ts';
import { accountTick } from './account.ts';
import { cancelBudgetEvaluate, cancelBudgetRecord } from './cancel-budget.ts';
import type { EppConfig } from './config.ts';
import { dayObserveEquity } from './day.ts';
import type { CancelReason, EppDecision } from './decisions.ts';
import { type DesiredWithBand, type DiffCancel, diffOrders, priceTolerance, withLazyKeepBand } from './diff.ts';
import { edgeGateUpdate } from './edge-gate.ts';
import { buildLevels, sideEnabled } from './levels.ts';
import { type MarketState, bookUsable, marketUpdate } from './market.ts';
import { announceSoft, applyIntents, latchHardStop } from './ops.ts';
import { type EppQuote, computeQuoteReusing } from './quote.ts';
import { detectRegimeFromDrift, regimeHold } from './regime.ts';
import { hardLimits, hardReason, positionDriftWarns, softReasons } from './risk.ts';
import { basePctOf, equityOf } from './skew.ts';
import type { EppState, EppStatus } from './state.ts';
import { type QuoteKey, type QuoteMemo, sameQuoteKey, sameRegimeInputs } from './quote-memo.ts';
import { floorAt } from './spread.ts';
import type { EppBalances, EppInputs, PerpBalances, SpotBalances } from './types.ts';

const HALF = new Decimal('0.5');

/** What one step returns. `quote` is the tick's computed quote (telemetry), null when none. */
export interface EppStepResult {
  readonly state: EppState;
  readonly decisions: readonly EppDecision[];
  readonly status: EppStatus;
  readonly quote: EppQuote | null;
}

interface TickBook {
  readonly book: BookTop | null;
  readonly mid: Decimal | null;
  /** Positive, uncrossed. */
  readonly usable: boolean;
  /** Usable and not older than `max_book_age_s`. */
  readonly fresh: boolean;
}

interface TickAccount {
  /** The balances when read and usable for quoting (spot needs a mid). */
  readonly balances: SpotBalances | PerpBalances | null;
  readonly equity: Decimal | null;
  readonly marginRatio: Decimal | null;
  readonly failed: boolean;
  readonly noEquity: boolean;
}

function readBook(inputs: EppInputs, config: EppConfig, memo: QuoteMemo | null): TickBook {
  const book = inputs.book;
  if (book === null || !bookUsable(book)) return { book, mid: null, usable: false, fresh: false };
  // The touch of the last quote (most book updates change sizes only) has its mid already.
  const same = memo !== null && cmp(book.bid, memo.key.bid) === 0 && cmp(book.ask, memo.key.ask) === 0;
  const mid = same ? memo.quote.mid : book.bid.plus(book.ask).times(HALF);
  return { book, mid, usable: true, fresh: inputs.now - book.ts <= config.maxBookAgeS * 1000 };
}

function readAccount(b: EppBalances, mid: Decimal | null): TickAccount {
  if (b.kind === 'failed') return { balances: null, equity: null, marginRatio: null, failed: true, noEquity: false };
  const marginRatio = b.kind === 'perp' ? b.marginRatio : null;
  if (mid === null && b.kind === 'spot') return { balances: null, equity: null, marginRatio, failed: false, noEquity: false };
  const equity = equityOf(b, mid ?? ZERO);
  return { balances: mid === null ? null : b, equity, marginRatio, failed: false, noEquity: !(cmp(equity, ZERO) > 0) };
}

function regimeTick(s: EppState, tick: TickBook, config: EppConfig, out: EppDecision[]): EppState {
  const t = s.market.thresholds;
  if (!tick.fresh || tick.mid === null || t === null) return s;
  const held = regimeHold(s.regime, detectRegimeFromDrift(tick.mid, s.market.drift, t), config.regimeHoldTicks);
  if (held.changed !== null) out.push({ type: 'regime.changed', from: held.changed.from, to: held.changed.to });
  return held.state === s.regime ? s : { ...s, regime: held.state };
}

function quoteTick(s: EppState, tick: TickBook, acct: TickAccount, inputs: EppInputs, config: EppConfig, rules: InstrumentRules): { state: EppState; quote: EppQuote | null } {
  const regime = s.regime.current;
  const t = s.market.thresholds;
  if (regime === null || t === null || !tick.fresh || tick.book === null || tick.mid === null || acct.balances === null || acct.noEquity) return { state: s, quote: null };
  const floor = floorAt(s.floor, t.bandPct, inputs.now, config);
  const key: QuoteKey = { config, rules, regime, thresholds: t, floor, bid: tick.book.bid, ask: tick.book.ask, balances: acct.balances, targetOverride: s.targetOverride, fundingRate: inputs.fundingRate ?? null };
  if (s.memo !== null && sameQuoteKey(s.memo.key, key)) {
    // Same inputs, same quote; an open gate stays open on the same edge.
    const gate = s.gate.blocked ? edgeGateUpdate(s.gate, s.memo.quote.netEdge, inputs.now, config) : s.gate;
    return { state: gate === s.gate ? s : { ...s, gate }, quote: s.memo.quote };
  }
  const basePct = basePctOf(acct.balances, tick.mid, acct.equity ?? ZERO);
  if (basePct === null) return { state: s, quote: null };
  // A moved touch leaves the regime part of the quote as it was: only the touch part is recomputed.
  const same = s.memo !== null && sameRegimeInputs(s.memo.key, key) ? s.memo.quote : null;
  const quote = computeQuoteReusing(
    { now: inputs.now, regime, bid: tick.book.bid, ask: tick.book.ask, mid: tick.mid, thresholds: t, basePct, targetOverride: s.targetOverride, fundingRate: key.fundingRate, floor },
    config,
    same,
  );
  const gate = edgeGateUpdate(s.gate, quote.netEdge, inputs.now, config);
  return { state: { ...s, floor, gate, memo: { key, quote, ladder: null } }, quote };
}

function driftWarning(s: EppState, inputs: EppInputs, config: EppConfig, out: EppDecision[]): EppState {
  const warns = positionDriftWarns(inputs.positionDriftPct ?? null, config);
  if (warns && !s.driftWarned) {
    out.push({ type: 'warn', code: 'position.drift', message: `position drift vs venue ${inputs.positionDriftPct?.times(100).toString() ?? '?'}%` });
  }
  return warns === s.driftWarned ? s : { ...s, driftWarned: warns };
}

/** Emits cancel decisions (and ack-timeout warnings), records them in the budget and the requested set. */
function emitCancels(s: EppState, cancels: readonly DiffCancel[], inputs: EppInputs, out: EppDecision[]): EppState {
  for (const c of cancels) {
    out.push({ type: 'cancel', clientOrderId: c.order.clientOrderId, levelId: c.order.levelId, reason: c.reason });
    if (c.reason === 'ack_timeout') out.push({ type: 'warn', code: 'order.ack_timeout', message: `order ${c.order.clientOrderId} not acknowledged within the ack timeout; cancelling`, clientOrderId: c.order.clientOrderId });
  }
  if (cancels.length === 0 && s.cancelRequested.length === 0) return s; // nothing requested, nothing to prune
  const live = new Set<string>();
  for (const o of inputs.openOrders) live.add(o.clientOrderId);
  const kept = s.cancelRequested.filter((id) => live.has(id));
  if (cancels.length === 0 && kept.length === s.cancelRequested.length) return s;
  const cancelRequested: ClientOrderId[] = kept.concat(cancels.map((c) => c.order.clientOrderId));
  return { ...s, cancelRequested, cancels: cancelBudgetRecord(s.cancels, inputs.now, cancels.length) };
}

function ladderOf(quote: EppQuote, config: EppConfig, rules: InstrumentRules): DesiredWithBand[] {
  const levels = buildLevels({ mid: quote.mid, buySpread: quote.buySpread, sellSpread: quote.sellSpread, levels: quote.levels, oneSided: quote.oneSided }, config, rules);
  return withLazyKeepBand(levels, priceTolerance(config.priceToleranceTicks, rules));
}

function statusOf(s: EppState, quote: EppQuote | null): EppStatus {
  if (s.soft.length > 0) return 'soft_paused';
  return quote === null || s.regime.current === null ? 'warming_up' : 'running';
}

/** The empty id set (most ticks have no cancel in flight). */
const NO_IDS: ReadonlySet<string> = new Set<string>();

function ordersTick(s: EppState, inputs: EppInputs, config: EppConfig, rules: InstrumentRules, quote: EppQuote | null, out: EppDecision[]): EppStepResult {
  const status = statusOf(s, quote);
  const running = status === 'running' && quote !== null;
  let desired: readonly DesiredWithBand[] = [];
  if (running && s.memo !== null && s.memo.quote === quote) {
    desired = s.memo.ladder ?? ladderOf(quote, config, rules);
    if (s.memo.ladder === null) s = { ...s, memo: { ...s.memo, ladder: desired } };
  }
  const diff = diffOrders({
    now: inputs.now,
    desired,
    live: inputs.openOrders,
    cancelRequested: s.cancelRequested.length === 0 ? NO_IDS : new Set<string>(s.cancelRequested),
    refreshMs: (quote?.refreshS ?? 0) * 1000,
    ackTimeoutMs: config.orderAckTimeoutS * 1000,
    maxActiveOrders: config.maxActiveOrders,
    undesiredReason: (side) => (status === 'soft_paused' ? 'soft_pause' : !running ? 'warming_up' : sideEnabled(side, quote.oneSided) ? 'level_removed' : 'side_removed'),
  });
  let next = emitCancels(s, diff.cancels, inputs, out);
  if (config.variant !== 'no_trade' && diff.places.length > 0) {
    let seq = next.orderSeq;
    for (const d of diff.places) {
      out.push({ type: 'place', clientOrderId: clientOrderId(`${next.idPrefix}${seq}`), levelId: d.levelId, side: d.side, price: d.price, amount: d.amount, postOnly: true });
      seq += 1;
    }
    next = { ...next, orderSeq: seq };
  }
  return { state: next, decisions: out, status, quote };
}

/** Cancels every live order not already cancelling: a disabled or hard-stopped bot never leaves an order working. */
function cancelAll(s: EppState, inputs: EppInputs, reason: CancelReason, out: EppDecision[]): EppState {
  const requested = new Set<string>(s.cancelRequested);
  const cancels: DiffCancel[] = inputs.openOrders.filter((o) => !o.cancelling && !requested.has(o.clientOrderId)).map((order) => ({ order, reason }));
  return emitCancels(s, cancels, inputs, out);
}

function disabledTick(s: EppState, inputs: EppInputs, out: EppDecision[]): EppStepResult {
  // A disabled bot runs no pipeline, but it never leaves an order working unsupervised.
  return { state: cancelAll(s, inputs, 'disabled', out), decisions: out, status: 'disabled', quote: null };
}

/**
 * `{ ...s, market }`, written out: it runs on every tick, and V8 copies a 16-field object
 * literal field by field much faster than it clones one through a spread.
 */
function withMarket(s: EppState, market: MarketState): EppState {
  return {
    market, regime: s.regime, floor: s.floor, gate: s.gate, cancels: s.cancels, soft: s.soft, hardStop: s.hardStop,
    operatorPaused: s.operatorPaused, targetOverride: s.targetOverride, cancelRequested: s.cancelRequested,
    driftWarned: s.driftWarned, day: s.day, orderSeq: s.orderSeq, idPrefix: s.idPrefix, memo: s.memo, limits: s.limits,
  };
}

/** Runs one tick of the controller. Pure and deterministic: same arguments ⇒ same result. */
export function eppStep(state: EppState, inputs: EppInputs, config: EppConfig, rules: InstrumentRules): EppStepResult {
  const out: EppDecision[] = [];
  let s = applyIntents(state, inputs.intents ?? [], out);
  s = accountTick(s, inputs, config, out);
  if (config.variant === 'disabled') return disabledTick(s, inputs, out);
  const tick = readBook(inputs, config, s.memo);
  if (tick.book !== null && tick.mid !== null) s = withMarket(s, marketUpdate(s.market, tick.book, tick.mid, config));
  const acct = readAccount(inputs.balances, tick.mid);
  // Observed even while latched: the day opens at its first equity (§8, §10), HARD_STOP or not.
  if (acct.equity !== null && !acct.noEquity) {
    const day = dayObserveEquity(s.day, acct.equity);
    if (day !== s.day) s = { ...s, day };
  }
  if (s.hardStop !== null) return { state: cancelAll(s, inputs, 'hard_stop', out), decisions: out, status: 'hard_stopped', quote: null };
  s = regimeTick(s, tick, config, out);
  const q = quoteTick(s, tick, acct, inputs, config, rules);
  const budget = cancelBudgetEvaluate(q.state.cancels, inputs.now, config);
  s = budget.state === q.state.cancels ? q.state : { ...q.state, cancels: budget.state };
  const limits = hardLimits(s.day, config, s.limits);
  if (limits !== s.limits) s = { ...s, limits };
  const hard = hardReason({ day: s.day, equity: acct.equity, marginRatio: acct.marginRatio, cancelEscalation: budget.escalate }, config, limits);
  if (hard !== null) return { state: cancelAll(latchHardStop(s, hard, out), inputs, 'hard_stop', out), decisions: out, status: 'hard_stopped', quote: q.quote };
  s = driftWarning(s, inputs, config, out);
  const soft = softReasons(
    {
      now: inputs.now,
      bookTs: inputs.book?.ts ?? null,
      bookCrossed: inputs.book !== null && !tick.usable,
      balanceFailed: acct.failed,
      noEquity: acct.noEquity,
      positionDriftPct: inputs.positionDriftPct ?? null,
      marginRatio: acct.marginRatio,
      cancelBreach: budget.breach,
      edgeGateBlocked: s.gate.blocked,
      operatorPaused: s.operatorPaused,
      portfolioPaused: inputs.portfolioPaused === true,
      controlPlaneLost: inputs.controlPlaneLost === true,
      reconciliationHeld: inputs.reconciliationHeld === true,
    },
    config,
  );
  return ordersTick(announceSoft(s, soft, out), inputs, config, rules, q.quote, out);
}
