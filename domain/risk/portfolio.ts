/**
 * Portfolio risk (desk-hardening-plan Day 5 and Day 70) as one pure evaluation over the bots'
 * latest risk snapshots: a global daily loss cap, a cross-bot net exposure cap per asset and a
 * concentration cap, each producing audited decisions (rule, threshold, value, bots hit, inputs).
 *
 * Choices, so the audit trail reads unambiguously:
 * - **Thresholds.** Daily loss trips at equality (≥, as the per-bot §8 check does); net exposure
 *   and concentration trip strictly above their cap (the cap is the largest allowed value); a
 *   warning is due at ≥ `warnAtFraction`·limit when the limit itself is not breached.
 * - **Pending orders, worst case.** Per bot and asset, the long-side worst case is
 *   `base + pendingBuyBase` (every resting buy fills, no sell does) and the short-side worst case
 *   is `base − pendingSellBase`. The net exposure per asset is summed per side over bots at each
 *   bot's own mark, so a bot's resting sells never offset another's resting buys. A long breach
 *   hits the bots whose long worst case is > 0, a short breach those whose short worst case is < 0.
 * - **Gross exposure** per asset is Σ over bots of `max(|long worst|, |short worst|)·mark`;
 *   concentration is an asset's share of the total. It applies only with two or more exposed
 *   assets (one asset is trivially 100%); `concentrationPct = 1` switches the rule off, warnings included.
 * - **Scope.** Snapshots of bots outside `scope` are ignored entirely.
 * - **Fail closed on staleness.** A snapshot older than `staleAfterMs` still counts in every
 *   aggregate with its last known numbers (its positions have not gone away) and its bot gets a
 *   `soft_pause` with rule `stale_snapshot` (threshold and value in ms).
 * - **One quote currency.** Aggregates need one quote asset: the most common among the scoped
 *   snapshots (ties: alphabetically first). A bot quoting in another is left out of the
 *   aggregates and soft-paused with rule `quote_mismatch` (threshold and value 0: no number applies).
 * - **Order.** Decisions are sorted by rule (`RULES` order), asset, side and action; bots and
 *   inputs by bot id, so the result does not depend on the order of the snapshots.
 */
import { Decimal, ONE, ZERO, cmp, dmax } from '../money/decimal.ts';

/** One position of a bot, in base units, with its resting orders. */
export interface PositionSnapshot {
  readonly asset: string;
  /** Signed holding: > 0 long, < 0 short. */
  readonly base: Decimal;
  /** Mark price, quote per base. */
  readonly mark: Decimal;
  /** Base amount of the bot's resting buy orders (≥ 0). */
  readonly pendingBuyBase: Decimal;
  /** Base amount of the bot's resting sell orders (≥ 0). */
  readonly pendingSellBase: Decimal;
}

/** What a bot reports to the portfolio risk monitor. */
export interface BotRiskSnapshot {
  readonly botId: string;
  /** When the numbers were read, epoch ms. */
  readonly ts: number;
  readonly equity: Decimal;
  /** The equity at the day's open (the bot's `DayCounters.equityOpen`). */
  readonly equityDayOpen: Decimal;
  readonly quoteAsset: string;
  readonly positions: readonly PositionSnapshot[];
}

/** The portfolio limits (`portfolio_limits` in the config). Fractions are 0..1. */
export interface PortfolioLimits {
  /** Aggregate loss from the day's aggregate open equity that trips the global breach. */
  readonly dailyLossPct: Decimal;
  /** Cap on |net exposure| per asset in quote: `byAsset` when listed, else `default`. */
  readonly netExposureCapQuote: { readonly default: Decimal; readonly byAsset: Readonly<Record<string, Decimal>> };
  /** Largest share of gross exposure one asset may hold. */
  readonly concentrationPct: Decimal;
  /** Share of a limit at which a warning is issued. */
  readonly warnAtFraction: Decimal;
  /** On a global daily-loss breach: kill every scoped bot (true) or soft-pause them (false). */
  readonly killOnGlobalBreach: boolean;
  /** A snapshot older than this is stale. */
  readonly staleAfterMs: number;
  /**
   * How long a `net_exposure` or `concentration` soft pause stays after its rule stops firing.
   * The pause cancels the resting orders the rule counted, so the value drops at once; without
   * this hold the pause would lift on the next evaluation, the bot re-quote and the pause return
   * (a flap every evaluation that burns the bot's cancel budget). Applied by the monitor machine.
   */
  readonly exposureHoldMs: number;
  /** The bots under portfolio risk: `'all'` or a list of bot ids. */
  readonly scope: 'all' | readonly string[];
}

export const RULES = ['stale_snapshot', 'quote_mismatch', 'daily_loss', 'net_exposure', 'concentration'] as const;
export type PortfolioRule = (typeof RULES)[number];
export type PortfolioAction = 'warn' | 'soft_pause' | 'kill';
export type ExposureSide = 'long' | 'short';

/** The snapshot numbers a decision was taken on (provenance). */
export type DecisionInput =
  | { readonly kind: 'equity'; readonly botId: string; readonly ts: number; readonly equity: Decimal; readonly equityDayOpen: Decimal }
  | {
      readonly kind: 'position';
      readonly botId: string;
      readonly ts: number;
      readonly asset: string;
      readonly base: Decimal;
      readonly mark: Decimal;
      readonly pendingBuyBase: Decimal;
      readonly pendingSellBase: Decimal;
    }
  | { readonly kind: 'snapshot'; readonly botId: string; readonly ts: number; readonly quoteAsset: string };

/** One audited decision. `value` is compared against `threshold` in the rule's units. */
export interface PortfolioDecision {
  readonly action: PortfolioAction;
  readonly rule: PortfolioRule;
  readonly asset?: string;
  /** Net exposure only: which worst case breached. */
  readonly side?: ExposureSide;
  readonly threshold: Decimal;
  readonly value: Decimal;
  /** The bots the decision hits, sorted. */
  readonly bots: readonly string[];
  readonly inputs: readonly DecisionInput[];
}

/** Net exposure of one asset in quote: without pending orders, and the two worst cases. */
export interface NetExposure {
  readonly net: Decimal;
  readonly worstLong: Decimal;
  readonly worstShort: Decimal;
}

export interface PortfolioMetrics {
  /** The quote asset the aggregates are in (null without scoped snapshots). */
  readonly quoteAsset: string | null;
  readonly equity: Decimal;
  readonly equityDayOpen: Decimal;
  /** `(open − equity)/open`; null when the aggregate open equity is ≤ 0. */
  readonly dailyLossPct: Decimal | null;
  readonly netExposure: Readonly<Record<string, NetExposure>>;
  readonly grossExposure: Decimal;
  readonly grossByAsset: Readonly<Record<string, Decimal>>;
  /** Share of gross exposure per asset (absent when the gross exposure is 0). */
  readonly concentration: Readonly<Record<string, Decimal>>;
  /** Bots whose snapshot is stale, sorted. */
  readonly stale: readonly string[];
}

export interface PortfolioEvaluation {
  readonly metrics: PortfolioMetrics;
  readonly decisions: readonly PortfolioDecision[];
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The long-side and short-side worst-case base amounts of a position. */
export function worstCaseBase(p: PositionSnapshot): { readonly long: Decimal; readonly short: Decimal } {
  return { long: p.base.plus(p.pendingBuyBase), short: p.base.minus(p.pendingSellBase) };
}

/** The cap on |net exposure| of `asset`. */
export function exposureCap(limits: PortfolioLimits, asset: string): Decimal {
  return Object.hasOwn(limits.netExposureCapQuote.byAsset, asset) ? (limits.netExposureCapQuote.byAsset[asset] as Decimal) : limits.netExposureCapQuote.default;
}

/** The portfolio quote asset: the most common among `snaps`, ties to the alphabetically first. */
function commonQuote(snaps: readonly BotRiskSnapshot[]): string | null {
  const counts = new Map<string, number>();
  for (const s of snaps) counts.set(s.quoteAsset, (counts.get(s.quoteAsset) ?? 0) + 1);
  let best: string | null = null;
  for (const [q, n] of [...counts].sort(([a], [b]) => byString(a, b))) if (best === null || n > (counts.get(best) ?? 0)) best = q;
  return best;
}

interface Leg {
  readonly snap: BotRiskSnapshot;
  readonly pos: PositionSnapshot;
  readonly long: Decimal;
  readonly short: Decimal;
}

const positionInput = (l: Leg): DecisionInput => ({
  kind: 'position',
  botId: l.snap.botId,
  ts: l.snap.ts,
  asset: l.pos.asset,
  base: l.pos.base,
  mark: l.pos.mark,
  pendingBuyBase: l.pos.pendingBuyBase,
  pendingSellBase: l.pos.pendingSellBase,
});
const equityInput = (s: BotRiskSnapshot): DecisionInput => ({ kind: 'equity', botId: s.botId, ts: s.ts, equity: s.equity, equityDayOpen: s.equityDayOpen });
const botsOf = (legs: readonly Leg[]): string[] => [...new Set(legs.map((l) => l.snap.botId))].sort(byString);

/** `breach` when value passes the limit (`strict`: >, else ≥), `warn` at ≥ fraction·limit, else null. */
function grade(value: Decimal, limit: Decimal, warnAt: Decimal, strict: boolean): 'breach' | 'warn' | null {
  const c = cmp(value, limit);
  if (strict ? c > 0 : c >= 0) return 'breach';
  return cmp(value, limit.times(warnAt)) >= 0 ? 'warn' : null;
}

function dailyLossDecision(snaps: readonly BotRiskSnapshot[], loss: Decimal | null, limits: PortfolioLimits): PortfolioDecision[] {
  if (loss === null) return [];
  const g = grade(loss, limits.dailyLossPct, limits.warnAtFraction, false);
  if (g === null) return [];
  const action: PortfolioAction = g === 'warn' ? 'warn' : limits.killOnGlobalBreach ? 'kill' : 'soft_pause';
  return [{ action, rule: 'daily_loss', threshold: limits.dailyLossPct, value: loss, bots: snaps.map((s) => s.botId), inputs: snaps.map(equityInput) }];
}

function exposureDecisions(asset: string, legs: readonly Leg[], exp: NetExposure, limits: PortfolioLimits): PortfolioDecision[] {
  const cap = exposureCap(limits, asset);
  const out: PortfolioDecision[] = [];
  const sides: [ExposureSide, Decimal, (l: Leg) => boolean][] = [
    ['long', exp.worstLong, (l) => l.long.gt(ZERO)],
    ['short', exp.worstShort.neg(), (l) => l.short.lt(ZERO)],
  ];
  for (const [side, value, adds] of sides) {
    const g = grade(value, cap, limits.warnAtFraction, true);
    if (g === null) continue;
    const hit = legs.filter(adds);
    out.push({ action: g === 'warn' ? 'warn' : 'soft_pause', rule: 'net_exposure', asset, side, threshold: cap, value, bots: botsOf(hit), inputs: hit.map(positionInput) });
  }
  return out;
}

function concentrationDecision(asset: string, legs: readonly Leg[], share: Decimal, limits: PortfolioLimits): PortfolioDecision[] {
  // A cap of 1 is the rule switched off: no breach is possible, and no warning either.
  if (cmp(limits.concentrationPct, ONE) >= 0) return [];
  const g = grade(share, limits.concentrationPct, limits.warnAtFraction, true);
  if (g === null) return [];
  const hit = legs.filter((l) => !l.long.isZero() || !l.short.isZero());
  return [{ action: g === 'warn' ? 'warn' : 'soft_pause', rule: 'concentration', asset, threshold: limits.concentrationPct, value: share, bots: botsOf(hit), inputs: hit.map(positionInput) }];
}

function netExposureOf(legs: readonly Leg[]): NetExposure {
  let net = ZERO;
  let worstLong = ZERO;
  let worstShort = ZERO;
  for (const l of legs) {
    net = net.plus(l.pos.base.times(l.pos.mark));
    worstLong = worstLong.plus(l.long.times(l.pos.mark));
    worstShort = worstShort.plus(l.short.times(l.pos.mark));
  }
  return { net, worstLong, worstShort };
}

/** Σ max(|long worst|, |short worst|)·|mark| over the legs. */
function grossOf(legs: readonly Leg[]): Decimal {
  return legs.reduce((acc, l) => acc.plus(dmax(l.long.abs(), l.short.abs()).times(l.pos.mark.abs())), ZERO);
}

const inScope = (limits: PortfolioLimits, botId: string): boolean => limits.scope === 'all' || limits.scope.includes(botId);

/** Legs per asset (assets sorted; legs by bot id, then their order in the snapshot). */
function legsByAsset(snaps: readonly BotRiskSnapshot[]): Map<string, Leg[]> {
  const out = new Map<string, Leg[]>();
  for (const snap of snaps) {
    for (const pos of snap.positions) {
      const w = worstCaseBase(pos);
      const list = out.get(pos.asset) ?? [];
      list.push({ snap, pos, long: w.long, short: w.short });
      out.set(pos.asset, list);
    }
  }
  return new Map([...out].sort(([a], [b]) => byString(a, b)));
}

function decisionOrder(a: PortfolioDecision, b: PortfolioDecision): number {
  return (
    RULES.indexOf(a.rule) - RULES.indexOf(b.rule) ||
    byString(a.asset ?? '', b.asset ?? '') ||
    byString(a.side ?? '', b.side ?? '') ||
    byString(a.action, b.action) ||
    byString(a.bots.join(','), b.bots.join(','))
  );
}

/**
 * Evaluates the portfolio limits over the bots' latest snapshots at `now` (epoch ms).
 * Throws a RangeError when two snapshots share a bot id (the caller keeps one per bot).
 */
export function evaluatePortfolio(snapshots: readonly BotRiskSnapshot[], limits: PortfolioLimits, now: number): PortfolioEvaluation {
  const scoped = snapshots.filter((s) => inScope(limits, s.botId)).sort((a, b) => byString(a.botId, b.botId));
  for (let i = 1; i < scoped.length; i++) {
    if (scoped[i - 1]?.botId === scoped[i]?.botId) throw new RangeError(`evaluatePortfolio: two snapshots for bot ${JSON.stringify(scoped[i]?.botId)}`);
  }
  const decisions: PortfolioDecision[] = [];
  const stale = scoped.filter((s) => now - s.ts > limits.staleAfterMs);
  for (const s of stale) {
    decisions.push({ action: 'soft_pause', rule: 'stale_snapshot', threshold: new Decimal(limits.staleAfterMs), value: new Decimal(now - s.ts), bots: [s.botId], inputs: [{ kind: 'snapshot', botId: s.botId, ts: s.ts, quoteAsset: s.quoteAsset }] });
  }
  const quoteAsset = commonQuote(scoped);
  const snaps = scoped.filter((s) => s.quoteAsset === quoteAsset);
  for (const s of scoped.filter((x) => x.quoteAsset !== quoteAsset)) {
    decisions.push({ action: 'soft_pause', rule: 'quote_mismatch', threshold: ZERO, value: ZERO, bots: [s.botId], inputs: [{ kind: 'snapshot', botId: s.botId, ts: s.ts, quoteAsset: s.quoteAsset }] });
  }

  const equity = snaps.reduce((acc, s) => acc.plus(s.equity), ZERO);
  const equityDayOpen = snaps.reduce((acc, s) => acc.plus(s.equityDayOpen), ZERO);
  const dailyLossPct = equityDayOpen.gt(ZERO) ? equityDayOpen.minus(equity).dividedBy(equityDayOpen) : null;
  decisions.push(...dailyLossDecision(snaps, dailyLossPct, limits));

  const legs = legsByAsset(snaps);
  // Entries, not assignments: an asset named like an Object.prototype key stays an own property.
  const netEntries: [string, NetExposure][] = [];
  const grossEntries: [string, Decimal][] = [];
  for (const [asset, list] of legs) {
    const exp = netExposureOf(list);
    netEntries.push([asset, exp]);
    grossEntries.push([asset, grossOf(list)]);
    decisions.push(...exposureDecisions(asset, list, exp, limits));
  }
  const grossExposure = grossEntries.reduce((acc, [, g]) => acc.plus(g), ZERO);
  const shareEntries: [string, Decimal][] = grossExposure.gt(ZERO) ? grossEntries.map(([a, g]) => [a, g.dividedBy(grossExposure)]) : [];
  // Concentration is a diversification rule: it needs two or more assets with exposure to mean
  // anything (a desk quoting one asset is trivially 100% in it; exposure caps still bound it).
  const exposedAssets = grossEntries.filter(([, g]) => g.gt(ZERO)).length;
  if (exposedAssets >= 2) for (const [asset, share] of shareEntries) decisions.push(...concentrationDecision(asset, legs.get(asset) ?? [], share, limits));
  const netExposure = Object.fromEntries(netEntries);
  const grossByAsset = Object.fromEntries(grossEntries);
  const concentration = Object.fromEntries(shareEntries);
  const metrics: PortfolioMetrics = { quoteAsset, equity, equityDayOpen, dailyLossPct, netExposure, grossExposure, grossByAsset, concentration, stale: stale.map((s) => s.botId) };
  return { metrics, decisions: decisions.sort(decisionOrder) };
}

/**
 * The identity of a decision for de-duplication: action, rule, asset, side and bots — not the
 * value, which moves every evaluation while the condition stays the same.
 */
export function decisionKey(d: PortfolioDecision): string {
  return [d.action, d.rule, d.asset ?? '', d.side ?? '', d.bots.join(',')].join('|');
}
