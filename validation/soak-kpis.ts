/**
 * The 7 paper-soak KPIs of one bot over one window of event time (docs/validation.md). Pure.
 *
 * Samples are the bot's `state.snapshot` events in the window (one a minute by default): the
 * desk's equivalent of the origin plan's `minute.csv` rows. Equity figures are the desk's own
 * (snapshot equity marked at the mid, and the day's open, peak and traded notional), so the
 * KPIs judge what the bot's risk guard saw, sampled; an intra-minute extreme between two
 * samples is not seen here (the guard itself checks every tick).
 */
import { Decimal, ZERO } from '../domain/money/decimal.ts';
import type { BotEvents, Snapshot } from './events.ts';
import type { PaperSoakThresholds } from './soak-thresholds.ts';
import { type Interval, MINUTE_MS, inWarmup, inside, isoOf, warmups } from './window.ts';

export const KPI_IDS = ['running_pct', 'turnover_x', 'daily_loss_pct', 'drawdown_pct', 'cancels_within_budget', 'fills', 'rejects_after_warmup'] as const;
export type KpiId = (typeof KPI_IDS)[number];

export interface KpiResult {
  readonly id: KpiId;
  readonly description: string;
  /** The measured value (decimal string), or null when there was nothing to measure (a fail). */
  readonly value: string | null;
  readonly threshold: { readonly op: '>=' | '<=' | '<' | '>'; readonly value: string };
  readonly pass: boolean;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface SoakOptions {
  readonly cancelBudgetPerMin: number;
  /** Where the budget came from: `config <file>` or `default`. */
  readonly cancelBudgetSource: string;
}

export interface BotSoakResult {
  readonly botId: string;
  readonly symbol: string | null;
  readonly window: { readonly start: string; readonly end: string; readonly ms: number };
  readonly data: { readonly start: string; readonly end: string; readonly events: number };
  readonly warmups: readonly { readonly start: string; readonly end: string | null }[];
  readonly status: 'PASS' | 'FAIL';
  readonly kpis: readonly KpiResult[];
}

const fmt = (d: Decimal): string => d.toDecimalPlaces(10).toString();
const ratio = (n: number, d: number): Decimal | null => (d === 0 ? null : new Decimal(n).dividedBy(d));

function compare(value: Decimal | null, op: KpiResult['threshold']['op'], limit: Decimal): boolean {
  if (value === null) return false;
  switch (op) {
    case '>=': return value.gte(limit);
    case '<=': return value.lte(limit);
    case '<': return value.lt(limit);
    case '>': return value.gt(limit);
  }
}

function kpi(id: KpiId, description: string, value: Decimal | null, op: KpiResult['threshold']['op'], limit: Decimal, evidence: Record<string, unknown>): KpiResult {
  return { id, description, value: value === null ? null : fmt(value), threshold: { op, value: fmt(limit) }, pass: compare(value, op, limit), evidence };
}

/** The sample with the largest `f` (null without samples or figures). */
function maxOver(samples: readonly Snapshot[], f: (s: Snapshot) => Decimal | null): { value: Decimal; at: Snapshot; measured: number } | null {
  let best: { value: Decimal; at: Snapshot } | null = null;
  let measured = 0;
  for (const s of samples) {
    const v = f(s);
    if (v === null) continue;
    measured += 1;
    if (best === null || v.gt(best.value)) best = { value: v, at: s };
  }
  return best === null ? null : { ...best, measured };
}

const turnoverOf = (s: Snapshot): Decimal | null => (s.tradedNotionalQuote === null || s.equityOpen === null || s.equityOpen.lte(ZERO) ? null : s.tradedNotionalQuote.dividedBy(s.equityOpen));
const lossOf = (s: Snapshot): Decimal | null => (s.equityOpen === null || s.equityOpen.lte(ZERO) ? null : s.equityOpen.minus(s.equity).dividedBy(s.equityOpen));
function drawdownOf(s: Snapshot): Decimal | null {
  if (s.equityPeak === null) return null;
  const peak = Decimal.max(s.equityPeak, s.equity);
  return peak.lte(ZERO) ? null : peak.minus(s.equity).dividedBy(peak);
}

/** Cancels requested in the rolling minute `(ts − 60 s, ts]` at each sample time. */
function cancelsPerSample(cancels: readonly number[], samples: readonly Snapshot[]): number[] {
  return samples.map((s) => cancels.filter((t) => t > s.ts - MINUTE_MS && t <= s.ts).length);
}

/** Computes the 7 KPIs of `bot` over `window`. */
export function soakKpis(bot: BotEvents, window: Interval, opts: SoakOptions, th: PaperSoakThresholds): BotSoakResult {
  const warm = warmups(bot);
  const n = th.evidenceSamples;
  const samples = bot.snapshots.filter((s) => inside(s.ts, window));
  const live = samples.filter((s) => s.state !== 'Stopped' && !inWarmup(s.ts, warm));
  const sampleRef = (s: Snapshot, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ts: isoOf(s.ts), state: s.state, ...extra });

  const byState: Record<string, number> = {};
  for (const s of live) byState[s.state] = (byState[s.state] ?? 0) + 1;
  const running = live.filter((s) => s.state === 'Running').length;
  const notRunning = live.filter((s) => s.state !== 'Running');

  const turnover = maxOver(samples, turnoverOf);
  const loss = maxOver(samples, lossOf);
  const dd = maxOver(samples, drawdownOf);

  const cancelCounts = cancelsPerSample(bot.cancelRequests, live);
  const within = cancelCounts.filter((c) => c <= opts.cancelBudgetPerMin).length;
  const over = live.map((s, i) => ({ s, c: cancelCounts[i] ?? 0 })).filter((x) => x.c > opts.cancelBudgetPerMin);

  const fills = bot.fills.filter((f) => inside(f.ts, window));
  const ordersAfter = bot.orders.filter((o) => inside(o.ts, window) && !inWarmup(o.ts, warm));
  const rejectsIn = bot.rejects.filter((r) => inside(r.ts, window));
  const rejectsAfter = rejectsIn.filter((r) => !inWarmup(r.ts, warm));
  const reasons: Record<string, number> = {};
  for (const r of rejectsAfter) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  const rejectRate = ordersAfter.length === 0 ? (rejectsAfter.length === 0 ? ZERO : null) : new Decimal(rejectsAfter.length).dividedBy(ordersAfter.length);

  const kpis: KpiResult[] = [
    kpi('running_pct', 'share of post-warm-up state samples in Running (Stopped samples left out)', ratio(running, live.length), '>=', th.minRunningFraction, {
      samples: live.length, running, byState, samplesInWarmup: samples.filter((s) => inWarmup(s.ts, warm)).length,
      notRunning: notRunning.slice(0, n).map((s) => sampleRef(s)), ...(live.length === 0 ? { finding: 'no post-warm-up state samples in the window' } : {}),
    }),
    kpi('turnover_x', 'max over samples of day.tradedNotionalQuote / day.equityOpen', turnover?.value ?? null, '<=', th.maxTurnoverX, {
      samples: samples.length, measured: turnover?.measured ?? 0,
      ...(turnover === null ? { finding: 'no sample with the day\'s traded notional and equity open' } : { worst: sampleRef(turnover.at, { tradedNotionalQuote: turnover.at.tradedNotionalQuote?.toString(), equityOpen: turnover.at.equityOpen?.toString() }) }),
    }),
    kpi('daily_loss_pct', 'max over samples of (day.equityOpen − equity) / day.equityOpen', loss?.value ?? null, '<', th.maxDailyLossFraction, {
      samples: samples.length, measured: loss?.measured ?? 0,
      ...(loss === null ? { finding: 'no sample with the day\'s equity open' } : { worst: sampleRef(loss.at, { equity: loss.at.equity.toString(), equityOpen: loss.at.equityOpen?.toString() }) }),
    }),
    kpi('drawdown_pct', 'max over samples of (max(day.equityPeak, equity) − equity) / that peak', dd?.value ?? null, '<', th.maxDrawdownFraction, {
      samples: samples.length, measured: dd?.measured ?? 0,
      ...(dd === null ? { finding: 'no sample with the day\'s equity peak' } : { worst: sampleRef(dd.at, { equity: dd.at.equity.toString(), equityPeak: dd.at.equityPeak?.toString() }) }),
    }),
    kpi('cancels_within_budget', 'share of post-warm-up samples whose order.cancel_requested count in the rolling minute (ts−60s, ts] is ≤ the budget', ratio(within, live.length), '>', th.minCancelWithinBudgetFraction, {
      samples: live.length, withinBudget: within, budgetPerMin: opts.cancelBudgetPerMin, budgetSource: opts.cancelBudgetSource,
      maxPerMin: cancelCounts.reduce((m, c) => Math.max(m, c), 0), cancelsInWindow: bot.cancelRequests.filter((t) => inside(t, window)).length,
      cancelAllsInWindow: bot.cancelAlls.filter((t) => inside(t, window)).length,
      overBudget: over.slice(0, n).map((x) => sampleRef(x.s, { cancelsLastMinute: x.c })),
      ...(live.length === 0 ? { finding: 'no post-warm-up state samples in the window' } : {}),
    }),
    kpi('fills', 'order.filled events in the window', new Decimal(fills.length), '>=', new Decimal(th.minFills), {
      fills: fills.length, buys: fills.filter((f) => f.side === 'buy').length, sells: fills.filter((f) => f.side === 'sell').length,
      first: fills[0] === undefined ? null : isoOf(fills[0].ts), last: fills.at(-1) === undefined ? null : isoOf(fills.at(-1)?.ts ?? 0),
    }),
    kpi('rejects_after_warmup', 'order.rejected / order.created, both outside warm-up, in the window', rejectRate, '<=', th.maxRejectRateAfterWarmup, {
      rejects: rejectsAfter.length, ordersCreated: ordersAfter.length, rejectsInWarmup: rejectsIn.length - rejectsAfter.length, reasons,
      samples: rejectsAfter.slice(0, n).map((r) => ({ ts: isoOf(r.ts), clientOrderId: r.clientOrderId, reason: r.reason })),
      ...(rejectRate === null ? { finding: 'rejects without any order created after warm-up' } : {}),
    }),
  ];
  return {
    botId: bot.botId,
    symbol: bot.symbol,
    window: { start: isoOf(window.start), end: isoOf(window.end), ms: window.end - window.start + 1 },
    data: { start: isoOf(bot.firstTs), end: isoOf(bot.lastTs), events: bot.events },
    warmups: warm.map((w) => ({ start: isoOf(w.start), end: Number.isFinite(w.end) ? isoOf(w.end) : null })),
    status: kpis.every((k) => k.pass) ? 'PASS' : 'FAIL',
    kpis,
  };
}
