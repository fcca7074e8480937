import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { Decimal } from '../domain/money/decimal.ts';
import type { BotRiskSnapshot, PortfolioLimits } from '../domain/risk/portfolio.ts';
import { portfolioRiskMachine, type PortfolioRiskEffect, type PortfolioRiskEvent } from './portfolio-risk.machine.ts';

const d = (v: number | string) => new Decimal(v);
const T0 = 1_700_000_000_000;

const LIMITS: PortfolioLimits = {
  dailyLossPct: d('0.03'),
  netExposureCapQuote: { default: d(1000), byAsset: {} },
  concentrationPct: d(1),
  warnAtFraction: d('0.8'),
  killOnGlobalBreach: true,
  staleAfterMs: 10_000,
  exposureHoldMs: 0,
  scope: 'all',
};

const snap = (botId: string, equity: number, ethBase = 0, ts = T0): PortfolioRiskEvent => ({
  type: 'risk.snapshot',
  snapshot: {
    botId,
    ts,
    equity: d(equity),
    equityDayOpen: d(1000),
    quoteAsset: 'USDT',
    positions: ethBase === 0 ? [] : [{ asset: 'ETH', base: d(ethBase), mark: d(1000), pendingBuyBase: d(0), pendingSellBase: d(0) }],
  } satisfies BotRiskSnapshot,
});
const evaluate = (now = T0): PortfolioRiskEvent => ({ type: 'risk.evaluate', now });
const REARM: PortfolioRiskEvent = { type: 'risk.rearm' };

function start(limits: PortfolioLimits = LIMITS) {
  const effects: PortfolioRiskEffect[] = [];
  const actor = createActor(portfolioRiskMachine, { input: { limits } });
  actor.on('*', (e) => effects.push(e));
  actor.start();
  const send = (...events: PortfolioRiskEvent[]) => {
    for (const e of events) actor.send(e);
  };
  /** The effects since the last call, as `type:action:rule:bots`. */
  const drain = () => effects.splice(0).map((e) => (e.type === 'effect.kill' ? `kill:${e.bots.join(',')}` : `${e.type.slice(7)}:${e.decision.action}:${e.decision.rule}:${e.decision.bots.join(',')}`));
  return { actor, send, drain, value: () => actor.getSnapshot().value };
}

describe('portfolioRiskMachine', () => {
  it('starts Monitoring; snapshots alone emit nothing; a calm evaluation emits nothing', () => {
    const m = start();
    m.send(snap('a', 1000), snap('b', 1000), evaluate());
    expect(m.value()).toBe('Monitoring');
    expect(m.drain()).toEqual([]);
    expect(m.actor.getSnapshot().context.metrics?.equity.toString()).toBe('2000');
  });

  it('warnings are emitted once and keep it Monitoring; a cleared warning is announced', () => {
    const m = start();
    m.send(snap('a', 950), snap('b', 1000), evaluate()); // loss 2.5% ≥ 0.8·3%
    expect(m.value()).toBe('Monitoring');
    expect(m.drain()).toEqual(['decision:warn:daily_loss:a,b']);
    m.send(snap('a', 945, 0, T0 + 1), evaluate(T0 + 1)); // value moves, same decision
    expect(m.drain()).toEqual([]);
    m.send(snap('a', 1000, 0, T0 + 2), evaluate(T0 + 2));
    expect(m.drain()).toEqual(['cleared:warn:daily_loss:a,b']);
  });

  it('Monitoring → Breached on a soft_pause, de-duplicated, and back to Monitoring when it clears', () => {
    const m = start();
    m.send(snap('a', 1000, 2), evaluate()); // ETH 2000 > 1000
    expect(m.value()).toBe('Breached');
    expect(m.drain()).toEqual(['decision:soft_pause:net_exposure:a']);
    m.send(snap('a', 1000, 3, T0 + 1), evaluate(T0 + 1));
    expect(m.value()).toBe('Breached');
    expect(m.drain()).toEqual([]);
    m.send(snap('a', 1000, 0.5, T0 + 2), evaluate(T0 + 2));
    expect(m.value()).toBe('Monitoring');
    expect(m.drain()).toEqual(['cleared:soft_pause:net_exposure:a']);
  });

  it('a soft_pause whose bots change is cleared and re-issued with the new bots', () => {
    const m = start();
    m.send(snap('a', 1000, 2), evaluate());
    m.drain();
    m.send(snap('b', 1000, 1), evaluate());
    expect(m.drain()).toEqual(['cleared:soft_pause:net_exposure:a', 'decision:soft_pause:net_exposure:a,b']);
    expect(m.value()).toBe('Breached');
  });

  it('escalating from a warning to a breach clears the warning and issues the pause', () => {
    const m = start();
    m.send(snap('a', 1000, 0.9), evaluate());
    expect(m.drain()).toEqual(['decision:warn:net_exposure:a']);
    m.send(snap('a', 1000, 1.5, T0 + 1), evaluate(T0 + 1));
    expect(m.drain()).toEqual(['cleared:warn:net_exposure:a', 'decision:soft_pause:net_exposure:a']);
  });

  it('Monitoring → KillTriggered on a global breach: the decision, then one kill of every scoped bot', () => {
    const m = start();
    m.send(snap('a', 940), snap('b', 1000), evaluate());
    expect(m.value()).toBe('KillTriggered');
    expect(m.drain()).toEqual(['decision:kill:daily_loss:a,b', 'kill:a,b']);
    expect(m.actor.getSnapshot().context.latched?.rule).toBe('daily_loss');
  });

  it('Breached → KillTriggered when the loss follows a pause', () => {
    const m = start();
    m.send(snap('a', 1000, 2), evaluate());
    expect(m.value()).toBe('Breached');
    m.drain();
    m.send(snap('b', 900, 0, T0 + 1), evaluate(T0 + 1));
    expect(m.value()).toBe('KillTriggered');
    expect(m.drain()).toEqual(['decision:kill:daily_loss:a,b', 'kill:a,b']);
  });

  it('latched: no further kill until rearm, even if the breach clears and returns; decisions are still audited', () => {
    const m = start();
    m.send(snap('a', 900), evaluate());
    expect(m.drain()).toEqual(['decision:kill:daily_loss:a', 'kill:a']);
    m.send(snap('a', 850, 0, T0 + 1), evaluate(T0 + 1));
    expect(m.drain()).toEqual([]);
    m.send(snap('a', 1000, 0, T0 + 2), evaluate(T0 + 2));
    expect(m.value()).toBe('KillTriggered');
    expect(m.drain()).toEqual(['cleared:kill:daily_loss:a']);
    m.send(snap('a', 900, 0, T0 + 3), evaluate(T0 + 3));
    expect(m.drain()).toEqual(['decision:kill:daily_loss:a']);
    m.send(snap('b', 1000, 5, T0 + 3), evaluate(T0 + 3));
    expect(m.drain()).toEqual(['cleared:kill:daily_loss:a', 'decision:kill:daily_loss:a,b', 'decision:soft_pause:net_exposure:b']);
    expect(m.value()).toBe('KillTriggered');
  });

  it('rearm is ignored outside KillTriggered', () => {
    const m = start();
    m.send(REARM);
    expect(m.value()).toBe('Monitoring');
    m.send(snap('a', 1000, 2), evaluate(), REARM);
    expect(m.value()).toBe('Breached');
  });

  it('KillTriggered → Monitoring on rearm when nothing else pauses; a breach still holding kills again', () => {
    const m = start();
    m.send(snap('a', 900), evaluate());
    m.drain();
    m.send(REARM);
    expect(m.value()).toBe('Monitoring');
    expect(m.actor.getSnapshot().context.latched).toBeNull();
    expect(m.drain()).toEqual([]);
    m.send(evaluate(T0 + 1));
    expect(m.value()).toBe('KillTriggered');
    expect(m.drain()).toEqual(['decision:kill:daily_loss:a', 'kill:a']);
    m.send(snap('a', 1000, 0, T0 + 2), evaluate(T0 + 2), REARM, evaluate(T0 + 3));
    expect(m.value()).toBe('Monitoring');
    expect(m.drain()).toEqual(['cleared:kill:daily_loss:a']);
  });

  it('KillTriggered → Breached on rearm while a soft_pause is active', () => {
    const m = start();
    m.send(snap('a', 900, 2), evaluate());
    expect(m.drain()).toEqual(['decision:kill:daily_loss:a', 'decision:soft_pause:net_exposure:a', 'kill:a']);
    m.send(snap('a', 1000, 2, T0 + 1), evaluate(T0 + 1), REARM);
    expect(m.value()).toBe('Breached');
    expect(m.drain()).toEqual(['cleared:kill:daily_loss:a']);
  });

  it('soft-pauses instead of killing when the kill switch on global breach is off', () => {
    const m = start({ ...LIMITS, killOnGlobalBreach: false });
    m.send(snap('a', 900), evaluate());
    expect(m.value()).toBe('Breached');
    expect(m.drain()).toEqual(['decision:soft_pause:daily_loss:a']);
  });

  it('keeps the newest snapshot per bot; a stale bot is soft-paused until it reports again', () => {
    const m = start();
    m.send(snap('a', 1000, 0, T0 + 5), snap('a', 900, 0, T0), evaluate(T0 + 5));
    expect(m.value()).toBe('Monitoring');
    m.send(evaluate(T0 + 20_000));
    expect(m.value()).toBe('Breached');
    expect(m.drain()).toEqual(['decision:soft_pause:stale_snapshot:a']);
    m.send(snap('a', 1000, 0, T0 + 20_000), evaluate(T0 + 20_000));
    expect(m.value()).toBe('Monitoring');
    expect(m.drain()).toEqual(['cleared:soft_pause:stale_snapshot:a']);
  });

  describe('an exposure pause is held after its rule stops firing (no pause/clear flap)', () => {
    // One bot long 0.5 ETH at 1000 with 0.6 ETH of resting buys: worst case 1100 > cap 1000.
    // Its soft pause cancels the buys, so the next snapshot is 500: the rule stops firing
    // because of the pause itself.
    const quoting = (ts: number, base = 0.5): PortfolioRiskEvent => ({
      type: 'risk.snapshot',
      snapshot: { botId: 'a', ts, equity: d(1000), equityDayOpen: d(1000), quoteAsset: 'USDT', positions: [{ asset: 'ETH', base: d(base), mark: d(1000), pendingBuyBase: d('0.6'), pendingSellBase: d(0) }] },
    });
    const paused = (ts: number): PortfolioRiskEvent => ({
      type: 'risk.snapshot',
      snapshot: { botId: 'a', ts, equity: d(1000), equityDayOpen: d(1000), quoteAsset: 'USDT', positions: [{ asset: 'ETH', base: d('0.5'), mark: d(1000), pendingBuyBase: d(0), pendingSellBase: d(0) }] },
    });
    const HOLD = { ...LIMITS, exposureHoldMs: 30_000 };

    it('with no hold the monitor flaps on every evaluation — the failure the hold prevents', () => {
      const m = start(LIMITS);
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        const t = T0 + i * 500;
        m.send(i % 2 === 0 ? quoting(t) : paused(t), evaluate(t));
        seen.push(...m.drain());
      }
      expect(seen.filter((e) => e.startsWith('decision:soft_pause'))).toHaveLength(3);
      expect(seen.filter((e) => e.startsWith('cleared:soft_pause'))).toHaveLength(3);
    });

    it('stays paused for exposureHoldMs of quiet, then clears once; the bot re-quoting into the breach pauses it again', () => {
      const m = start(HOLD);
      m.send(quoting(T0), evaluate(T0));
      expect(m.drain()).toEqual(['decision:soft_pause:net_exposure:a']);
      // The pause cancelled the buys: the rule is quiet, the hold keeps the bot paused.
      for (let t = T0 + 500; t < T0 + 500 + 30_000; t += 500) {
        m.send(paused(t), evaluate(t));
        expect(m.drain(), `at +${t - T0} ms`).toEqual([]);
        expect(m.value()).toBe('Breached');
      }
      m.send(paused(T0 + 30_500), evaluate(T0 + 30_500));
      expect(m.drain()).toEqual(['cleared:soft_pause:net_exposure:a']);
      expect(m.value()).toBe('Monitoring');
      m.send(quoting(T0 + 31_000), evaluate(T0 + 31_000));
      expect(m.drain()).toEqual(['decision:soft_pause:net_exposure:a']);
    });

    it('a breach seen again during the hold restarts the quiet period', () => {
      const m = start(HOLD);
      m.send(quoting(T0), evaluate(T0), paused(T0 + 500), evaluate(T0 + 500));
      m.send(quoting(T0 + 20_000), evaluate(T0 + 20_000)); // firing again: same decision, nothing new
      m.send(paused(T0 + 20_500), evaluate(T0 + 20_500), paused(T0 + 40_000), evaluate(T0 + 40_000));
      expect(m.drain()).toEqual(['decision:soft_pause:net_exposure:a']);
      m.send(paused(T0 + 50_500), evaluate(T0 + 50_500));
      expect(m.drain()).toEqual(['cleared:soft_pause:net_exposure:a']);
    });

    it('does not hold other rules: a stale-snapshot pause lifts as soon as the bot reports again', () => {
      const m = start(HOLD);
      m.send(snap('a', 1000, 0, T0), evaluate(T0 + 10_001));
      expect(m.drain()).toEqual(['decision:soft_pause:stale_snapshot:a']);
      m.send(snap('a', 1000, 0, T0 + 10_500), evaluate(T0 + 10_500));
      expect(m.drain()).toEqual(['cleared:soft_pause:stale_snapshot:a']);
    });
  });
});
