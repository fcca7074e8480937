/**
 * Baseline metrics: what each metric name reads from a window's `summary.json`, the tolerance
 * rule and the check. A metric passes when `|actual − expected| ≤ max(abs, rel·|expected|)`
 * (Decimal arithmetic, no float rounding); counts use the same rule.
 */
import { Decimal } from '../domain/money/decimal.ts';

export const METRIC_NAMES = [
  'net_pnl',
  'fees',
  'gross_spread_capture',
  'max_drawdown',
  'turnover',
  'fills',
  'orders_placed',
  'orders_cancelled',
  'orders_rejected',
  'decisions',
  'shock_decisions',
  'hard_stopped_decisions',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Integer counts (written back as YAML numbers by --update-baselines); the rest are decimals. */
export const COUNT_METRICS: ReadonlySet<MetricName> = new Set(['fills', 'orders_placed', 'orders_cancelled', 'orders_rejected', 'decisions', 'shock_decisions', 'hard_stopped_decisions']);

/** One baseline entry: the expected value and its tolerances (absent = 0). */
export interface BaselineEntry {
  readonly expected: Decimal;
  readonly abs: Decimal;
  readonly rel: Decimal;
}

/** The tolerances --update-baselines gives a metric it adds (an existing entry keeps its own). */
export const DEFAULT_TOLERANCE: Readonly<Record<MetricName, { readonly abs: string; readonly rel: string }>> = {
  net_pnl: { abs: '0.5', rel: '0.05' },
  fees: { abs: '0.05', rel: '0.05' },
  gross_spread_capture: { abs: '0.05', rel: '0.05' },
  max_drawdown: { abs: '0.001', rel: '0.05' },
  turnover: { abs: '0.01', rel: '0.05' },
  fills: { abs: '2', rel: '0.05' },
  orders_placed: { abs: '0', rel: '0.05' },
  orders_cancelled: { abs: '0', rel: '0.05' },
  orders_rejected: { abs: '2', rel: '0.05' },
  decisions: { abs: '0', rel: '0' },
  shock_decisions: { abs: '2', rel: '0.1' },
  hard_stopped_decisions: { abs: '2', rel: '0.05' },
};

/** The metrics a window gets when --update-baselines writes a baseline it did not have. */
export const DEFAULT_METRICS: readonly MetricName[] = ['net_pnl', 'fees', 'fills', 'orders_placed', 'max_drawdown'];

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

function dec(v: unknown, what: string): Decimal {
  if (typeof v === 'number' || typeof v === 'string') return new Decimal(v);
  throw new TypeError(`summary.json has no ${what}`);
}

function regimeBars(summary: Record<string, unknown>, regime: string): Decimal {
  const rows = obj(summary['metrics'])['perRegime'];
  const row = Array.isArray(rows) ? rows.map(obj).find((r) => r['regime'] === regime) : undefined;
  return row === undefined ? new Decimal(0) : dec(row['bars'], `metrics.perRegime[${regime}].bars`);
}

/** Reads one metric from a summary.json object. */
export function readMetric(summary: Record<string, unknown>, name: MetricName): Decimal {
  const m = obj(summary['metrics']);
  const run = obj(summary['run']);
  const orders = obj(run['orders']);
  switch (name) {
    case 'net_pnl':
      return dec(m['netPnl'], 'metrics.netPnl');
    case 'fees':
      return dec(m['fees'], 'metrics.fees');
    case 'gross_spread_capture':
      return dec(m['grossSpreadCapture'], 'metrics.grossSpreadCapture');
    case 'max_drawdown':
      return dec(m['maxDrawdown'], 'metrics.maxDrawdown');
    case 'turnover':
      return dec(m['turnover'], 'metrics.turnover');
    case 'fills':
      return dec(run['fills'], 'run.fills');
    case 'orders_placed':
      return dec(orders['placed'], 'run.orders.placed');
    case 'orders_cancelled':
      return dec(orders['cancelled'], 'run.orders.cancelled');
    case 'orders_rejected':
      return Object.values(obj(orders['rejected'])).reduce<Decimal>((acc, n) => acc.plus(dec(n, 'run.orders.rejected')), new Decimal(0));
    case 'decisions':
      return dec(run['decisions'], 'run.decisions');
    case 'shock_decisions':
      return regimeBars(summary, 'high_vol_shock');
    case 'hard_stopped_decisions':
      return regimeBars(summary, 'hard_stopped');
  }
}

/** The outcome of one metric check, JSON-ready (decimals as plain strings). */
export interface MetricCheck {
  readonly name: MetricName;
  readonly verdict: 'PASS' | 'FAIL';
  readonly expected: string;
  readonly actual: string;
  /** `|actual − expected|`. */
  readonly diff: string;
  /** `max(abs, rel·|expected|)`, with its parts. */
  readonly tolerance: { readonly allowed: string; readonly abs: string; readonly rel: string };
  /** Where the actual value was read (relative to regression.json). */
  readonly evidence: string;
}

/** Checks one metric against its baseline entry. */
export function checkMetric(name: MetricName, entry: BaselineEntry, actual: Decimal, evidence: string): MetricCheck {
  const diff = actual.minus(entry.expected).abs();
  const byRel = entry.rel.times(entry.expected.abs());
  const allowed = Decimal.max(entry.abs, byRel);
  return {
    name,
    verdict: diff.lte(allowed) ? 'PASS' : 'FAIL',
    expected: entry.expected.toFixed(),
    actual: actual.toFixed(),
    diff: diff.toFixed(),
    tolerance: { allowed: allowed.toFixed(), abs: entry.abs.toFixed(), rel: entry.rel.toFixed() },
    evidence,
  };
}

/** The one-line reason a metric check failed, naming window, metric, expected, actual and tolerance. */
export function metricFailure(windowId: string, c: MetricCheck): string {
  return `${windowId}: metric ${c.name}: expected ${c.expected}, actual ${c.actual} (|diff| ${c.diff} > tolerance ${c.tolerance.allowed} = max(abs ${c.tolerance.abs}, rel ${c.tolerance.rel}·|expected|))`;
}
