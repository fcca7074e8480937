/**
 * Spans from XState's inspection hook (conventions habit 12): machines stay free of tracing code;
 * the actor is created with `createActor(machine, { inspect: transitionTracer({ … }) })`.
 *
 * What counts as a transition: an `@xstate.snapshot` inspection event of a state-machine actor
 * whose state value differs from that actor's previous one. Consequently
 * - the initial snapshot (`xstate.init`) only records the baseline and yields no span;
 * - ignored events, targetless transitions (context-only updates) and self-transitions that
 *   leave the value unchanged — even with `reenter: true` — yield no span: the snapshot alone
 *   cannot tell a re-entry from a no-op, and a span per no-op would drown the real changes;
 * - non-machine child actors (promises, callbacks) have no state value and are skipped.
 */
import { trace, type Tracer } from '@opentelemetry/api';
import type { InspectionEvent, StateValue } from 'xstate';
import { ATTR_BOT_ID, ATTR_CORRELATION_ID, ATTR_EVENT_TYPE, ATTR_FROM, ATTR_MACHINE, ATTR_TO } from './attributes.ts';

/** Options for {@link transitionTracer}. */
export interface TransitionTracerOptions {
  /** The tracer to use; defaults to the globally installed provider's `desk` tracer. */
  readonly tracer?: Tracer;
  /** The bot id when neither the actor's context nor its input carries a `botId`. */
  readonly botId?: string;
}

interface MachineSnapshotLike {
  readonly value: StateValue;
  readonly context?: unknown;
  readonly machine?: { readonly id?: unknown };
}

const isMachineSnapshot = (s: unknown): s is MachineSnapshotLike =>
  typeof s === 'object' && s !== null && 'value' in s && 'machine' in s;

/** `a.b.c` for nested values, `a` for atomic ones; parallel regions are joined with `,`. */
export function formatStateValue(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, sub]) => (sub === undefined || (typeof sub === 'object' && Object.keys(sub).length === 0) ? key : `${key}.${formatStateValue(sub)}`))
    .join(',');
}

const stringField = (o: unknown, key: string): string | undefined => {
  if (typeof o !== 'object' || o === null) return undefined;
  const v = (o as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
};

/** The actor's input, when the runtime actor exposes it (`Actor.options.input`). */
const actorInput = (actorRef: unknown): unknown =>
  typeof actorRef === 'object' && actorRef !== null && 'options' in actorRef
    ? (actorRef as { options?: { input?: unknown } }).options?.input
    : undefined;

/**
 * An `inspect` callback that starts and ends one span named `<machine>.transition` per actual
 * state change of every machine actor in the system it is attached to.
 */
export function transitionTracer(options: TransitionTracerOptions = {}): (event: InspectionEvent) => void {
  // Keyed by the actor ref, so one callback serves a whole actor system (children included).
  const previous = new WeakMap<object, string>();
  return (inspection) => {
    if (inspection.type !== '@xstate.snapshot' || !isMachineSnapshot(inspection.snapshot)) return;
    const { actorRef, event, snapshot } = inspection;
    const to = formatStateValue(snapshot.value);
    const from = previous.get(actorRef);
    previous.set(actorRef, to);
    if (from === undefined || from === to) return;

    const machine = typeof snapshot.machine?.id === 'string' ? snapshot.machine.id : 'machine';
    const botId = stringField(snapshot.context, 'botId') ?? stringField(actorInput(actorRef), 'botId') ?? options.botId;
    const correlationId = stringField(event, 'correlationId');
    const tracer = options.tracer ?? trace.getTracer('desk');
    const span = tracer.startSpan(`${machine}.transition`, {
      attributes: {
        [ATTR_MACHINE]: machine,
        [ATTR_FROM]: from,
        [ATTR_TO]: to,
        [ATTR_EVENT_TYPE]: event.type,
        ...(botId === undefined ? {} : { [ATTR_BOT_ID]: botId }),
        ...(correlationId === undefined ? {} : { [ATTR_CORRELATION_ID]: correlationId }),
      },
    });
    span.end();
  };
}
