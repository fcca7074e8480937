/**
 * Invariants of `reconcile`: identical sides agree; removing one local fill gives exactly one
 * critical `fill.missing` for it; an invented local fill gives a critical `fill.phantom`; the
 * findings do not depend on the order either side lists things in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { reconcile } from './reconcile.ts';
import type { ReconFill, ReconInput, ReconOrder, ReconSide } from './types.ts';

const RUNS = { numRuns: 300 };

const decimal = (maxCents: number): fc.Arbitrary<Decimal> => fc.integer({ min: 1, max: maxCents }).map((n) => new Decimal(n).dividedBy(100_000));
const ids = (prefix: string): fc.Arbitrary<string[]> => fc.uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 12 }).map((xs) => xs.map((x) => `${prefix}${x}`));

const orderArb = (id: string): fc.Arbitrary<ReconOrder> =>
  fc.record({ side: fc.constantFrom('buy' as const, 'sell' as const), price: decimal(10_000_000_000), amount: decimal(1_000_000), filled: decimal(1_000_000) }).map((o) => ({ clientOrderId: id, ...o }));
const fillArb = (id: string): fc.Arbitrary<ReconFill> =>
  fc.record({ clientOrderId: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: null }), price: decimal(10_000_000_000), amount: decimal(1_000_000), fee: decimal(100_000), feeAsset: fc.constantFrom('USDT', 'BTC'), ts: fc.integer({ min: 0, max: 1e9 }) }).map((f) => ({ tradeId: id, ...f }));

const sideArb: fc.Arbitrary<ReconSide> = fc
  .tuple(ids('o'), ids('t'), fc.dictionary(fc.constantFrom('BTC', 'USDT', 'ETH', 'BNB'), decimal(100_000_000_000)))
  .chain(([orderIds, tradeIds, balances]) =>
    fc.record({ openOrders: fc.tuple(...orderIds.map(orderArb)), fills: fc.tuple(...tradeIds.map(fillArb)) }).map((s) => ({ balances, openOrders: s.openOrders, fills: s.fills })),
  );

const same = (s: ReconSide, phase: ReconInput['phase'] = 'runtime'): ReconInput => ({ venue: s, local: { balances: { ...(s.balances ?? {}) }, openOrders: [...s.openOrders], fills: [...s.fills] }, phase });

describe('reconcile (properties)', () => {
  it('identical venue and local sides ⇒ no findings', () => {
    fc.assert(
      fc.property(sideArb, fc.constantFrom('runtime' as const, 'startup' as const), (s, phase) => {
        expect(reconcile(same(s, phase))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('removing any one local fill ⇒ exactly one finding: a critical fill.missing for its trade id', () => {
    fc.assert(
      fc.property(sideArb.filter((s) => s.fills.length > 0), fc.nat(), (s, k) => {
        const i = same(s);
        const gone = k % s.fills.length;
        const removed = s.fills[gone] as ReconFill;
        const f = reconcile({ ...i, local: { ...i.local, fills: i.local.fills.filter((_, j) => j !== gone) } });
        expect(f).toHaveLength(1);
        expect(f[0]).toMatchObject({ check: 'fill.missing', severity: 'critical', subject: removed.tradeId });
      }),
      RUNS,
    );
  });

  it('adding a local fill the venue does not know ⇒ a critical fill.phantom for it', () => {
    fc.assert(
      fc.property(sideArb, fillArb('phantom-1'), (s, extra) => {
        const i = same(s);
        const f = reconcile({ ...i, local: { ...i.local, fills: [...i.local.fills, extra] } });
        expect(f).toEqual([expect.objectContaining({ check: 'fill.phantom', severity: 'critical', subject: 'phantom-1' })]);
      }),
      RUNS,
    );
  });

  it('is deterministic: same input ⇒ same output, whatever order the lists come in', () => {
    fc.assert(
      fc.property(sideArb, sideArb, fc.constantFrom('runtime' as const, 'startup' as const), fc.infiniteStream(fc.nat()), (v, l, phase, rnd) => {
        const input: ReconInput = { venue: v, local: l, phase };
        const shuffle = <T>(xs: readonly T[]): T[] => {
          const a = [...xs];
          for (let j = a.length - 1; j > 0; j--) {
            const r = (rnd.next().value as number) % (j + 1);
            [a[j], a[r]] = [a[r] as T, a[j] as T];
          }
          return a;
        };
        const first = reconcile(input);
        expect(reconcile(input)).toEqual(first);
        const shuffled: ReconInput = { venue: { ...v, openOrders: shuffle(v.openOrders), fills: shuffle(v.fills) }, local: { ...l, openOrders: shuffle(l.openOrders), fills: shuffle(l.fills) }, phase };
        expect(reconcile(shuffled)).toEqual(first);
      }),
      RUNS,
    );
  });
});
