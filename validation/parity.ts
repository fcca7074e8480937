/**
 * Parity of two environments (a, b) of the same bot ids: per window of event time, the fill
 * ratio, slippage, reject rate and realized PnL of each (validation/parity-metrics.ts), their
 * deltas (a − b) and a verdict per metric against versioned thresholds. Pure.
 *
 * Windows are aligned to multiples of the window length since the epoch and clipped to the
 * overlap of the two data sets (events outside it are not compared); `all` is one window over
 * the whole overlap. A metric is N/A when neither side has what it measures (no orders, no
 * fills); a side with orders against one without is a FAIL (the environments disagree).
 */
import { Decimal } from '../domain/money/decimal.ts';
import { type BotEvents, type StoredEvent, botEventsOf } from './events.ts';
import { type Finding, statusOf } from './findings.ts';
import { type EnvFigures, envFigures } from './parity-metrics.ts';
import { PARITY_THRESHOLDS_V1, type ParityThresholds } from './parity-thresholds.ts';
import { type Interval, type WindowSpec, buckets, isoOf } from './window.ts';

export const PARITY_REPORT_SCHEMA = 'desk.parity_report/v1';
export const PARITY_METRICS = ['fill_ratio', 'slippage_bps', 'reject_rate', 'realized_pnl'] as const;
export type ParityMetric = (typeof PARITY_METRICS)[number];

export interface MetricResult {
  readonly metric: ParityMetric;
  readonly a: string | null;
  readonly b: string | null;
  /** a − b (null when not comparable). */
  readonly delta: string | null;
  readonly threshold: string;
  readonly status: 'PASS' | 'FAIL' | 'N/A';
  readonly reason?: string;
}

export interface WindowResult {
  readonly start: string;
  readonly end: string;
  readonly a: Readonly<Record<string, string | number | null>>;
  readonly b: Readonly<Record<string, string | number | null>>;
  readonly metrics: readonly MetricResult[];
}

export interface BotParity {
  readonly botId: string;
  readonly overlap: { readonly start: string; readonly end: string };
  readonly status: 'PASS' | 'FAIL';
  readonly overall: WindowResult;
  readonly windows: readonly WindowResult[];
}

export interface ParityReport {
  readonly schema: typeof PARITY_REPORT_SCHEMA;
  readonly status: 'PASS' | 'FAIL' | 'INVALID';
  readonly thresholdsVersion: string;
  readonly thresholds: Readonly<Record<string, string | number>>;
  readonly a: string;
  readonly b: string;
  readonly window: string;
  /** UTC day (YYYY-MM-DD) of the latest compared event: the report's directory. */
  readonly day: string | null;
  readonly bots: readonly BotParity[];
  /** `<bot> <window start>: <metric>` for every failing metric. */
  readonly failures: readonly string[];
  readonly findings: readonly Finding[];
}

const fmt = (d: Decimal | null, dp = 10): string | null => (d === null ? null : d.toDecimalPlaces(dp).toString());

function figuresJson(f: EnvFigures): Record<string, string | number | null> {
  return {
    ordersPlaced: f.ordersPlaced, ordersFilled: f.ordersFilled, fills: f.fills, rejects: f.rejects,
    fillRatio: fmt(f.fillRatio), slippageBps: fmt(f.slippageBps, 6), rejectRate: fmt(f.rejectRate), realizedPnl: fmt(f.realizedPnl), referenceEquity: fmt(f.referenceEquity),
  };
}

type Partial3 = Omit<MetricResult, 'metric' | 'threshold'>;
function deltaOf(a: Decimal | null, b: Decimal | null): Decimal | null {
  return a === null || b === null ? null : a.minus(b);
}

function fillRatio(a: EnvFigures, b: EnvFigures, th: ParityThresholds): Partial3 {
  const base = { a: fmt(a.fillRatio), b: fmt(b.fillRatio), delta: fmt(deltaOf(a.fillRatio, b.fillRatio)) };
  if (a.fillRatio === null && b.fillRatio === null) return { ...base, status: 'N/A', reason: 'no orders placed on either side' };
  if (a.fillRatio === null || b.fillRatio === null) return { ...base, status: 'FAIL', reason: `orders placed: a ${a.ordersPlaced}, b ${b.ordersPlaced}` };
  const d = a.fillRatio.minus(b.fillRatio).abs();
  if (d.gt(th.fillRatioMaxAbsDelta)) return { ...base, status: 'FAIL', reason: `|delta| ${fmt(d)} > ${th.fillRatioMaxAbsDelta.toString()}` };
  const [hi, lo] = a.fillRatio.gte(b.fillRatio) ? [a, b] : [b, a];
  if (hi.ordersFilled >= th.fillRatioMinFilledOrders && (lo.fillRatio?.isZero() === true || (hi.fillRatio ?? new Decimal(0)).dividedBy(lo.fillRatio ?? 1).gt(th.fillRatioMaxRatio))) {
    return { ...base, status: 'FAIL', reason: `one side fills more than ${th.fillRatioMaxRatio.toString()}× the other (${hi.ordersFilled} vs ${lo.ordersFilled} filled orders)` };
  }
  return { ...base, status: 'PASS' };
}

function absDelta(name: string, a: Decimal | null, b: Decimal | null, max: Decimal, whenNone: string, dp = 10): Partial3 {
  const delta = deltaOf(a, b);
  const base = { a: fmt(a, dp), b: fmt(b, dp), delta: fmt(delta, dp) };
  if (a === null && b === null) return { ...base, status: 'N/A', reason: whenNone };
  if (delta === null) return { ...base, status: 'N/A', reason: `${name} measured on ${a === null ? 'b' : 'a'} only (see fill_ratio)` };
  return delta.abs().gt(max) ? { ...base, status: 'FAIL', reason: `|delta| ${fmt(delta.abs(), dp)} > ${max.toString()}` } : { ...base, status: 'PASS' };
}

function pnl(a: EnvFigures, b: EnvFigures, th: ParityThresholds): Partial3 {
  const delta = deltaOf(a.realizedPnl, b.realizedPnl);
  const base = { a: fmt(a.realizedPnl), b: fmt(b.realizedPnl), delta: fmt(delta) };
  const refs = [a.referenceEquity, b.referenceEquity].filter((x): x is Decimal => x !== null && x.gt(0));
  if (delta === null || refs.length === 0) return { ...base, status: 'N/A', reason: 'no state.snapshot to read realized PnL and equity from on both sides' };
  const ref = refs.reduce((s, x) => s.plus(x), new Decimal(0)).dividedBy(refs.length);
  const rel = delta.abs().dividedBy(ref);
  return rel.gt(th.realizedPnlMaxAbsDeltaOfEquity)
    ? { ...base, status: 'FAIL', reason: `|delta| / equity ${fmt(rel)} > ${th.realizedPnlMaxAbsDeltaOfEquity.toString()}` }
    : { ...base, status: 'PASS' };
}

function compareWindow(a: BotEvents, b: BotEvents, w: Interval, th: ParityThresholds): WindowResult {
  const fa = envFigures(a, w);
  const fb = envFigures(b, w);
  const metrics: MetricResult[] = [
    { metric: 'fill_ratio', threshold: `|Δ| ≤ ${th.fillRatioMaxAbsDelta.toString()} and ratio ≤ ${th.fillRatioMaxRatio.toString()}× (from ${th.fillRatioMinFilledOrders} filled orders)`, ...fillRatio(fa, fb, th) },
    { metric: 'slippage_bps', threshold: `|Δ| ≤ ${th.slippageMaxAbsDeltaBps.toString()} bps`, ...absDelta('slippage', fa.slippageBps, fb.slippageBps, th.slippageMaxAbsDeltaBps, 'no fills on either side', 6) },
    { metric: 'reject_rate', threshold: `|Δ| ≤ ${th.rejectRateMaxAbsDelta.toString()}`, ...absDelta('reject rate', fa.rejectRate, fb.rejectRate, th.rejectRateMaxAbsDelta, 'no orders placed on either side') },
    { metric: 'realized_pnl', threshold: `|Δ| / equity ≤ ${th.realizedPnlMaxAbsDeltaOfEquity.toString()}`, ...pnl(fa, fb, th) },
  ];
  return { start: isoOf(w.start), end: isoOf(w.end), a: figuresJson(fa), b: figuresJson(fb), metrics };
}

export interface ParityInput {
  readonly a: { readonly source: string; readonly events: readonly StoredEvent[]; readonly findings?: readonly Finding[] };
  readonly b: { readonly source: string; readonly events: readonly StoredEvent[]; readonly findings?: readonly Finding[] };
  readonly window: WindowSpec;
  readonly windowText: string;
  readonly bot?: string;
  readonly thresholds?: ParityThresholds;
}

/** Builds the parity report (see docs/validation.md for the schema). */
export function parityReport(input: ParityInput): ParityReport {
  const th = input.thresholds ?? PARITY_THRESHOLDS_V1;
  const tag = (side: 'a' | 'b', fs: readonly Finding[] = []): Finding[] => fs.map((f) => ({ ...f, message: `${side}: ${f.message}` }));
  const findings: Finding[] = [...tag('a', input.a.findings), ...tag('b', input.b.findings)];
  const botsA = botEventsOf(input.a.events);
  const botsB = botEventsOf(input.b.events);
  for (const [side, src, bots] of [['a', input.a.source, botsA], ['b', input.b.source, botsB]] as const) {
    if (bots.size === 0) findings.push({ code: 'no_events', severity: 'invalid', message: `${side}: no bot events in ${src}` });
  }
  let ids = [...botsA.keys()].filter((id) => botsB.has(id));
  if (input.bot !== undefined) {
    for (const [side, bots] of [['a', botsA], ['b', botsB]] as const) {
      if (bots.size > 0 && !bots.has(input.bot)) findings.push({ code: 'unknown_bot', severity: 'invalid', botId: input.bot, message: `${side}: bot ${input.bot} has no events (bots: ${[...bots.keys()].join(', ')})` });
    }
    ids = ids.filter((id) => id === input.bot);
  } else if (botsA.size > 0 && botsB.size > 0 && ids.length === 0) {
    findings.push({ code: 'no_common_bots', severity: 'invalid', message: `no bot id in both: a has ${[...botsA.keys()].join(', ')}; b has ${[...botsB.keys()].join(', ')}` });
  }
  const bots: BotParity[] = [];
  const failures: string[] = [];
  let lastTs: number | null = null;
  for (const id of ids) {
    const a = botsA.get(id);
    const b = botsB.get(id);
    if (a === undefined || b === undefined) continue;
    const overlap = { start: Math.max(a.firstTs, b.firstTs), end: Math.min(a.lastTs, b.lastTs) };
    if (overlap.start > overlap.end) {
      findings.push({ code: 'no_overlap', severity: 'invalid', botId: id, message: `bot ${id}: a covers ${isoOf(a.firstTs)}..${isoOf(a.lastTs)}, b ${isoOf(b.firstTs)}..${isoOf(b.lastTs)}: no common time` });
      continue;
    }
    lastTs = Math.max(lastTs ?? overlap.end, overlap.end);
    const windows = (input.window.kind === 'all' ? [overlap] : buckets(overlap, input.window.ms)).map((w) => compareWindow(a, b, w, th));
    const overall = compareWindow(a, b, overlap, th);
    for (const w of [...windows, overall]) {
      for (const m of w.metrics) if (m.status === 'FAIL') failures.push(`${id} ${w === overall ? 'overall' : w.start}: ${m.metric}${m.reason === undefined ? '' : ` (${m.reason})`}`);
    }
    const failed = [...windows, overall].some((w) => w.metrics.some((m) => m.status === 'FAIL'));
    bots.push({ botId: id, overlap: { start: isoOf(overlap.start), end: isoOf(overlap.end) }, status: failed ? 'FAIL' : 'PASS', overall, windows });
  }
  return {
    schema: PARITY_REPORT_SCHEMA,
    status: statusOf(findings, bots.some((b) => b.status === 'FAIL')),
    thresholdsVersion: th.version,
    thresholds: Object.fromEntries(Object.entries(th).map(([k, v]) => [k, typeof v === 'number' || typeof v === 'string' ? v : String(v)])),
    a: input.a.source,
    b: input.b.source,
    window: input.windowText,
    day: lastTs === null ? null : isoOf(lastTs).slice(0, 10),
    bots,
    failures,
    findings,
  };
}
