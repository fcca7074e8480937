/**
 * End to end: `node bin/desk.js up` with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local OTLP/HTTP
 * receiver (as in otel/tracing.test.ts: records every POST, answers 200 `{}`); the desk exports
 * one span per machine transition as OTLP JSON to <endpoint>/v1/traces.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_BOT_ID, ATTR_FROM, ATTR_MACHINE, ATTR_TO } from '../../otel/attributes.ts';
import { type OtlpBody, type Received, attr, startReceiver } from '../../otel/otlp-receiver.fixtures.ts';
import { deskChild } from './desk-up.helpers.ts';

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let received: Received[] = [];

let tmp = '';
let exit: { code: number | null; stdout: string; stderr: string };
let spans: { name: string; machine?: string; bot?: string; from?: string; to?: string }[] = [];
let bodies: OtlpBody[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-e2e-up-tracing-'));
  receiver = await startReceiver();
  received = receiver.received;
  // 150 s of data: the bots warm up for about a minute of market time before they quote (Running).
  exit = await deskChild(['up', '--speed', 'max', '--duration', '150', '--var', tmp, '--no-view'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }).exited;
  bodies = received.filter((r) => r.url === '/v1/traces').map((r) => JSON.parse(r.body) as OtlpBody);
  spans = bodies.flatMap((b) =>
    b.resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) =>
        s.spans.map((sp) => {
          const out: { name: string; machine?: string; bot?: string; from?: string; to?: string } = { name: sp.name };
          const set = (k: 'machine' | 'bot' | 'from' | 'to', v: string | undefined): void => {
            if (v !== undefined) out[k] = v;
          };
          set('machine', attr(sp.attributes, ATTR_MACHINE));
          set('bot', attr(sp.attributes, ATTR_BOT_ID));
          set('from', attr(sp.attributes, ATTR_FROM));
          set('to', attr(sp.attributes, ATTR_TO));
          return out;
        }),
      ),
    ),
  );
}, 60_000);
afterAll(async () => {
  await receiver.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('desk up with OTEL_EXPORTER_OTLP_ENDPOINT (e2e)', () => {
  it('the run succeeds and POSTs OTLP JSON to /v1/traces, service.name desk', () => {
    expect(exit.code, exit.stderr).toBe(0);
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      expect(r).toMatchObject({ method: 'POST', url: '/v1/traces' });
      expect(r.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(attr(bodies[0]?.resourceSpans[0]?.resource.attributes ?? [], 'service.name')).toBe('desk');
  });

  it('every span is a machine transition with desk.machine, desk.from and desk.to', () => {
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) {
      expect(s.machine, JSON.stringify(s)).toBeDefined();
      expect(s.name).toBe(`${s.machine}.transition`);
      expect(s.from, JSON.stringify(s)).toBeDefined();
      expect(s.to, JSON.stringify(s)).toBeDefined();
      expect(s.from).not.toBe(s.to);
    }
  });

  it('both bots machines went to WarmingUp and then Running (150 s of data: past the warm-up)', () => {
    for (const bot of ['btc-paper', 'eth-paper']) {
      const mine = spans.filter((s) => s.bot === bot);
      const tos = mine.map((s) => s.to);
      expect(tos, bot).toContain('WarmingUp');
      expect(tos, bot).toContain('Running');
      expect(tos.indexOf('WarmingUp'), bot).toBeLessThan(tos.indexOf('Running'));
      expect(new Set(mine.map((s) => s.machine)).size, bot).toBeGreaterThan(1); // the bot and its child machines (orders, regime, ops guard)
    }
  });
});
