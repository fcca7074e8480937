/**
 * The regime machine (strategy-epp §3): `WarmingUp` until the first regime has held, then one
 * state per regime. Each `regime.detected` is one tick's raw detection; whether it switches the
 * regime is decided by the domain's hold rule (`regimeHold`), which the context carries. The
 * machine names the switch (`regime.changed`, emitted) and performs no I/O.
 */
import { assign, emit, setup } from 'xstate';
import type { Regime } from '../domain/strategy/epp/config.ts';
import { REGIME_HOLD_INIT, regimeHold, type RegimeHoldState } from '../domain/strategy/epp/regime.ts';

export interface RegimeInput {
  /** `regime_hold_ticks`: consecutive detections a new regime needs to take effect. */
  readonly regimeHoldTicks: number;
}

export interface RegimeCtx {
  readonly holdTicks: number;
  readonly hold: RegimeHoldState;
}

export type RegimeEvent = { readonly type: 'regime.detected'; readonly regime: Regime };

export type RegimeEffect = { readonly type: 'regime.changed'; readonly from: Regime | null; readonly to: Regime };

/** The state each regime maps to (PascalCase, habit 10). */
export const REGIME_STATE = {
  neutral_low_vol: 'NeutralLowVol',
  up: 'Up',
  down: 'Down',
  high_vol_shock: 'HighVolShock',
} as const satisfies Record<Regime, string>;
export type RegimeStateName = 'WarmingUp' | (typeof REGIME_STATE)[Regime];

const held = (context: RegimeCtx, event: RegimeEvent) => regimeHold(context.hold, event.regime, context.holdTicks);

const switchTo = (to: Regime) => ({
  guard: { type: 'switchesTo' as const, params: { to } },
  target: `.${REGIME_STATE[to]}`,
  actions: ['announceChange' as const, 'recordDetection' as const],
});

export const regimeMachine = setup({
  types: {
    context: {} as RegimeCtx,
    input: {} as RegimeInput,
    events: {} as RegimeEvent,
    emitted: {} as RegimeEffect,
  },
  actions: {
    recordDetection: assign(({ context, event }) => ({ hold: held(context, event).state })),
    // Runs before `recordDetection`, so it sees the hold state the change was decided on.
    announceChange: emit(({ context, event }) => {
      const changed = held(context, event).changed;
      return { type: 'regime.changed' as const, from: changed?.from ?? null, to: changed?.to ?? event.regime };
    }),
  },
  guards: {
    switchesTo: ({ context, event }, params: { to: Regime }) => held(context, event).changed?.to === params.to,
  },
}).createMachine({
  id: 'regime',
  context: ({ input }) => ({ holdTicks: input.regimeHoldTicks, hold: REGIME_HOLD_INIT }),
  initial: 'WarmingUp',
  on: {
    'regime.detected': [
      switchTo('neutral_low_vol'),
      switchTo('up'),
      switchTo('down'),
      switchTo('high_vol_shock'),
      // No switch this tick: only the hold count moves.
      { actions: 'recordDetection' },
    ],
  },
  states: {
    WarmingUp: {},
    NeutralLowVol: {},
    Up: {},
    Down: {},
    HighVolShock: {},
  },
});
