import { describe, expect, it } from 'vitest';
import { PAPER_DEFAULTS } from '../../domain/paper/config.ts';
import { botSchema } from './desk.ts';
import { paperSchema, toPaperAccount, toPaperConfig } from './paper.ts';

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
const issues = (input: unknown) => {
  const r = paperSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('paper schema', () => {
  it('an empty section converts to exactly PAPER_DEFAULTS', () => {
    expect(plain(toPaperConfig(paperSchema.parse({})))).toEqual(plain(PAPER_DEFAULTS));
  });

  it('covers every PaperConfig field, plus the account\'s starting holdings and its (perp) funding', () => {
    const snake = Object.keys(paperSchema.shape).map((k) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())).sort();
    expect(snake).toEqual([...Object.keys(PAPER_DEFAULTS), 'startBase', 'startQuote', 'fundingRate', 'fundingIntervalS'].sort());
  });

  it('perp funding: defaults to 0.01% every 8 h; a rate beyond ±3% or an interval under a minute is refused', () => {
    const acct = toPaperAccount(paperSchema.parse({}));
    expect([acct.fundingRate.toString(), acct.fundingIntervalMs]).toEqual(['0.0001', 28_800_000]);
    expect(paperSchema.safeParse({ funding_rate: '0.05' }).success).toBe(false);
    expect(paperSchema.safeParse({ funding_interval_s: 30 }).success).toBe(false);
  });

  it('starting holdings default to 0 base and 1000 quote; the quote is never negative', () => {
    const acct = toPaperAccount(paperSchema.parse({}));
    expect([acct.startBase.toString(), acct.startQuote.toString()]).toEqual(['0', '1000']);
    expect(paperSchema.safeParse({ start_quote: '-1' }).success).toBe(false);
  });

  it('a negative start_base is a short position: allowed on a perp bot, refused on a spot bot naming the path', () => {
    const bot = (market: string) => ({
      id: 'b',
      instrument: { venue: 'binance', market, symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tick_size: '0.1', lot_step: '0.001', min_amount: '0.001', min_notional: '5' },
      paper: { start_base: '-0.5' },
    });
    expect(botSchema.safeParse(bot('perp')).success).toBe(true);
    const r = botSchema.safeParse(bot('spot'));
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['paper.start_base', 'expected a decimal ≥ 0 on spot (only a perp position may be short), got "-0.5"']]);
  });

  it('converts decimal strings and keeps integers', () => {
    const p = toPaperConfig(paperSchema.parse({ seed: 7, queue_participation: '0.75', partial_fill_min: 0.5 }));
    expect(p.seed).toBe(7);
    expect(p.queueParticipation.toString()).toBe('0.75');
    expect(p.partialFillMin.toString()).toBe('0.5');
  });

  it('partial_fill_min ≤ partial_fill_max', () => {
    expect(issues({ partial_fill_min: '0.8', partial_fill_max: '0.5' })).toEqual([
      { path: 'partial_fill_min', message: 'expected partial_fill_min ≤ partial_fill_max, got partial_fill_min 0.8 and partial_fill_max 0.5' },
    ]);
  });

  it('bounds fractions and integers', () => {
    expect(issues({ queue_jitter_pct: '1' })[0]?.message).toBe('expected a decimal ≥ 0 and < 1, got "1"');
    expect(issues({ seed: -1 })[0]?.message).toBe('expected an integer ≥ 0 and ≤ 4294967295, got -1');
    expect(issues({ latency_ms: 1.5 })[0]?.path).toBe('latency_ms');
    expect(issues({ partial_fill_min: 0 })[0]?.path).toBe('partial_fill_min');
  });

  it('rejects unknown keys', () => {
    expect(paperSchema.safeParse({ latency: 10 }).success).toBe(false);
  });
});
