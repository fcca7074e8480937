/** The reconciliation actor with fake ports on a VirtualClock: scheduling, events, onCritical. */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { Finding, ReconFill, ReconOrder } from '../domain/recon/index.ts';
import { createEventLog } from './event-log.ts';
import { type LocalBook, Reconciliation, type VenueReads, type VenueTrade } from './reconciliation.ts';

const d = (x: string): Decimal => new Decimal(x);
const trade = (id: string): VenueTrade => ({ tradeId: id, orderId: `o-${id}`, clientOrderId: 'c1', price: d('60000'), amount: d('0.001'), fee: d('0.06'), feeAsset: 'USDT', ts: 5_000 });
const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(o: { venueTrades?: VenueTrade[]; localFills?: ReconFill[]; venueOrders?: ReconOrder[]; firstPhase?: 'startup' | 'runtime' } = {}) {
  const clock = new VirtualClock(10_000);
  const events: EventEnvelope[] = [];
  const log = createEventLog({ append: (e) => events.push(e) });
  const sinceAsked: number[] = [];
  const venue: VenueReads = {
    openOrders: async () => o.venueOrders ?? [],
    balances: async () => ({ USDT: d('1000') }),
    myTrades: async (since) => {
      sinceAsked.push(since);
      return o.venueTrades ?? [trade('t1')];
    },
  };
  const local: LocalBook = { expectedBalances: () => ({ USDT: d('1000') }), knownOpenOrders: () => [], fills: () => o.localFills ?? [trade('t1')] };
  const criticals: Finding[][] = [];
  const recon = new Reconciliation({ botId: 'btc-live', symbol: 'BTC/USDT', venue, local, log, clock, lookbackMs: 8_000, ...(o.firstPhase !== undefined ? { firstPhase: o.firstPhase } : {}), onCritical: (f) => criticals.push([...f]) });
  return { clock, events, recon, criticals, sinceAsked };
}

describe('Reconciliation actor', () => {
  it('runOnce with agreeing sides: no finding, one recon.completed, no onCritical', async () => {
    const s = setup();
    const r = await s.recon.runOnce();
    expect(r).toMatchObject({ thresholdsVersion: 'recon-thresholds/v1', ts: 10_000, bot: 'btc-live', symbol: 'BTC/USDT', phase: 'startup', sinceMs: 2_000, counts: { warning: 0, critical: 0, total: 0 }, findings: [] });
    expect(s.sinceAsked).toEqual([2_000]);
    expect(s.events.map((e) => e.type)).toEqual(['recon.completed']);
    expect(s.events[0]).toMatchObject({ producer: 'recon', botId: 'btc-live', payload: { critical: 0, warning: 0, total: 0, phase: 'startup' } });
    expect(s.criticals).toEqual([]);
  });

  it('appends each finding then the summary, in one correlation chain; onCritical gets only the criticals', async () => {
    const s = setup({ localFills: [], venueOrders: [{ clientOrderId: 'x1', side: 'buy', price: d('1'), amount: d('1'), filled: d('0') }], firstPhase: 'runtime' }); // the orphan is a warning
    const r = await s.recon.runOnce();
    expect(r.counts).toEqual({ warning: 1, critical: 1, total: 2 });
    expect(s.events.map((e) => [e.type, e.payload['check'] ?? null])).toEqual([
      ['recon.finding', 'order.orphan'],
      ['recon.finding', 'fill.missing'],
      ['recon.completed', null],
    ]);
    expect(new Set(s.events.map((e) => e.correlationId)).size).toBe(1);
    expect(s.criticals).toHaveLength(1);
    expect(s.criticals[0]?.map((f) => [f.check, f.subject])).toEqual([['fill.missing', 't1']]);
  });

  it('onCritical is not called for warnings only', async () => {
    const s = setup({ venueOrders: [{ clientOrderId: 'x1', side: 'buy', price: d('1'), amount: d('1'), filled: d('0') }] });
    await s.recon.runOnce(); // startup: critical orphan
    await s.recon.runOnce(); // runtime: warning
    expect(s.criticals).toHaveLength(1);
    expect(s.events.filter((e) => e.type === 'recon.completed').map((e) => e.payload['phase'])).toEqual(['startup', 'runtime']);
  });

  it('start(interval) runs on the clock every interval until stop; runs never overlap', async () => {
    const s = setup();
    s.recon.start(1_000);
    s.recon.start(1_000); // idempotent
    await flush();
    expect(s.sinceAsked).toEqual([]);
    s.clock.advanceBy(999);
    await flush();
    expect(s.sinceAsked).toEqual([]);
    s.clock.advanceBy(1);
    await flush();
    expect(s.sinceAsked).toEqual([3_000]);
    s.clock.advanceBy(1_000);
    await flush();
    s.clock.advanceBy(1_000);
    await flush();
    expect(s.sinceAsked).toEqual([3_000, 4_000, 5_000]);
    s.recon.stop();
    s.clock.advanceBy(5_000);
    await flush();
    expect(s.sinceAsked).toHaveLength(3);
    expect(s.clock.pending).toBe(0);
    const [a, b] = [s.recon.runOnce(), s.recon.runOnce()];
    expect(a).toBe(b);
    await a;
  });

  it('a failed run reports onError and the schedule goes on', async () => {
    const clock = new VirtualClock(0);
    const errors: unknown[] = [];
    let calls = 0;
    const venue: VenueReads = {
      openOrders: async () => {
        calls += 1;
        if (calls === 1) throw new Error('venue down');
        return [];
      },
      balances: async () => ({}),
      myTrades: async () => [],
    };
    const local: LocalBook = { expectedBalances: () => null, knownOpenOrders: () => [], fills: () => [] };
    const recon = new Reconciliation({ botId: 'b', symbol: 'BTC/USDT', venue, local, log: createEventLog({ append: () => undefined }), clock, onError: (e) => errors.push(e) });
    recon.start(100);
    clock.advanceBy(100);
    await flush();
    clock.advanceBy(100);
    await flush();
    expect(errors).toHaveLength(1);
    expect(calls).toBe(2);
    recon.stop();
  });
});
