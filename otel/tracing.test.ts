import { afterEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { opsGuardMachine } from '../machines/ops-guard.machine.ts';
import { ATTR_FROM, ATTR_TO } from './attributes.ts';
import { type OtlpBody, type Received, attr, startReceiver } from './otlp-receiver.fixtures.ts';
import { transitionTracer } from './transition-tracer.ts';
import { startTracing } from './tracing.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('startTracing', () => {
  it('exports transition spans over OTLP/HTTP to <endpoint>/v1/traces, flushed by shutdown', async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const tracing = startTracing({ serviceName: 'desk-test', endpoint: `${receiver.endpoint}/` });
    expect(tracing.enabled).toBe(true);

    const actor = createActor(opsGuardMachine, { inspect: transitionTracer({ botId: 'bot-7' }) });
    actor.start();
    actor.send({ type: 'ops.hard', reason: 'operator_kill' });
    actor.send({ type: 'ops.resume' });
    actor.stop();
    await tracing.shutdown();

    const posts = received(receiver.received);
    expect(posts.length).toBeGreaterThan(0);
    const bodies = posts.map((p) => JSON.parse(p.body) as OtlpBody);
    const resource = bodies[0]?.resourceSpans[0]?.resource;
    expect(attr(resource?.attributes ?? [], 'service.name')).toBe('desk-test');
    const spans = bodies.flatMap((b) => b.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
    expect(spans.map((s) => [s.name, attr(s.attributes, ATTR_FROM), attr(s.attributes, ATTR_TO)])).toEqual([
      ['opsGuard.transition', 'Running', 'HardStop'],
      ['opsGuard.transition', 'HardStop', 'Running'],
    ]);
  });

  it('is a no-op without an endpoint', async () => {
    const tracing = startTracing({ serviceName: 'desk-test', endpoint: '' });
    expect(tracing.enabled).toBe(false);
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });
});

function received(all: readonly Received[]): Received[] {
  for (const r of all) {
    expect(r).toMatchObject({ method: 'POST', url: '/v1/traces' });
    expect(r.headers['content-type']).toMatch(/^application\/json/);
  }
  return [...all];
}
