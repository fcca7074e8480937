/** Each invariant on small hand-written decision logs: it passes when it should and fails, with evidence, when it should. */
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../domain/money/decimal.ts';
import type { DecisionLine, LoggedPlace } from '../decision-log.ts';
import { deterministic, hardStop, intentExpiry, noOrderInsideBook, zeroOrders } from './index.ts';

const d = (v: string): Decimal => new Decimal(v);
const MIN = 60_000;
const T0 = Date.parse('2022-01-24T06:00:00Z');

function line(i: number, over: Partial<DecisionLine> = {}): DecisionLine {
  return { ts: T0 + i * MIN, bid: d('100'), ask: d('101'), equity: d('1000'), regime: 'neutral_low_vol', status: 'running', soft: [], hardStop: null, open: [], places: [], cancels: [], rejects: [], ...over };
}
const place = (id: string, side: 'buy' | 'sell', price: string): LoggedPlace => ({ id, side, price: d(price), amount: d('0.01'), postOnly: true });
const open = (id: string, i: number) => ({ id, placedAt: T0 + i * MIN });

describe('no_order_inside_book', () => {
  it('passes passive orders, counts touch-improving ones, fails at or through the opposite best', () => {
    const ok = noOrderInsideBook([line(0, { places: [place('a', 'buy', '100'), place('b', 'sell', '101'), place('c', 'buy', '100.5')] })], ['w/decisions.jsonl']);
    expect(ok.verdict).toBe('PASS');
    expect(ok.evidence).toMatchObject({ placed: 3, violations: 0, insideSpread: 1 });
    const bad = noOrderInsideBook([line(0), line(1, { places: [place('x', 'buy', '101'), place('y', 'sell', '99')] })], ['w/decisions.jsonl']);
    expect(bad.verdict).toBe('FAIL');
    expect(bad.evidence['violations']).toBe(2);
    expect(bad.detail).toBe("2 of 2 orders placed at or through the opposite best of its decision's book (first at 2022-01-24T06:01:00.000Z)");
  });
});

describe('intent_expiry', () => {
  const refresh = (r: string | null): number | null => (r === 'neutral_low_vol' ? 3 * MIN : r === 'high_vol_shock' ? MIN : null);

  it('passes when every order reaching its refresh is cancelled at that decision (or earlier)', () => {
    const log = [line(0, { places: [place('a', 'buy', '99')] }), line(1, { open: [open('a', 0)] }), line(2, { open: [open('a', 0)] }), line(3, { open: [open('a', 0)], cancels: ['a'] }), line(4, { open: [open('a', 0)] })];
    const c = intentExpiry(log, refresh, []);
    expect(c.verdict).toBe('PASS');
    expect(c.evidence).toMatchObject({ expired: 2, violations: 0, maxKeptAgeS: 120 });
  });

  it('fails an order left resting past its regime refresh, naming it', () => {
    const log = [line(0), line(1, { open: [open('a', 0)] }), line(2, { open: [open('a', 0)], regime: 'high_vol_shock' })];
    const c = intentExpiry(log, refresh, ['w/decisions.jsonl']);
    expect(c.verdict).toBe('FAIL');
    expect(c.evidence['examples']).toEqual([{ ts: T0 + 2 * MIN, iso: '2022-01-24T06:02:00.000Z', id: 'a', ageS: 120, refreshS: 60, regime: 'high_vol_shock', status: 'running' }]);
  });

  it('a bot that is not running keeps no order (refresh 0)', () => {
    const c = intentExpiry([line(0, { open: [open('a', 0)], status: 'soft_paused' })], refresh, []);
    expect(c.verdict).toBe('FAIL');
  });
});

describe('hard_stop', () => {
  const limit = d('0.01');
  // Equity 1000 at the day open, 995, then 989 (loss 1.1% ≥ 1%).
  const base = [line(0, { open: [] }), line(1, { equity: d('995'), places: [place('a', 'buy', '99')] }), line(2, { equity: d('989'), open: [open('a', 1)], cancels: ['a'], status: 'hard_stopped', hardStop: 'daily_loss' }), line(3, { equity: d('980'), status: 'hard_stopped', hardStop: 'daily_loss' })];

  it('passes when HARD_STOP fires at the breach with the reason, cancels and latches', () => {
    const c = hardStop(base, 'daily_loss', limit, []);
    expect(c.verdict).toBe('PASS');
    expect(c.evidence['breach']).toMatchObject({ iso: '2022-01-24T06:02:00.000Z', reference: '1000', equity: '989' });
  });

  it('fails when it fires late, with another reason, not at all, or after a place', () => {
    const late = [base[0], base[1], { ...(base[2] as DecisionLine), status: 'running', hardStop: null, cancels: [] }, base[3]] as DecisionLine[];
    expect(hardStop(late, 'daily_loss', limit, []).detail).toContain('HARD_STOP fired at 2022-01-24T06:03:00.000Z, the limit broke at 2022-01-24T06:02:00.000Z');
    expect(hardStop(base, 'drawdown', d('0.5'), []).detail).toMatch(/never broke drawdown 0.5.*; HARD_STOP fired with reason daily_loss, expected drawdown/);
    expect(hardStop(base.slice(0, 2), 'daily_loss', limit, []).detail).toMatch(/never broke daily_loss 0.01 \(worst 0.005000\).*; HARD_STOP never fired/);
    const placing = [...base.slice(0, 3), { ...(base[3] as DecisionLine), places: [place('b', 'buy', '90')] }];
    expect(hardStop(placing, 'daily_loss', limit, []).detail).toBe('1 orders placed after the stop');
  });

  it('the day opens again at 00:00 UTC', () => {
    const nextDay = T0 + 18 * 60 * MIN; // 2022-01-25T00:00Z
    const log = [line(0), { ...line(1), ts: nextDay, equity: d('900') }, { ...line(2), ts: nextDay + MIN, equity: d('895') }];
    expect(hardStop(log, 'daily_loss', limit, []).detail).toMatch(/never broke/);
  });
});

describe('zero_orders', () => {
  it('passes without places, fails on the first place', () => {
    expect(zeroOrders([line(0), line(1)], 0, []).verdict).toBe('PASS');
    const c = zeroOrders([line(0), line(1, { places: [place('a', 'buy', '99')] })], 1, ['w/summary.json']);
    expect(c.verdict).toBe('FAIL');
    expect(c.detail).toBe('a no_trade window placed 1 orders (first at 2022-01-24T06:01:00.000Z)');
  });
});

describe('risk_denials_deterministic', () => {
  it('passes identical runs and names what differs', () => {
    const lines = [line(0, { status: 'soft_paused', soft: ['edge_gate'] })];
    const a = { lines, log: 'x\n', summary: 's', bars: 'b' };
    const same = deterministic(a, { ...a }, []);
    expect(same.verdict).toBe('PASS');
    expect(same.evidence['denialDecisions']).toBe(1);
    const other = deterministic(a, { ...a, lines: [line(0)], log: 'y\n' }, []);
    expect(other.verdict).toBe('FAIL');
    expect(other.detail).toBe('two runs differ in: decisions, denials');
  });
});
