import { describe, expect, it } from 'vitest';
import { PAPER_DEFAULTS } from '../../domain/paper/config.ts';
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

  it('starting holdings default to 0 base and 1000 quote and refuse negatives', () => {
    const acct = toPaperAccount(paperSchema.parse({}));
    expect([acct.startBase.toString(), acct.startQuote.toString()]).toEqual(['0', '1000']);
    const r = paperSchema.safeParse({ start_base: '-1' });
    expect(r.success).toBe(false);
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
