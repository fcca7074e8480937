/** Baseline metrics: what they read from summary.json and the tolerance rule. */
import { describe, expect, it } from 'vitest';
import { Decimal } from '../domain/money/decimal.ts';
import { checkMetric, metricFailure, readMetric } from './metrics.ts';

const entry = (expected: string, abs = '0', rel = '0') => ({ expected: new Decimal(expected), abs: new Decimal(abs), rel: new Decimal(rel) });

describe('baseline metrics', () => {
  it('passes within max(abs, rel·|expected|), fails beyond it', () => {
    expect(checkMetric('net_pnl', entry('-100', '1', '0.05'), new Decimal('-105'), 'w/summary.json').verdict).toBe('PASS');
    expect(checkMetric('net_pnl', entry('-100', '1', '0.05'), new Decimal('-105.01'), 'w/summary.json').verdict).toBe('FAIL');
    expect(checkMetric('net_pnl', entry('0.1', '1', '0.05'), new Decimal('1.1'), 'w/summary.json').verdict).toBe('PASS');
    expect(checkMetric('orders_placed', entry('0'), new Decimal('1'), 'w/summary.json').verdict).toBe('FAIL');
  });

  it('a failure names window, metric, expected, actual and tolerance', () => {
    const c = checkMetric('fills', entry('10', '2', '0.05'), new Decimal('13'), 'w/summary.json');
    expect(metricFailure('ftx-calm', c)).toBe('ftx-calm: metric fills: expected 10, actual 13 (|diff| 3 > tolerance 2 = max(abs 2, rel 0.05·|expected|))');
  });

  it('reads each metric from a summary', () => {
    const summary = {
      run: { decisions: 5, fills: 2, orders: { placed: 7, cancelled: 4, rejected: { a: 1, b: 2 } } },
      metrics: { netPnl: '-1.5', fees: '0.2', grossSpreadCapture: '0.3', maxDrawdown: '0.01', turnover: '1.2', perRegime: [{ regime: 'high_vol_shock', bars: 3 }] },
    };
    const read = (n: Parameters<typeof readMetric>[1]): string => readMetric(summary, n).toFixed();
    expect([read('net_pnl'), read('fills'), read('orders_placed'), read('orders_cancelled'), read('orders_rejected'), read('decisions'), read('shock_decisions'), read('hard_stopped_decisions')]).toEqual(['-1.5', '2', '7', '4', '3', '5', '3', '0']);
  });
});
