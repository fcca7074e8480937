/**
 * Bad operator commands on the wire, against a real `desk host` running a bot: a raw NATS client
 * on the prefix sends to `desk.cmd.<bot>` what no CLI would — bytes that are not JSON, wrong
 * types, a missing reason, an expired command, an unknown bot, a replayed id, payloads at and over
 * the server's max_payload. Each gets the reply of actors/commands.ts (or the bus's / server's
 * documented behaviour), nothing changes on the bot, and each command that reached the handler is
 * audited (`command.received` then `command.rejected`) in DESK_EVENTS and DESK_AUDIT.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskStreamNames } from '../../../adapters/jetstream/streams.ts';
import {
  Children, deskJson, HeartbeatWatch, mustConnect, pollUntil, readStream, ROOT, teardown,
  type StreamEvent, uniquePrefix, varDir, waitForOutput,
} from './nats.helpers.ts';

const BTC_CONFIG = join(ROOT, 'tests/fixtures/config/desk-up-btc.yaml');
const BOT = 'btc-paper';
const enc = new TextEncoder();

interface Reply {
  readonly ok: boolean;
  readonly id: string;
  readonly botId: string;
  readonly state: string;
  readonly error?: { readonly code: string; readonly message: string };
}

describe('bad commands on desk.cmd.<bot>', () => {
  const prefix = uniquePrefix('bc');
  const children = new Children();
  const dirs: string[] = [];
  let nc: NatsConnection;
  let watch: HeartbeatWatch;
  const subject = (bot: string): string => `${prefix}.desk.cmd.${bot}`;
  const command = (over: Record<string, unknown> = {}): Record<string, unknown> => {
    const now = Date.now();
    return { id: randomUUID(), type: 'pause', issuedAt: now, expiresAt: now + 30_000, issuer: 'e2e-test', reason: 'e2e bad-command test', args: {}, ...over };
  };
  const send = async (bot: string, body: Uint8Array | Record<string, unknown>, timeout = 5_000): Promise<Reply> => {
    const data = body instanceof Uint8Array ? body : enc.encode(JSON.stringify(body));
    const m = await nc.request(subject(bot), data, { timeout });
    return m.json<Reply>();
  };
  const requestError = async (bot: string, body: Uint8Array | Record<string, unknown>, timeout = 3_000): Promise<unknown> => {
    let reply: Reply;
    try {
      reply = await send(bot, body, timeout);
    } catch (e) {
      return e;
    }
    throw new Error(`expected the request to fail, got the reply ${JSON.stringify(reply)}`);
  };

  beforeAll(async () => {
    nc = await mustConnect();
    const dir = await varDir();
    dirs.push(dir);
    watch = new HeartbeatWatch(nc, prefix);
    const host = children.start(['host', '--name', 'h1', '--no-require-risk', '--prefix', prefix, '--var', dir]);
    await waitForOutput(host, 'desk host h1: ready', 60_000);
    // Slow enough that the replay outlives the test.
    const s = await deskJson<{ ok: boolean }>(['spawn', BOT, '--host', 'h1', '--config', BTC_CONFIG, '--prefix', prefix, '--speed', '3', '--seed', '5', '--timeout', '90s'], 120_000);
    expect(s.status, s.stderr).toBe(0);
    await pollUntil('the bot quoting', async () => (watch.quoted.has(BOT) ? true : undefined), 120_000);
  }, 240_000);

  afterAll(async () => {
    await teardown({ watch, children, nc, prefix, dirs });
  }, 60_000);

  it('refuses each with its documented reply, changes nothing, and audits what reached the handler', async () => {
    const rejected: { id: string; code: string }[] = [];
    const expectRejected = (r: Reply, code: string, id: string, message?: RegExp): void => {
      expect(r).toMatchObject({ ok: false, botId: BOT, error: { code } });
      if (message) expect(r.error?.message).toMatch(message);
      // A rejected command never takes the bot out of the market.
      expect(['Running', 'WarmingUp']).toContain(r.state);
      rejected.push({ id, code });
    };

    // Not JSON at all: the bus cannot decode it, so it never reaches the command handler; the bus
    // answers `invalid_json` itself (adapters/bus/nats.ts deliver) and the host audits it
    // (BotHost.auditUndecodable: command.received {undecodable} + command.rejected invalid_json).
    const notJson = await send(BOT, enc.encode('{"id": "x", this is not json'));
    expect(notJson).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    expect(notJson.error?.message).toMatch(/not a JSON object/);
    // JSON but not an object: the same (a bus message must be a JSON object).
    const notObject = await send(BOT, enc.encode('[1,2,3]'));
    expect(notObject).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    expect(notObject.error?.message).toMatch(/not a JSON object/);

    // Wrong types: issuedAt a string, args a list.
    const wrong1 = command({ issuedAt: 'yesterday' });
    expectRejected(await send(BOT, wrong1), 'invalid_command', wrong1['id'] as string, /^issuedAt: /);
    const wrong2 = command({ args: [1, 2] });
    expectRejected(await send(BOT, wrong2), 'invalid_command', wrong2['id'] as string, /^args: /);
    const wrong3 = command({ type: 'self_destruct' });
    expectRejected(await send(BOT, wrong3), 'invalid_command', wrong3['id'] as string, /^type: /);
    const extra = command({ sudo: true });
    expectRejected(await send(BOT, extra), 'invalid_command', extra['id'] as string);
    const badValue = command({ type: 'set_target_base_pct', args: { value: '7' } });
    expectRejected(await send(BOT, badValue), 'invalid_command', badValue['id'] as string, /^args\.value: /);

    // Missing reason, and an empty one.
    const { reason: _omitted, ...noReason } = command();
    expectRejected(await send(BOT, noReason), 'invalid_command', noReason['id'] as string, /^reason: /);
    const emptyReason = command({ reason: '' });
    expectRejected(await send(BOT, emptyReason), 'invalid_command', emptyReason['id'] as string, /^reason: /);

    // Expired.
    const expired = command({ issuedAt: Date.now() - 60_000, expiresAt: Date.now() - 30_000 });
    expectRejected(await send(BOT, expired), 'expired', expired['id'] as string, /^expired at /);

    // Unknown bot: no host subscribes to it, the server answers "no responders" at once.
    const unknown = await requestError('no-such-bot', command(), 3_000);
    expect((unknown as NatsError).code).toBe(ErrorCode.NoResponders);

    // Under max_payload (1 MB by default) but far over the 512-character reason: refused by the handler.
    const big = command({ reason: 'x'.repeat(900_000) });
    expectRejected(await send(BOT, big), 'invalid_command', big['id'] as string, /^reason: /);
    // 2 MB: over the server's max_payload — nats.js refuses to send it (MAX_PAYLOAD_EXCEEDED) and
    // the bot never sees it.
    const huge = command({ reason: 'y'.repeat(2 * 1024 * 1024) });
    const hugeErr = await requestError(BOT, huge);
    expect((hugeErr as NatsError).code).toBe(ErrorCode.MaxPayloadExceeded);
    expect(nc.isClosed()).toBe(false);

    // Nothing changed on the bot: still trading, not paused, not latched.
    const before = watch.bot(BOT);
    expect(before?.latched).toBe(false);
    expect(before?.reasons ?? []).not.toContain('operator');

    // A replayed id: the same reply, applied once (one command.applied, one command.duplicate).
    const target = command({ type: 'set_target_base_pct', args: { value: '0.5' } });
    const first = await send(BOT, target);
    const again = await send(BOT, target);
    expect(first).toMatchObject({ ok: true, id: target['id'], botId: BOT });
    expect(again).toEqual(first);

    // ── the audit trail ──────────────────────────────────────────────────────────────────────
    const names = deskStreamNames(prefix);
    const trail = (events: readonly StreamEvent[], id: string): { received: StreamEvent[]; rejected: StreamEvent[]; applied: StreamEvent[]; duplicate: StreamEvent[] } => {
      const received = events.filter((e) => e.type === 'command.received' && (e.payload['command'] as { id?: unknown } | null)?.id === id);
      const ids = new Set(received.map((e) => e.eventId));
      const by = (t: string): StreamEvent[] => events.filter((e) => e.type === t && e.correlationId !== undefined && ids.has(e.correlationId));
      return { received, rejected: by('command.rejected'), applied: by('command.applied'), duplicate: by('command.duplicate') };
    };
    const undecodable = (events: readonly StreamEvent[]): { received: StreamEvent[]; rejected: StreamEvent[] } => {
      const received = events.filter((e) => e.type === 'command.received' && e.payload['undecodable'] === true && e.payload['target'] === BOT);
      const ids = new Set(received.map((e) => e.eventId));
      return { received, rejected: events.filter((e) => e.type === 'command.rejected' && e.correlationId !== undefined && ids.has(e.correlationId)) };
    };
    for (const stream of [names.events, names.audit]) {
      const events = await pollUntil(
        `the command trail in ${stream}`,
        async () => {
          const ev = await readStream(nc, stream);
          const t = trail(ev, target['id'] as string);
          return t.applied.length === 1 && t.duplicate.length === 1 && undecodable(ev).rejected.length === 2 && rejected.every((r) => trail(ev, r.id).rejected.length === 1) ? ev : undefined;
        },
        20_000,
        500,
      );
      for (const r of rejected) {
        const t = trail(events, r.id);
        expect({ id: r.id, received: t.received.length, rejected: t.rejected.map((e) => e.payload['code']), applied: t.applied.length }).toEqual({ id: r.id, received: 1, rejected: [r.code], applied: 0 });
      }
      const t = trail(events, target['id'] as string);
      expect({ received: t.received.length, applied: t.applied.length, duplicate: t.duplicate.length, rejected: t.rejected.length }).toEqual({ received: 2, applied: 1, duplicate: 1, rejected: 0 });
      const u = undecodable(events);
      expect({ received: u.received.length, rejected: u.rejected.map((e) => e.payload['code']) }).toEqual({ received: 2, rejected: ['invalid_json', 'invalid_json'] });
      // What never reached a host left no trace: the unknown bot, the 2 MB command.
      expect(events.filter((e) => e.type === 'command.received' && e.payload['target'] !== BOT)).toEqual([]);
      expect(events.filter((e) => e.type === 'command.received')).toHaveLength(rejected.length + 2 + 2);
    }
  }, 120_000);
});
