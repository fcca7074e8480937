import { describe, expect, it } from 'vitest';
import { Decimal } from '../money/decimal.ts';
import { decisionKey, evaluatePortfolio, exposureCap, worstCaseBase, type BotRiskSnapshot, type PortfolioLimits, type PositionSnapshot } from './portfolio.ts';

const d = (v: string | number) => new Decimal(v);
const NOW = 1_700_000_000_000;

const LIMITS: PortfolioLimits = {
  dailyLossPct: d('0.03'),
  netExposureCapQuote: { default: d(1000), byAsset: { BTC: d(5000) } },
  concentrationPct: d(1),
  warnAtFraction: d('0.8'),
  killOnGlobalBreach: true,
  staleAfterMs: 10_000,
  exposureHoldMs: 0,
  scope: 'all',
};

const pos = (asset: string, base: number | string, mark: number | string, buy: number | string = 0, sell: number | string = 0): PositionSnapshot => ({
  asset,
  base: d(base),
  mark: d(mark),
  pendingBuyBase: d(buy),
  pendingSellBase: d(sell),
});

const snap = (botId: string, equity: number | string, open: number | string, positions: PositionSnapshot[] = [], over: Partial<BotRiskSnapshot> = {}): BotRiskSnapshot => ({
  botId,
  ts: NOW,
  equity: d(equity),
  equityDayOpen: d(open),
  quoteAsset: 'USDT',
  positions,
  ...over,
});

const brief = (snaps: BotRiskSnapshot[], limits: PortfolioLimits = LIMITS, now = NOW) =>
  evaluatePortfolio(snaps, limits, now).decisions.map((x) => ({ action: x.action, rule: x.rule, asset: x.asset, side: x.side, value: x.value.toString(), threshold: x.threshold.toString(), bots: x.bots }));

describe('evaluatePortfolio: metrics', () => {
  it('sums equity and open equity and reports the aggregate daily loss', () => {
    const r = evaluatePortfolio([snap('a', 990, 1000), snap('b', 500, 500)], LIMITS, NOW);
    expect(r.metrics.equity.toString()).toBe('1490');
    expect(r.metrics.equityDayOpen.toString()).toBe('1500');
    expect(r.metrics.dailyLossPct?.toString()).toBe(d(10).dividedBy(1500).toString());
    expect(r.metrics.quoteAsset).toBe('USDT');
    expect(r.decisions).toEqual([]);
  });

  it('no open equity: no daily loss, no decision', () => {
    const r = evaluatePortfolio([snap('a', 0, 0)], LIMITS, NOW);
    expect(r.metrics.dailyLossPct).toBeNull();
    expect(r.decisions).toEqual([]);
  });

  it('nets per side at each bot\'s mark, pending orders in the worst case, gross as the larger side', () => {
    const r = evaluatePortfolio([snap('a', 1000, 1000, [pos('ETH', '0.1', 2000, '0.05', '0.3')]), snap('b', 1000, 1000, [pos('ETH', '-0.05', 2010)])], LIMITS, NOW);
    const eth = r.metrics.netExposure['ETH'];
    expect(eth?.net.toString()).toBe('99.5'); // 0.1·2000 − 0.05·2010
    expect(eth?.worstLong.toString()).toBe('199.5'); // 0.15·2000 − 0.05·2010
    expect(eth?.worstShort.toString()).toBe('-500.5'); // −0.2·2000 − 0.05·2010
    expect(r.metrics.grossByAsset['ETH']?.toString()).toBe('500.5'); // max(0.15, 0.2)·2000 + 0.05·2010
    expect(r.metrics.concentration['ETH']?.toString()).toBe('1');
  });

  it('worstCaseBase and exposureCap', () => {
    const w = worstCaseBase(pos('X', 1, 1, 2, 5));
    expect([w.long.toString(), w.short.toString()]).toEqual(['3', '-4']);
    expect(exposureCap(LIMITS, 'BTC').toString()).toBe('5000');
    expect(exposureCap(LIMITS, 'ETH').toString()).toBe('1000');
    expect(exposureCap(LIMITS, 'toString').toString()).toBe('1000');
  });

  it('refuses two snapshots of one bot', () => {
    expect(() => evaluatePortfolio([snap('a', 1, 1), snap('a', 1, 1)], LIMITS, NOW)).toThrow(RangeError);
  });
});

describe('daily loss rule', () => {
  it('kills every scoped bot exactly at the limit (≥), with provenance', () => {
    const r = evaluatePortfolio([snap('b', 1000, 1000), snap('a', 940, 1000)], LIMITS, NOW);
    expect(r.decisions).toHaveLength(1);
    const k = r.decisions[0];
    expect(k?.action).toBe('kill');
    expect(k?.rule).toBe('daily_loss');
    expect(k?.value.toString()).toBe('0.03');
    expect(k?.threshold.toString()).toBe('0.03');
    expect(k?.bots).toEqual(['a', 'b']);
    expect(k?.inputs).toEqual([
      { kind: 'equity', botId: 'a', ts: NOW, equity: d(940), equityDayOpen: d(1000) },
      { kind: 'equity', botId: 'b', ts: NOW, equity: d(1000), equityDayOpen: d(1000) },
    ]);
  });

  it('soft-pauses instead when the kill switch on global breach is off', () => {
    expect(brief([snap('a', 940, 1000), snap('b', 1000, 1000)], { ...LIMITS, killOnGlobalBreach: false })).toMatchObject([{ action: 'soft_pause', rule: 'daily_loss', bots: ['a', 'b'] }]);
  });

  it('warns at exactly warnAtFraction of the limit, not just below', () => {
    // Limit 0.03 · 0.8 = 0.024 → aggregate loss 48 of 2000.
    expect(brief([snap('a', 952, 1000), snap('b', 1000, 1000)])).toEqual([{ action: 'warn', rule: 'daily_loss', asset: undefined, side: undefined, value: '0.024', threshold: '0.03', bots: ['a', 'b'] }]);
    expect(brief([snap('a', '952.01', 1000), snap('b', 1000, 1000)])).toEqual([]);
  });

  it('just below the limit is a warning, not a kill', () => {
    expect(brief([snap('a', '940.01', 1000), snap('b', 1000, 1000)]).map((x) => x.action)).toEqual(['warn']);
  });
});

describe('net exposure rule', () => {
  it('exactly at the cap only warns; strictly above soft-pauses the bots adding to it', () => {
    // A short bot offsets the longs: worst long 0.3·2000 + 0.2·2000 − 0.2·2000 = 600, below the warn level 800.
    const offset = [snap('a', 1, 1, [pos('ETH', '0.3', 2000)]), snap('b', 1, 1, [pos('ETH', '0.2', 2000)]), snap('c', 1, 1, [pos('ETH', '-0.2', 2000)])];
    expect(brief(offset)).toEqual([]);
    // Without it: worst long 0.3·2000 + 0.2·2000 = 1000 = cap → a warning only; one more resting buy → a pause.
    const above = [snap('a', 1, 1, [pos('ETH', '0.3', 2000)]), snap('b', 1, 1, [pos('ETH', '0.2', 2000, '0.0001')])];
    expect(brief([snap('a', 1, 1, [pos('ETH', '0.3', 2000)]), snap('b', 1, 1, [pos('ETH', '0.2', 2000)])])).toEqual([
      { action: 'warn', rule: 'net_exposure', asset: 'ETH', side: 'long', value: '1000', threshold: '1000', bots: ['a', 'b'] },
    ]);
    expect(brief(above)).toEqual([{ action: 'soft_pause', rule: 'net_exposure', asset: 'ETH', side: 'long', value: '1000.2', threshold: '1000', bots: ['a', 'b'] }]);
  });

  it('counts pending orders: resting buys push the long side over, resting sells the short side', () => {
    const r = evaluatePortfolio([snap('a', 1, 1, [pos('ETH', 0, 2000, '0.6')]), snap('b', 1, 1, [pos('ETH', 0, 2000, 0, '0.6')])], LIMITS, NOW);
    expect(r.metrics.netExposure['ETH']?.net.toString()).toBe('0');
    expect(r.decisions.map((x) => [x.action, x.side, x.bots, x.value.toString()])).toEqual([
      ['soft_pause', 'long', ['a'], '1200'],
      ['soft_pause', 'short', ['b'], '1200'],
    ]);
    expect(r.decisions[0]?.inputs).toEqual([{ kind: 'position', botId: 'a', ts: NOW, asset: 'ETH', base: d(0), mark: d(2000), pendingBuyBase: d('0.6'), pendingSellBase: d(0) }]);
  });

  it('hits only the bots on the breaching side and uses the per-asset cap', () => {
    const r = brief([snap('a', 1, 1, [pos('BTC', '0.1', 50000)]), snap('b', 1, 1, [pos('BTC', '-0.01', 50000)]), snap('c', 1, 1, [pos('BTC', '0.1', 50000)])]);
    // worst long 0.2·50000 − 0.01·50000 = 9500 > 5000 (BTC's own cap).
    expect(r).toEqual([{ action: 'soft_pause', rule: 'net_exposure', asset: 'BTC', side: 'long', value: '9500', threshold: '5000', bots: ['a', 'c'] }]);
  });
});

describe('concentration rule', () => {
  const lim = { ...LIMITS, concentrationPct: d('0.6') };
  it('exactly at the cap warns; strictly above soft-pauses the bots holding the asset', () => {
    // ETH 600 of 1000 gross.
    const at = [snap('a', 1, 1, [pos('ETH', '0.3', 2000), pos('SOL', 4, 100)]), snap('b', 1, 1, [pos('SOL', -0, 100)])];
    expect(brief(at, lim)).toEqual([{ action: 'warn', rule: 'concentration', asset: 'ETH', side: undefined, value: '0.6', threshold: '0.6', bots: ['a'] }]);
    const above = [snap('a', 1, 1, [pos('ETH', '0.3', 2000), pos('SOL', 3, 100)]), snap('b', 1, 1, [pos('ETH', '-0.01', 2000)])];
    // ETH gross 620 of 920.
    expect(brief(above, lim)).toEqual([
      { action: 'soft_pause', rule: 'concentration', asset: 'ETH', side: undefined, value: d(620).dividedBy(920).toString(), threshold: '0.6', bots: ['a', 'b'] },
    ]);
  });

  it('a share of 1 never passes a cap of 1 (the rule off)', () => {
    expect(brief([snap('a', 1, 1, [pos('ETH', '0.3', 2000)])])).toEqual([]);
  });

  it('needs two exposed assets: a one-asset desk is not "concentrated" (its exposure caps still apply)', () => {
    expect(brief([snap('a', 1, 1, [pos('BTC', '0.009', 61000)]), snap('b', 1, 1, [pos('BTC', '0.001', 61000)])], lim)).toEqual([]);
    expect(brief([snap('a', 1, 1, [pos('BTC', '0.009', 61000)]), snap('b', 1, 1, [pos('ETH', '0.001', 2600)])], lim).map((x) => [x.rule, x.asset])).toEqual([['concentration', 'BTC']]);
  });
});

describe('scope, staleness, quote currency, order', () => {
  it('ignores bots outside the scope entirely', () => {
    const snaps = [snap('a', 900, 1000, [pos('ETH', 1, 2000)]), snap('b', 1000, 1000)];
    expect(brief(snaps, { ...LIMITS, scope: ['b'] })).toEqual([]);
    expect(evaluatePortfolio(snaps, { ...LIMITS, scope: ['b'] }, NOW).metrics.equity.toString()).toBe('1000');
    expect(brief(snaps, { ...LIMITS, scope: ['a'] }).map((x) => [x.action, x.rule, x.bots])).toEqual([
      ['kill', 'daily_loss', ['a']],
      ['soft_pause', 'net_exposure', ['a']],
    ]);
  });

  it('soft-pauses a stale bot (strictly older than staleAfterMs) and keeps its numbers in the aggregates', () => {
    const old = snap('a', 900, 1000, [], { ts: NOW - 10_001 });
    const r = evaluatePortfolio([old, snap('b', 1000, 1000, [], { ts: NOW - 10_000 })], LIMITS, NOW);
    expect(r.metrics.stale).toEqual(['a']);
    expect(r.metrics.equity.toString()).toBe('1900');
    expect(r.decisions.map((x) => [x.action, x.rule, x.bots, x.value.toString(), x.threshold.toString()])).toEqual([
      ['soft_pause', 'stale_snapshot', ['a'], '10001', '10000'],
      ['kill', 'daily_loss', ['a', 'b'], '0.05', '0.03'],
    ]);
  });

  it('leaves a bot quoting in another currency out of the aggregates and soft-pauses it', () => {
    const r = evaluatePortfolio([snap('a', 1000, 1000), snap('b', 1000, 1000), snap('c', 1, 100, [], { quoteAsset: 'USDC' })], LIMITS, NOW);
    expect(r.metrics.quoteAsset).toBe('USDT');
    expect(r.metrics.equity.toString()).toBe('2000');
    expect(r.decisions.map((x) => [x.action, x.rule, x.bots])).toEqual([['soft_pause', 'quote_mismatch', ['c']]]);
  });

  it('orders decisions by rule, asset and side, independent of snapshot order', () => {
    const snaps = [
      snap('z', 900, 1000, [pos('SOL', 20, 100)]),
      snap('a', 1000, 1000, [pos('ETH', 1, 2000)], { ts: NOW - 60_000 }),
    ];
    const fwd = evaluatePortfolio(snaps, LIMITS, NOW);
    expect(evaluatePortfolio([...snaps].reverse(), LIMITS, NOW)).toEqual(fwd);
    expect(fwd.decisions.map((x) => `${x.rule}:${x.asset ?? ''}`)).toEqual(['stale_snapshot:', 'daily_loss:', 'net_exposure:ETH', 'net_exposure:SOL']);
  });

  it('decisionKey ignores the value but not the bots', () => {
    const [a] = evaluatePortfolio([snap('a', 940, 1000)], LIMITS, NOW).decisions;
    const [b] = evaluatePortfolio([snap('a', 900, 1000)], LIMITS, NOW).decisions;
    const [c] = evaluatePortfolio([snap('a', 900, 1000), snap('b', 1000, 1000)], LIMITS, NOW).decisions;
    expect(a && b && decisionKey(a) === decisionKey(b)).toBe(true);
    expect(a && c && decisionKey(a) === decisionKey(c)).toBe(false);
  });
});
