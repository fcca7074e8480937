import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { RECON_THRESHOLDS_V1, countBySeverity, reconcile } from './index.ts';
import type { ReconFill, ReconInput, ReconOrder, ReconSide } from './index.ts';

const d = (x: string): Decimal => new Decimal(x);
const order = (id: string, o: Partial<ReconOrder> = {}): ReconOrder => ({ clientOrderId: id, side: 'buy', price: d('60000'), amount: d('0.001'), filled: d('0'), ...o });
const fill = (id: string, o: Partial<ReconFill> = {}): ReconFill => ({ tradeId: id, clientOrderId: 'c1', price: d('60000'), amount: d('0.001'), fee: d('0.06'), feeAsset: 'USDT', ts: 1000, ...o });
const side = (o: Partial<ReconSide> = {}): ReconSide => ({ balances: { USDT: d('1000'), BTC: d('0.01') }, openOrders: [], fills: [], ...o });
const input = (venue: Partial<ReconSide>, local: Partial<ReconSide>, o: Partial<ReconInput> = {}): ReconInput => ({ venue: side(venue), local: side(local), phase: 'runtime', ...o });

describe('reconcile: balances (thresholds v1: warning > 1 %, critical > 5 %)', () => {
  it('is versioned', () => {
    expect(RECON_THRESHOLDS_V1.version).toBe('recon-thresholds/v1');
  });

  it('no finding at exactly 1 % (strict >), a warning just above, a critical above 5 %', () => {
    expect(reconcile(input({ balances: { USDT: d('1010'), BTC: d('0.01') } }, {}))).toEqual([]);
    const w = reconcile(input({ balances: { USDT: d('1010.01'), BTC: d('0.01') } }, {}));
    expect(w).toMatchObject([{ check: 'balance', severity: 'warning', subject: 'USDT', venue: '1010.01', local: '1000', diff: '10.01', threshold: 'rel > 0.01' }]);
    expect(reconcile(input({ balances: { USDT: d('1000'), BTC: d('0.0094') } }, {}))).toMatchObject([{ subject: 'BTC', severity: 'critical', diff: '-0.0006', threshold: 'rel > 0.05' }]);
  });

  it('an asset the ledger expects at zero is critical above dust, ignored at or below it', () => {
    const venue = { balances: { USDT: d('1000'), BTC: d('0.01'), ETH: d('0.5') } };
    expect(reconcile(input(venue, {}))).toMatchObject([{ subject: 'ETH', severity: 'critical', local: '0' }]);
    expect(reconcile(input(venue, {}, { dust: { ETH: d('0.5') } }))).toEqual([]);
    expect(reconcile(input(venue, {}, { assets: ['BTC', 'USDT'] }))).toEqual([]);
  });

  it('skips the balance check without local balances', () => {
    expect(reconcile(input({ balances: { USDT: d('1') } }, { balances: null }))).toEqual([]);
  });
});

describe('reconcile: open orders', () => {
  it('an orphan is a warning at runtime, critical at startup, a warning when adopted', () => {
    const i = input({ openOrders: [order('x1')] }, {});
    expect(reconcile(i)).toMatchObject([{ check: 'order.orphan', severity: 'warning', subject: 'x1', local: null }]);
    expect(reconcile({ ...i, phase: 'startup' })).toMatchObject([{ check: 'order.orphan', severity: 'critical' }]);
    expect(reconcile({ ...i, phase: 'startup', adopted: ['x1'] })).toMatchObject([{ check: 'order.orphan', severity: 'warning', threshold: 'adopted' }]);
  });

  it('a locally open order the venue lacks is missing (warning)', () => {
    expect(reconcile(input({}, { openOrders: [order('c9')] }))).toMatchObject([{ check: 'order.missing', severity: 'warning', subject: 'c9', venue: null }]);
  });

  it('different price/amount are critical, a filled lag a warning', () => {
    const f = reconcile(input({ openOrders: [order('c1', { price: d('60001'), amount: d('0.002'), filled: d('0.001') })] }, { openOrders: [order('c1')] }));
    expect(f.map((x) => [x.check, x.severity, x.diff])).toEqual([
      ['order.price_mismatch', 'critical', '1'],
      ['order.amount_mismatch', 'critical', '0.001'],
      ['order.filled_mismatch', 'warning', '0.001'],
    ]);
  });
});

describe('reconcile: fills by trade id', () => {
  it('missing and phantom fills are critical', () => {
    const f = reconcile(input({ fills: [fill('t1'), fill('t2')] }, { fills: [fill('t1'), fill('t3')] }));
    expect(f.map((x) => [x.check, x.severity, x.subject])).toEqual([
      ['fill.missing', 'critical', 't2'],
      ['fill.phantom', 'critical', 't3'],
    ]);
    expect(countBySeverity(f)).toEqual({ warning: 0, critical: 2 });
  });

  it('price/amount/order disagreement is critical; a fee off by more than 1 % a warning, within it nothing', () => {
    const f = reconcile(input({ fills: [fill('t1', { price: d('60000.5'), amount: d('0.002'), clientOrderId: 'c2', fee: d('0.0607') })] }, { fills: [fill('t1')] }));
    expect(f.map((x) => [x.check, x.severity])).toEqual([
      ['fill.order_mismatch', 'critical'],
      ['fill.price_mismatch', 'critical'],
      ['fill.amount_mismatch', 'critical'],
      ['fill.fee_mismatch', 'warning'],
    ]);
    expect(reconcile(input({ fills: [fill('t1', { fee: d('0.0605') })] }, { fills: [fill('t1')] }))).toEqual([]);
    expect(reconcile(input({ fills: [fill('t1', { feeAsset: 'BNB' })] }, { fills: [fill('t1')] }))).toMatchObject([{ check: 'fill.fee_mismatch', threshold: 'asset differs' }]);
  });

  it('a trade booked twice locally is a critical duplicate; a venue null client id is not a mismatch', () => {
    expect(reconcile(input({ fills: [fill('t1', { clientOrderId: null })] }, { fills: [fill('t1'), fill('t1')] }))).toMatchObject([{ check: 'fill.duplicate', severity: 'critical', subject: 't1', local: '2 fills' }]);
  });

  it('fills before sinceMs are outside the window', () => {
    expect(reconcile(input({ fills: [] }, { fills: [fill('old', { ts: 10 })] }, { sinceMs: 500 }))).toEqual([]);
    expect(reconcile(input({ fills: [] }, { fills: [fill('old', { ts: 10 })] }, { sinceMs: 5 }))).toHaveLength(1);
  });

  it('orders findings balances → orders → fills, each by subject', () => {
    const f = reconcile(input({ balances: { USDT: d('2000'), BTC: d('0.01') }, openOrders: [order('b'), order('a')], fills: [fill('z'), fill('y')] }, {}));
    expect(f.map((x) => x.subject)).toEqual(['USDT', 'a', 'b', 'y', 'z']);
  });
});
