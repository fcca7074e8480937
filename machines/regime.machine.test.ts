import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { REGIMES, type Regime } from '../domain/strategy/epp/config.ts';
import { REGIME_HOLD_INIT, regimeHold, type RegimeHoldState } from '../domain/strategy/epp/regime.ts';
import { REGIME_STATE, regimeMachine, type RegimeEffect } from './regime.machine.ts';

function start(regimeHoldTicks = 3) {
  const effects: RegimeEffect[] = [];
  const actor = createActor(regimeMachine, { input: { regimeHoldTicks } });
  actor.on('*', (e) => effects.push(e));
  actor.start();
  const detect = (...regimes: Regime[]) => {
    for (const regime of regimes) actor.send({ type: 'regime.detected', regime });
  };
  return { actor, effects, detect, value: () => actor.getSnapshot().value };
}

describe('regimeMachine', () => {
  it('starts WarmingUp and stays there until a regime has held', () => {
    const m = start();
    expect(m.value()).toBe('WarmingUp');
    m.detect('up', 'up');
    expect(m.value()).toBe('WarmingUp');
    expect(m.effects).toEqual([]);
  });

  it.each(REGIMES.map((r) => [r, REGIME_STATE[r]] as const))('leaves WarmingUp for %s after the hold ticks', (regime, state) => {
    const m = start();
    m.detect(regime, regime, regime);
    expect(m.value()).toBe(state);
    expect(m.effects).toEqual([{ type: 'regime.changed', from: null, to: regime }]);
  });

  const pairs = REGIMES.flatMap((a) => REGIMES.filter((b) => b !== a).map((b) => [a, b] as const));
  it.each(pairs)('%s → %s only on the hold-th consecutive detection', (from, to) => {
    const m = start();
    m.detect(from, from, from);
    m.detect(to, to);
    expect(m.value()).toBe(REGIME_STATE[from]);
    m.detect(to);
    expect(m.value()).toBe(REGIME_STATE[to]);
    expect(m.effects).toEqual([
      { type: 'regime.changed', from: null, to: from },
      { type: 'regime.changed', from, to },
    ]);
  });

  it('restarts the count when the challenger is interrupted', () => {
    const m = start();
    m.detect('up', 'up', 'up', 'down', 'down', 'up', 'down', 'down');
    expect(m.value()).toBe('Up');
    expect(m.actor.getSnapshot().context.hold).toEqual({ current: 'up', candidate: 'down', count: 2 });
    m.detect('down');
    expect(m.value()).toBe('Down');
  });

  it('does not re-emit when the current regime is detected again', () => {
    const m = start();
    m.detect('down', 'down', 'down', 'down', 'down');
    expect(m.effects).toHaveLength(1);
  });

  it('switches on the first detection when the hold is one tick', () => {
    const m = start(1);
    m.detect('high_vol_shock', 'neutral_low_vol');
    expect(m.value()).toBe('NeutralLowVol');
    expect(m.effects.map((e) => e.to)).toEqual(['high_vol_shock', 'neutral_low_vol']);
  });
});

describe('regimeMachine property', () => {
  it('equals regimeHold folded over any detection sequence, emitting each change', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.constantFrom(...REGIMES), { maxLength: 60 }), (hold, regimes) => {
        const m = start(hold);
        let ref: RegimeHoldState = REGIME_HOLD_INIT;
        const changes: RegimeEffect[] = [];
        for (const regime of regimes) {
          m.detect(regime);
          const out = regimeHold(ref, regime, hold);
          ref = out.state;
          if (out.changed !== null) changes.push({ type: 'regime.changed', ...out.changed });
          expect(m.actor.getSnapshot().context.hold).toEqual(ref);
          expect(m.value()).toBe(ref.current === null ? 'WarmingUp' : REGIME_STATE[ref.current]);
        }
        expect(m.effects).toEqual(changes);
        m.actor.stop();
      }),
      { numRuns: 300 },
    );
  });
});
