import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, ZERO } from '../../domain/money/decimal.ts';
import { PAPER_DEFAULTS } from '../../domain/paper/index.ts';
import { book, cid, intent, setup, trade } from './paper.fixtures.ts';
import type { Balance, OrderFill } from './types.ts';

type Op =
  | { readonly kind: 'book'; readonly mid: number; readonly size: number }
  | { readonly kind: 'trade'; readonly price: number; readonly amount: number; readonly buy: boolean }
  | { readonly kind: 'place'; readonly buy: boolean; readonly price: number; readonly amount: number; readonly postOnly: boolean }
  | { readonly kind: 'cancel'; readonly which: number };

const cents = (n: number): Decimal => new Decimal(n).dividedBy(100);

const bookOp = fc.record({ kind: fc.constant('book' as const), mid: fc.integer({ min: 9_800, max: 10_200 }), size: fc.integer({ min: 1, max: 5_000 }) });
const tradeOp = fc.record({ kind: fc.constant('trade' as const), price: fc.integer({ min: 9_700, max: 10_300 }), amount: fc.integer({ min: 1, max: 5_000 }), buy: fc.boolean() });
const placeOp = fc.record({
  kind: fc.constant('place' as const),
  buy: fc.boolean(),
  price: fc.integer({ min: 9_700, max: 10_300 }),
  amount: fc.integer({ min: 1, max: 3_000 }),
  postOnly: fc.boolean(),
});
const cancelOp = fc.record({ kind: fc.constant('cancel' as const), which: fc.nat({ max: 30 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: bookOp },
  { weight: 3, arbitrary: tradeOp },
  { weight: 3, arbitrary: placeOp },
  { weight: 1, arbitrary: cancelOp },
);

const holding = (bs: readonly Balance[], asset: string): Decimal => bs.find((b) => b.asset === asset)?.total ?? ZERO;

describe('PaperExecutionAdapter: balances property', () => {
  it('balances change exactly by the fills: Δbase = Σ signed amount, Δquote = −Σ signed price·amount − Σ fees', async () => {
    let withFills = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.array(fc.tuple(op, fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 40 }),
        async (seed, ops) => {
          const { clock, adapter, updates } = setup({ ...PAPER_DEFAULTS, seed });
          const before = await adapter.balances();
          let t = 1_000;
          let placed = 0;
          adapter.onMarket(book(t, 100, 10, 101, 10));
          for (const [o, dt] of ops) {
            t += dt;
            clock.advanceTo(t);
            if (o.kind === 'book') adapter.onMarket(book(t, cents(o.mid - 50), cents(o.size), cents(o.mid + 50), cents(o.size)));
            else if (o.kind === 'trade') adapter.onMarket(trade(t, cents(o.price), cents(o.amount), o.buy ? 'buy' : 'sell'));
            else if (o.kind === 'place') {
              void adapter.place(intent(`o${placed}`, o.buy ? 'buy' : 'sell', cents(o.price).toString(), new Decimal(o.amount).dividedBy(1000).toString(), o.postOnly));
              placed += 1;
            } else await adapter.cancel(cid(`o${o.which}`));
          }
          clock.advanceTo(t + 1_000);
          const after = await adapter.balances();
          const fills = updates.filter((u): u is OrderFill => u.type === 'order.fill');
          if (fills.length > 0) withFills += 1;
          let base = ZERO;
          let quote = ZERO;
          for (const f of fills) {
            const signed = f.side === 'buy' ? f.amount : f.amount.negated();
            base = base.plus(signed);
            quote = quote.minus(signed.times(f.price)).minus(f.fee);
          }
          expect(holding(after, 'BTC').minus(holding(before, 'BTC')).eq(base)).toBe(true);
          expect(holding(after, 'USDT').minus(holding(before, 'USDT')).eq(quote)).toBe(true);
          await adapter.close();
        },
      ),
      { numRuns: 300 },
    );
    // Not vacuous: about 40% of the 300 runs trade at all (counts shrink runs too, hence ≥).
    expect(withFills).toBeGreaterThanOrEqual(75);
  });
});
