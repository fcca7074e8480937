import { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { opsGuardMachine, type OpsGuardEvent } from '../machines/ops-guard.machine.ts';
import { ATTR_BOT_ID, ATTR_CORRELATION_ID, ATTR_EVENT_TYPE, ATTR_FROM, ATTR_MACHINE, ATTR_TO } from './attributes.ts';
import { formatStateValue, transitionTracer } from './transition-tracer.ts';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');

afterEach(() => exporter.reset());

function drive(events: readonly OpsGuardEvent[], botId?: string) {
  const actor = createActor(opsGuardMachine, { inspect: transitionTracer({ tracer, botId }) });
  actor.start();
  for (const e of events) actor.send(e);
  actor.stop();
  return exporter.getFinishedSpans().map((s) => ({ name: s.name, attributes: s.attributes }));
}

describe('transitionTracer', () => {
  it('yields one span per actual transition of Running → SoftPause → HardStop → Running, none for ignored events', () => {
    const hard: OpsGuardEvent & { correlationId: string } = { type: 'ops.hard', reason: 'operator_kill', correlationId: 'corr-42' };
    const spans = drive(
      [
        { type: 'ops.soft_cleared', reason: 'edge_gate' }, // ignored in Running
        { type: 'ops.resume' }, // ignored in Running
        { type: 'ops.soft_raised', reason: 'edge_gate' }, // Running → SoftPause
        { type: 'ops.soft_raised', reason: 'book_stale' }, // targetless in SoftPause
        hard, // SoftPause → HardStop
        { type: 'ops.soft_raised', reason: 'cancel_budget' }, // tracked while latched, no transition
        { type: 'ops.soft_cleared', reason: 'edge_gate' },
        { type: 'ops.soft_cleared', reason: 'book_stale' },
        { type: 'ops.soft_cleared', reason: 'cancel_budget' },
        { type: 'ops.resume' }, // HardStop → Running (no soft reasons left)
      ],
      'bot-1',
    );
    const base = { [ATTR_MACHINE]: 'opsGuard', [ATTR_BOT_ID]: 'bot-1' };
    expect(spans).toEqual([
      { name: 'opsGuard.transition', attributes: { ...base, [ATTR_FROM]: 'Running', [ATTR_TO]: 'SoftPause', [ATTR_EVENT_TYPE]: 'ops.soft_raised' } },
      {
        name: 'opsGuard.transition',
        attributes: { ...base, [ATTR_FROM]: 'SoftPause', [ATTR_TO]: 'HardStop', [ATTR_EVENT_TYPE]: 'ops.hard', [ATTR_CORRELATION_ID]: 'corr-42' },
      },
      { name: 'opsGuard.transition', attributes: { ...base, [ATTR_FROM]: 'HardStop', [ATTR_TO]: 'Running', [ATTR_EVENT_TYPE]: 'ops.resume' } },
    ]);
  });

  it('yields no span for the initial snapshot nor when only ignored events arrive', () => {
    expect(drive([{ type: 'ops.resume' }, { type: 'ops.soft_cleared', reason: 'edge_gate' }])).toEqual([]);
  });

  it('omits the bot id when neither context, input nor option carries one', () => {
    const [span] = drive([{ type: 'ops.hard', reason: 'operator_kill' }]);
    expect(span?.attributes).not.toHaveProperty(ATTR_BOT_ID);
    expect(span?.attributes[ATTR_TO]).toBe('HardStop');
  });
});

describe('transitionTracer bot id', () => {
  const toggle = setup({ types: { input: {} as { botId: string; ctx: boolean } } }).createMachine({
    id: 'toggle',
    context: ({ input }) => (input.ctx ? { botId: `ctx-${input.botId}` } : {}),
    initial: 'Off',
    states: { Off: { on: { flip: 'On' } }, On: {} },
  });
  it.each([
    [true, 'ctx-b'],
    [false, 'b'],
  ])('prefers the context (ctx=%s) over the input over the option', (ctx, expected) => {
    const actor = createActor(toggle, { input: { botId: 'b', ctx }, inspect: transitionTracer({ tracer, botId: 'option' }) });
    actor.start();
    actor.send({ type: 'flip' });
    actor.stop();
    expect(exporter.getFinishedSpans().map((s) => s.attributes[ATTR_BOT_ID])).toEqual([expected]);
  });
});

describe('formatStateValue', () => {
  it('dots nested values and joins parallel regions', () => {
    expect(formatStateValue('Running')).toBe('Running');
    expect(formatStateValue({ Live: 'Quoting' })).toBe('Live.Quoting');
    expect(formatStateValue({ a: { b: 'c' }, d: 'e' })).toBe('a.b.c,d.e');
  });
});
