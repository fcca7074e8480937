import { describe, expect, it } from 'vitest';
import { SimulatedClock, createActor } from 'xstate';
import {
  DEFAULT_KILL_BACKOFF,
  killRetryDelay,
  killSwitchMachine,
  type KillSwitchEffect,
  type KillSwitchEvent,
  type KillSwitchInput,
} from './kill-switch.machine.ts';

function start(input: Partial<KillSwitchInput> = {}) {
  const clock = new SimulatedClock();
  const effects: KillSwitchEffect[] = [];
  const actor = createActor(killSwitchMachine, { input: { botId: 'bot1', ...input }, clock });
  actor.on('*', (e) => effects.push(e));
  actor.start();
  const send = (...events: KillSwitchEvent[]) => {
    for (const e of events) actor.send(e);
  };
  const types = () => effects.map((e) => e.type);
  return { actor, clock, effects, send, types, value: () => actor.getSnapshot().value, ctx: () => actor.getSnapshot().context };
}

const TRIGGER: KillSwitchEvent = { type: 'kill.trigger', reason: 'daily_loss', trigger: 'risk' };
const DONE: KillSwitchEvent = { type: 'kill.cancel_done', cancelled: 2 };
const verified = (openOrders: number, at = 1_000): KillSwitchEvent => ({ type: 'kill.verified', openOrders, at });
const REARM: KillSwitchEvent = { type: 'kill.rearm', by: 'alice', reason: 'post-mortem done' };

describe('killSwitchMachine', () => {
  it('starts Armed with the defaults off, emitting nothing', () => {
    const m = start();
    expect(m.value()).toBe('Armed');
    expect(m.ctx()).toMatchObject({ botId: 'bot1', dryRun: false, flatten: false, attempts: 0, maxAttempts: null, latchedAt: null });
    expect(m.effects).toEqual([]);
  });

  it('Armed → Triggered → Cancelling → Verifying → Latched when the venue reports no open orders', () => {
    const m = start();
    m.send(TRIGGER);
    expect(m.value()).toBe('Cancelling');
    expect(m.effects).toEqual([
      { type: 'effect.triggered', botId: 'bot1', reason: 'daily_loss', trigger: 'risk', dryRun: false, flatten: false },
      { type: 'effect.cancel_all', botId: 'bot1', attempt: 1 },
    ]);
    m.send(DONE);
    expect(m.value()).toBe('Verifying');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.verify', botId: 'bot1', attempt: 1 });
    m.send(verified(0, 1_234));
    expect(m.value()).toBe('Latched');
    expect(m.effects.at(-1)).toEqual({
      type: 'effect.latched', botId: 'bot1', reason: 'daily_loss', trigger: 'risk', latchedAt: 1_234, attempts: 1, openOrders: 0, verified: true, restored: false,
    });
  });

  it('retries the cancel after a doubling, capped backoff until verified, warning each time', () => {
    const m = start();
    m.send(TRIGGER, DONE, verified(2));
    expect(m.value()).toBe('Backoff');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.retrying', botId: 'bot1', attempt: 1, nextAttempt: 2, delayMs: 250, openOrders: 2, error: null });
    m.clock.increment(249);
    expect(m.value()).toBe('Backoff');
    m.clock.increment(1);
    expect(m.value()).toBe('Cancelling');
    expect(m.ctx().attempts).toBe(2);
    expect(m.effects.at(-1)).toEqual({ type: 'effect.cancel_all', botId: 'bot1', attempt: 2 });
    // The second attempt fails outright: a longer wait, the error in the warning.
    m.send({ type: 'kill.cancel_failed', error: 'timeout', at: 1_500 });
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.retrying', attempt: 2, delayMs: 500, openOrders: null, error: 'timeout' });
    m.clock.increment(500);
    m.send(DONE, verified(0, 2_000));
    expect(m.value()).toBe('Latched');
    expect(m.ctx()).toMatchObject({ attempts: 3, verified: true, latchedAt: 2_000 });
    expect(m.types().filter((t) => t === 'effect.cancel_all')).toHaveLength(3);
  });

  it('the backoff doubles from 250 ms and caps at 5 s; an input backoff replaces it', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => killRetryDelay(DEFAULT_KILL_BACKOFF, n))).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
    const m = start({ backoff: { initialMs: 10, maxMs: 15, multiplier: 3 } });
    m.send(TRIGGER, DONE, verified(1));
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.retrying', delayMs: 10 });
    m.clock.increment(10);
    m.send(DONE, verified(1));
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.retrying', delayMs: 15 });
  });

  it('kill.retry skips the rest of the backoff', () => {
    const m = start();
    m.send(TRIGGER, DONE, verified(1), { type: 'kill.retry' });
    expect(m.value()).toBe('Cancelling');
    expect(m.ctx().attempts).toBe(2);
    // The pending delay was cancelled with the state: it does not start a third attempt.
    m.clock.increment(10_000);
    expect(m.ctx().attempts).toBe(2);
  });

  it('a failed verification read retries like a failed cancel', () => {
    const m = start();
    m.send(TRIGGER, DONE, { type: 'kill.cancel_failed', error: 'read failed', at: 5 });
    expect(m.value()).toBe('Backoff');
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.retrying', error: 'read failed' });
  });

  it('with maxAttempts, latches unverified once they are spent', () => {
    const m = start({ maxAttempts: 2 });
    m.send(TRIGGER, DONE, verified(1));
    m.clock.increment(250);
    m.send(DONE, verified(1, 900));
    expect(m.value()).toBe('Latched');
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.latched', attempts: 2, openOrders: 1, verified: false, latchedAt: 900 });
    const f = start({ maxAttempts: 1 });
    f.send(TRIGGER, { type: 'kill.cancel_failed', error: 'down', at: 7 });
    expect(f.value()).toBe('Latched');
    expect(f.effects.at(-1)).toMatchObject({ type: 'effect.latched', attempts: 1, verified: false, latchedAt: 7 });
  });

  it('flattens once, between the cancel and the verification, only when asked', () => {
    const m = start();
    m.send({ ...TRIGGER, flatten: true } as KillSwitchEvent, DONE);
    expect(m.value()).toBe('Flattening');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.flatten', botId: 'bot1' });
    m.send({ type: 'kill.flatten_done' });
    expect(m.value()).toBe('Verifying');
    m.send(verified(1));
    m.clock.increment(250);
    m.send(DONE);
    expect(m.value()).toBe('Verifying'); // no second flatten
    m.send(verified(0));
    expect(m.types().filter((t) => t === 'effect.flatten')).toHaveLength(1);
  });

  it('a failed flatten warns and still verifies and latches', () => {
    const m = start({ flatten: true });
    m.send(TRIGGER, DONE, { type: 'kill.flatten_failed', error: 'no liquidity' });
    expect(m.value()).toBe('Verifying');
    expect(m.effects.at(-1)?.type).toBe('effect.verify');
    expect(m.effects).toContainEqual({ type: 'effect.flatten_failed', botId: 'bot1', error: 'no liquidity' });
    m.send(verified(0));
    expect(m.value()).toBe('Latched');
    expect(m.ctx().flattenStatus).toBe('failed');
  });

  it('only kill.rearm leaves Latched, emitting effect.rearmed and resetting the run', () => {
    const m = start();
    m.send(TRIGGER, DONE, verified(0));
    const others: KillSwitchEvent[] = [
      DONE, verified(0), { type: 'kill.cancel_failed', error: 'x', at: 1 }, { type: 'kill.flatten_done' }, { type: 'kill.flatten_failed', error: 'x' },
      { type: 'kill.retry' }, { type: 'kill.restore_latched', reason: 'r', latchedAt: 1 }, TRIGGER,
    ];
    m.send(...others);
    m.clock.increment(60_000);
    expect(m.value()).toBe('Latched');
    m.send(REARM);
    expect(m.value()).toBe('Armed');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.rearmed', botId: 'bot1', by: 'alice', reason: 'post-mortem done' });
    expect(m.ctx()).toMatchObject({ attempts: 0, reason: null, trigger: null, latchedAt: null });
    // Armed again: a new trigger runs the whole path again.
    m.send({ type: 'kill.trigger', reason: 'manual', trigger: 'operator' });
    expect(m.value()).toBe('Cancelling');
    expect(m.ctx().attempts).toBe(1);
  });

  it('triggers while a kill runs or is latched are ignored, each reported once', () => {
    const m = start({ flatten: true });
    m.send(TRIGGER);
    m.send(TRIGGER);
    expect(m.effects.at(-1)).toEqual({ type: 'effect.ignored', botId: 'bot1', event: 'kill.trigger', state: 'Cancelling', reason: 'in_progress' });
    m.send(DONE, TRIGGER);
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.ignored', state: 'Flattening' });
    m.send({ type: 'kill.flatten_done' }, TRIGGER);
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.ignored', state: 'Verifying' });
    m.send(verified(1), TRIGGER);
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.ignored', state: 'Backoff' });
    m.clock.increment(250);
    m.send(DONE, verified(0), { ...TRIGGER, dryRun: true } as KillSwitchEvent);
    expect(m.effects.at(-1)).toEqual({ type: 'effect.ignored', botId: 'bot1', event: 'kill.trigger', state: 'Latched', reason: 'already_latched' });
    expect(m.types().filter((t) => t === 'effect.triggered')).toHaveLength(1);
    expect(m.types().filter((t) => t === 'effect.ignored')).toHaveLength(5);
  });

  it('a rearm outside Latched is refused (ignored, reported)', () => {
    const m = start();
    m.send(REARM);
    expect(m.value()).toBe('Armed');
    expect(m.effects).toEqual([{ type: 'effect.ignored', botId: 'bot1', event: 'kill.rearm', state: 'Armed', reason: 'not_latched' }]);
    m.send(TRIGGER, REARM);
    expect(m.value()).toBe('Cancelling');
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.ignored', event: 'kill.rearm', state: 'Cancelling' });
  });

  it('dry-run reads what it would cancel, never cancels, and goes back to Armed', () => {
    const m = start();
    m.send({ ...TRIGGER, dryRun: true } as KillSwitchEvent);
    expect(m.value()).toBe('DryRunInspecting');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.verify', botId: 'bot1', attempt: 0 });
    m.send(TRIGGER);
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.ignored', state: 'DryRunInspecting', reason: 'in_progress' });
    m.send(verified(3));
    expect(m.value()).toBe('Armed');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.dry_run', botId: 'bot1', wouldCancel: 3, error: null });
    expect(m.types()).not.toContain('effect.cancel_all');
    expect(m.types()).not.toContain('effect.latched');
    expect(m.ctx()).toMatchObject({ dryRun: false, attempts: 0, reason: null });
  });

  it('a dry-run input makes dry-run the default; a trigger may still override it', () => {
    const m = start({ dryRun: true });
    m.send(TRIGGER, { type: 'kill.cancel_failed', error: 'read failed', at: 1 });
    expect(m.value()).toBe('Armed');
    expect(m.effects.at(-1)).toEqual({ type: 'effect.dry_run', botId: 'bot1', wouldCancel: null, error: 'read failed' });
    m.send({ ...TRIGGER, dryRun: false } as KillSwitchEvent);
    expect(m.value()).toBe('Cancelling');
  });

  it('restore_latched starts a restarted switch in Latched, marked restored', () => {
    const m = start();
    m.send({ type: 'kill.restore_latched', reason: 'daily_loss', latchedAt: 42, trigger: 'bot_hard_stop' });
    expect(m.value()).toBe('Latched');
    expect(m.effects).toEqual([
      { type: 'effect.latched', botId: 'bot1', reason: 'daily_loss', trigger: 'bot_hard_stop', latchedAt: 42, attempts: 0, openOrders: null, verified: true, restored: true },
    ]);
    m.send(TRIGGER);
    expect(m.value()).toBe('Latched');
    m.send(REARM);
    expect(m.value()).toBe('Armed');
  });

  it('restore_latched during a running kill is not taken (the run latches by itself)', () => {
    const m = start();
    m.send(TRIGGER, { type: 'kill.restore_latched', reason: 'x', latchedAt: 1 });
    expect(m.value()).toBe('Cancelling');
  });

  it("a bot's own hard stop takes the same path", () => {
    const m = start();
    m.send({ type: 'kill.trigger', reason: 'max_drawdown', trigger: 'bot_hard_stop' }, DONE, verified(0));
    expect(m.value()).toBe('Latched');
    expect(m.effects.at(-1)).toMatchObject({ type: 'effect.latched', trigger: 'bot_hard_stop', reason: 'max_drawdown' });
  });
});
