/**
 * Runs the supervisor machine against real XState children: turns the parent's
 * `xstate.error.actor.<id>` events into `child.failed`, performs `effect.restart` on the
 * injected clock (restart the child once the backoff has elapsed), and hands `effect.escalate`
 * to the owner, cancelling any restart still pending.
 */
import { createActor, type Actor } from 'xstate';
import type { Clock } from '../domain/ports/clock.ts';
import type { RestartPolicy } from '../machines/restart-policy.ts';
import { supervisorMachine, type SupervisorEffect } from '../machines/supervisor.machine.ts';

const ERROR_PREFIX = 'xstate.error.actor.';

export type EscalateEffect = Extract<SupervisorEffect, { type: 'effect.escalate' }>;

export interface SuperviseOptions {
  readonly policy: RestartPolicy;
  readonly clock: Clock;
  /** Starts a fresh instance of `child` (e.g. by sending the parent a spawn event). */
  readonly restart: (child: string) => void;
  /** Supervision gave up; the owner stops the bot (HardStopped, orders cancelled). */
  readonly escalate: (effect: EscalateEffect) => void;
}

export interface Supervision {
  /** Feeds the parent's event; returns true when it was a child error, now reported. */
  report(event: { readonly type: string; readonly error?: unknown }): boolean;
  readonly actor: Actor<typeof supervisorMachine>;
  /** Stops supervising, cancelling pending restarts. */
  stop(): void;
}

/** Starts a supervisor for the children of one parent actor. */
export function supervise(opts: SuperviseOptions): Supervision {
  const { clock } = opts;
  const actor = createActor(supervisorMachine, { input: { policy: opts.policy } });
  const pending = new Map<string, () => void>();
  const cancelAll = (): void => {
    for (const cancel of pending.values()) cancel();
    pending.clear();
  };
  const failed = (child: string, error: unknown): void => actor.send({ type: 'child.failed', child, at: clock.now(), error });

  actor.on('effect.restart', ({ child, delayMs }) => {
    const cancel = clock.setTimer(clock.now() + delayMs, () => {
      pending.delete(child);
      // Back to Running first, so a failure during the restart itself is not taken as stale.
      actor.send({ type: 'backoff.elapsed', child, at: clock.now() });
      try {
        opts.restart(child);
      } catch (error) {
        failed(child, error);
      }
    });
    pending.set(child, cancel);
  });
  actor.on('effect.escalate', (effect) => {
    cancelAll();
    opts.escalate(effect);
  });
  actor.start();

  return {
    actor,
    report(event) {
      if (!event.type.startsWith(ERROR_PREFIX)) return false;
      failed(event.type.slice(ERROR_PREFIX.length), event.error);
      return true;
    },
    stop() {
      cancelAll();
      actor.stop();
    },
  };
}
