import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRestartPolicy, type RestartPolicy } from './restart-policy.ts';

const VALID = { strategy: 'one_for_one', initial_backoff_ms: 100, max_backoff_ms: 1_000, multiplier: 2, max_restarts: 3, window_ms: 60_000 };
const paths = (v: unknown) => {
  const r = parseRestartPolicy(v);
  return r.ok ? [] : r.violations.map((x) => x.path);
};

describe('parseRestartPolicy', () => {
  it('accepts a valid policy, including max_restarts 0 and multiplier 1', () => {
    expect(parseRestartPolicy(VALID)).toEqual({ ok: true, policy: VALID });
    expect(parseRestartPolicy({ ...VALID, max_restarts: 0, multiplier: 1, max_backoff_ms: 100 }).ok).toBe(true);
  });

  it('reports every violation at once, each with its path', () => {
    expect(paths({ strategy: 'one_for_all', initial_backoff_ms: 0, max_backoff_ms: 50, multiplier: 0.5, max_restarts: -1, window_ms: 0, extra: 1 }).sort()).toEqual(
      ['extra', 'initial_backoff_ms', 'max_restarts', 'multiplier', 'strategy', 'window_ms'],
    );
  });

  it('max_backoff_ms below initial_backoff_ms is reported on max_backoff_ms, alongside other faults', () => {
    const r = parseRestartPolicy({ ...VALID, max_backoff_ms: 50, window_ms: -1 });
    expect(r.ok ? [] : r.violations).toEqual([
      expect.objectContaining({ path: 'window_ms' }),
      { path: 'max_backoff_ms', message: 'expected ≥ initial_backoff_ms (100), got 50' },
    ]);
  });

  it('missing fields and non-objects are violations, not throws', () => {
    expect(paths({}).sort()).toEqual(['initial_backoff_ms', 'max_backoff_ms', 'max_restarts', 'multiplier', 'strategy', 'window_ms']);
    expect(paths(null)).toEqual(['']);
    expect(paths({ ...VALID, max_restarts: 1.5 })).toEqual(['max_restarts']);
  });
});

describe('backoffDelay', () => {
  it('grows by the multiplier per restart in the window, capped at max_backoff_ms', () => {
    const p = VALID as RestartPolicy;
    expect([0, 1, 2, 3, 4, 10, 100].map((n) => backoffDelay(p, n))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
    expect(backoffDelay({ ...p, multiplier: 1 }, 5)).toBe(100);
  });
});
