/**
 * The operator commands, run in-process through `main` against the real NATS server on
 * 127.0.0.1:4222. Each test gets a unique `--prefix`, and fake hosts and bots (responders on
 * `desk.cmd.<bot>`, `desk.host.<h>.spawn`, `desk.ctl.<bot>`, heartbeats on
 * `desk.heartbeat.host-<h>`) stand up on a NatsBus with the same prefix. If NATS is unreachable
 * these tests fail (connecting in beforeAll throws); they never skip.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { NatsConnection } from 'nats';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { NatsBus } from '../../../adapters/bus/nats.ts';
import type { BusMsg, JsonObject } from '../../../adapters/bus/types.ts';
import { connectNats } from '../../../adapters/nats/connect.ts';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NATS_URL = 'nats://127.0.0.1:4222';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let nc: NatsConnection;
let seq = 0;
let prefix: string;
let bus: NatsBus;
const timers: ReturnType<typeof setInterval>[] = [];

beforeAll(async () => {
  nc = await connectNats({ url: NATS_URL, name: 'desk-operator-test', auth: { kind: 'none' } });
});
afterAll(async () => {
  await nc?.drain();
});
beforeEach(() => {
  prefix = `op${process.pid}x${Math.random().toString(36).slice(2, 8)}x${++seq}`;
  bus = new NatsBus(nc, { prefix });
  vi.stubEnv('DESK_OPERATOR', 'alice@desk');
});
afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  vi.unstubAllEnvs();
  await bus.close();
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (s) => (out += s.endsWith('\n') ? s : `${s}\n`), err: (s) => (err += s.endsWith('\n') ? s : `${s}\n`), cwd: ROOT };
  const code = await main(['node', 'desk', ...args, '--nats', NATS_URL, '--prefix', prefix], io);
  return { code, out, err };
}

/** A fake responder on `subject`: records every request and answers with `reply(request)` (no answer when it returns null). */
async function responder(subject: string, reply: (data: JsonObject) => object | null): Promise<JsonObject[]> {
  const seen: JsonObject[] = [];
  bus.subscribe(subject, (m: BusMsg) => {
    seen.push(m.data);
    const r = reply(m.data);
    if (r !== null) m.respond(r);
  });
  await bus.flush();
  return seen;
}

/** A bot that accepts every command and answers with `state`. */
const okBot = (botId: string, state: string) => (d: JsonObject) => ({ ok: true, id: d['id'] as string, botId, state });

/** A fake host publishing its heartbeat every 100 ms (`ageMs` old). */
function heartbeat(host: string, bots: Partial<JsonObject>[], opts: { ageMs?: number; controlPlaneLost?: boolean } = {}): void {
  const beat = (): void =>
    bus.publish(`desk.heartbeat.host-${host}`, {
      host,
      ts: Date.now() - (opts.ageMs ?? 0),
      controlPlaneLost: opts.controlPlaneLost ?? false,
      bots: bots.map((b) => ({ symbol: 'BTCUSDT', state: 'Running', regime: 'neutral', spreadBps: '5', levels: 2, basePct: '50.0', equity: '10000', pnl: '1.5', fills: 3, openOrders: 4, reasons: [], latched: false, ...b })),
    });
  beat();
  timers.push(setInterval(beat, 100));
}

describe('desk pause|resume|kill|rearm|target', () => {
  it('sends the command wire format and prints one line per bot', async () => {
    const seen = await responder('desk.cmd.bot1', okBot('bot1', 'SoftPaused'));
    const before = Date.now();
    const r = await run('pause', 'bot1', '--reason', 'maintenance window');
    const after = Date.now();
    expect(r).toEqual({ code: 0, out: 'bot1 paused (SoftPaused)\n', err: '' });
    expect(seen).toHaveLength(1);
    const c = seen[0] as JsonObject;
    expect(Object.keys(c).sort()).toEqual(['args', 'expiresAt', 'id', 'issuedAt', 'issuer', 'reason', 'type']);
    expect(c['id']).toMatch(UUID);
    expect(c).toMatchObject({ type: 'pause', issuer: 'alice@desk', reason: 'maintenance window', args: {} });
    expect(c['issuedAt']).toBeGreaterThanOrEqual(before);
    expect(c['issuedAt']).toBeLessThanOrEqual(after);
    expect((c['expiresAt'] as number) - (c['issuedAt'] as number)).toBe(30_000);
  });

  it('a fresh id per command, --ttl sets the expiry, and the issuer defaults to user@host', async () => {
    vi.stubEnv('DESK_OPERATOR', '');
    const seen = await responder('desk.cmd.bot1', okBot('bot1', 'Running'));
    expect((await run('resume', 'bot1', '--reason', 'done', '--ttl', '5s')).code).toBe(0);
    expect((await run('resume', 'bot1', '--reason', 'done', '--ttl', '2500')).code).toBe(0);
    const [a, b] = seen as [JsonObject, JsonObject];
    expect(a['type']).toBe('resume');
    expect(a['id']).not.toBe(b['id']);
    expect((a['expiresAt'] as number) - (a['issuedAt'] as number)).toBe(5_000);
    expect((b['expiresAt'] as number) - (b['issuedAt'] as number)).toBe(2_500);
    expect(a['issuer']).toMatch(/^.+@.+$/);
    expect(a['issuer']).not.toBe('alice@desk');
  });

  it('--json prints the reply', async () => {
    await responder('desk.cmd.bot1', okBot('bot1', 'SoftPaused'));
    const r = await run('pause', 'bot1', '--reason', 'x', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, botId: 'bot1', state: 'SoftPaused', id: expect.stringMatching(UUID) });
  });

  it('a refusal prints code: message and exits 1', async () => {
    await responder('desk.cmd.bot1', (d) => ({ ok: false, id: d['id'] as string, botId: 'bot1', state: 'HardStopped', error: { code: 'latched', message: 'kill switch latched for bot1' } }));
    const r = await run('resume', 'bot1', '--reason', 'x');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('desk: bot1: latched: kill switch latched for bot1\n');
    const j = await run('resume', 'bot1', '--reason', 'x', '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, error: { code: 'latched' } });
  });

  it('no responders: unknown bot, exit 1', async () => {
    const r = await run('pause', 'bot9', '--reason', 'x');
    expect(r.code).toBe(1);
    expect(r.err).toBe('desk: unknown bot bot9: no host runs it\n');
    const j = await run('pause', 'bot9', '--reason', 'x', '--json');
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, botId: 'bot9', error: { code: 'unknown_bot', message: 'unknown bot bot9: no host runs it' } });
  });

  it('no reply within --timeout: exit 1', async () => {
    await responder('desk.cmd.bot1', () => null);
    const r = await run('pause', 'bot1', '--reason', 'x', '--timeout', '200');
    expect(r.code).toBe(1);
    expect(r.err).toBe('desk: bot1: timeout: no reply from bot1 within 200 ms\n');
  });

  it('bad input exits 2 before connecting', async () => {
    // An unreachable server: these must fail on validation, never try to connect.
    const bad = async (...args: string[]): Promise<{ code: number; err: string }> => {
      let err = '';
      const code = await main(['node', 'desk', ...args, '--nats', 'nats://127.0.0.1:1'], { out: () => undefined, err: (s) => (err += s), cwd: ROOT });
      return { code, err };
    };
    expect(await bad('pause', 'bot1')).toEqual({ code: 2, err: 'desk: --reason is required' });
    expect(await bad('kill', 'bot1', '--reason', '  ')).toEqual({ code: 2, err: 'desk: --reason is required' });
    expect(await bad('rearm', 'bot1')).toEqual({ code: 2, err: 'desk: --reason is required' });
    expect(await bad('pause', '--reason', 'x')).toEqual({ code: 2, err: 'desk: give a bot (or --all)' });
    expect(await bad('pause', 'bot1', '--all', '--reason', 'x')).toEqual({ code: 2, err: 'desk: give a bot or --all, not both' });
    for (const v of ['40', '1.01', '-0.1', 'abc', '']) {
      const r = await bad('target', 'bot1', v);
      expect(r.code, v).toBe(2);
    }
    expect((await bad('target', 'bot1', '40')).err).toBe('desk: base_pct: expected a fraction in [0,1] such as 0.4 (for 40%), got "40"');
    expect((await bad('pause', 'a.b', '--reason', 'x')).code).toBe(2);
    expect((await bad('pause', 'bot1', '--reason', 'x', '--timeout', 'soon')).code).toBe(2);
  });

  it('an unreachable server exits 1 naming the URL', async () => {
    let err = '';
    const code = await main(['node', 'desk', 'pause', 'bot1', '--reason', 'x', '--nats', 'nats://127.0.0.1:1'], { out: () => undefined, err: (s) => (err += s), cwd: ROOT });
    expect(code).toBe(1);
    expect(err).toContain('cannot connect to NATS at nats://127.0.0.1:1');
  });

  it('target sends {value} as a decimal string (reason optional)', async () => {
    const seen = await responder('desk.cmd.bot1', okBot('bot1', 'Running'));
    const r = await run('target', 'bot1', '0.4');
    expect(r).toEqual({ code: 0, out: 'bot1 target base 0.4 (Running)\n', err: '' });
    expect(seen[0]).toMatchObject({ type: 'set_target_base_pct', args: { value: '0.4' }, reason: 'set target base 0.4' });
    await run('target', 'bot1', '1', '--reason', 'rebalance');
    expect(seen[1]).toMatchObject({ args: { value: '1' }, reason: 'rebalance' });
  });

  it('rearm sends type rearm', async () => {
    const seen = await responder('desk.cmd.bot1', okBot('bot1', 'Running'));
    expect(await run('rearm', 'bot1', '--reason', 'venue back')).toEqual({ code: 0, out: 'bot1 rearmed (Running)\n', err: '' });
    expect(seen[0]).toMatchObject({ type: 'rearm', reason: 'venue back', args: {} });
  });

  it('rearm --portfolio asks desk.risk.rearm with the issuer and reason', async () => {
    const seen = await responder('desk.risk.rearm', () => ({ ok: true, state: 'Monitoring', was: 'KillTriggered' }));
    expect(await run('rearm', '--portfolio', '--reason', 'loss reviewed')).toEqual({ code: 0, out: 'portfolio risk rearmed (KillTriggered → Monitoring)\n', err: '' });
    expect(seen[0]).toMatchObject({ reason: 'loss reviewed' });
    expect(typeof seen[0]?.['issuer']).toBe('string');
    expect((await run('rearm', 'bot1', '--portfolio', '--reason', 'x')).code).toBe(2);
  });

  it('kill sends {flatten, dryRun} and prints each result', async () => {
    const seen = await responder('desk.cmd.bot1', (d) => ({
      ok: true,
      id: d['id'] as string,
      botId: 'bot1',
      state: 'HardStopped',
      result: [{ botId: 'bot1', outcome: 'latched', verified: true, openOrdersAtVerify: 0, attempts: 1 }],
    }));
    const r = await run('kill', 'bot1', '--reason', 'runaway');
    expect(r).toEqual({ code: 0, out: 'bot1 killed (HardStopped)\n  bot1 latched: verified flat, 0 open order(s) at verify, 1 attempt(s)\n', err: '' });
    expect(seen[0]).toMatchObject({ type: 'kill', reason: 'runaway', args: { flatten: false, dryRun: false } });
    await run('kill', 'bot1', '--reason', 'drill', '--flatten', '--dry-run');
    expect(seen[1]).toMatchObject({ args: { flatten: true, dryRun: true } });
  });

  it('kill not verified flat: exit 1 with the results', async () => {
    await responder('desk.cmd.bot1', (d) => ({
      ok: false,
      id: d['id'] as string,
      botId: 'bot1',
      state: 'HardStopped',
      error: { code: 'kill_failed', message: 'not verified flat: bot1' },
      result: [{ botId: 'bot1', outcome: 'latched', verified: false, openOrdersAtVerify: 2, attempts: 3 }],
    }));
    const r = await run('kill', 'bot1', '--reason', 'runaway');
    expect(r.code).toBe(1);
    expect(r.out).toBe('  bot1 latched: NOT verified, 2 open order(s) at verify, 3 attempt(s)\n');
    expect(r.err).toBe('desk: bot1: kill_failed: not verified flat: bot1\n');
  });

  it('--all finds the bots in the heartbeats, sends to each and aggregates', async () => {
    heartbeat('h1', [{ botId: 'bot1' }, { botId: 'bot2' }]);
    heartbeat('h2', [{ botId: 'bot3' }]);
    const s1 = await responder('desk.cmd.bot1', okBot('bot1', 'SoftPaused'));
    const s2 = await responder('desk.cmd.bot2', okBot('bot2', 'SoftPaused'));
    const s3 = await responder('desk.cmd.bot3', okBot('bot3', 'SoftPaused'));
    const r = await run('pause', '--all', '--reason', 'news', '--wait', '400');
    expect(r).toEqual({ code: 0, out: 'bot1 paused (SoftPaused)\nbot2 paused (SoftPaused)\nbot3 paused (SoftPaused)\n', err: '' });
    const ids = [s1, s2, s3].map((s) => {
      expect(s).toHaveLength(1);
      expect(s[0]).toMatchObject({ type: 'pause', reason: 'news' });
      return s[0]?.['id'];
    });
    expect(new Set(ids).size).toBe(3);
  });

  it('--all exits 1 if any bot fails, and --json lists every reply', async () => {
    heartbeat('h1', [{ botId: 'bot1' }, { botId: 'bot2' }]);
    await responder('desk.cmd.bot1', okBot('bot1', 'Running'));
    await responder('desk.cmd.bot2', (d) => ({ ok: false, id: d['id'] as string, botId: 'bot2', state: 'HardStopped', error: { code: 'latched', message: 'latched' } }));
    const r = await run('resume', '--all', '--reason', 'over', '--wait', '400');
    expect(r.code).toBe(1);
    expect(r.out).toBe('bot1 resumed (Running)\n');
    expect(r.err).toBe('desk: bot2: latched: latched\ndesk: 1 of 2 bots failed\n');
    const j = await run('resume', '--all', '--reason', 'over', '--wait', '400', '--json');
    expect(j.code).toBe(1);
    const doc = JSON.parse(j.out) as { ok: boolean; replies: { botId: string; ok: boolean }[] };
    expect(doc.ok).toBe(false);
    expect(doc.replies.map((x) => [x.botId, x.ok])).toEqual([
      ['bot1', true],
      ['bot2', false],
    ]);
  });

  it('--all with no host seen exits 1', async () => {
    const r = await run('kill', '--all', '--reason', 'x', '--wait', '200');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`desk: no bots: no host heartbeat on ${NATS_URL} within 200 ms\n`);
  });
});

describe('desk status', () => {
  it('lists every bot on every host with its heartbeat age', async () => {
    heartbeat('h1', [{ botId: 'bot2', state: 'SoftPaused', latched: true, openOrders: 0 }, { botId: 'bot1' }], { ageMs: 2_000 });
    heartbeat('h2', [], { controlPlaneLost: true });
    const j = await run('status', '--json', '--wait', '400');
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.out) as { bots: Record<string, unknown>[]; hosts: Record<string, unknown>[] };
    expect(doc.bots.map((b) => Object.keys(b).sort())[0]).toEqual(['botId', 'equity', 'heartbeatAgeMs', 'host', 'latched', 'openOrders', 'pnl', 'regime', 'state']);
    expect(doc.bots.map(({ heartbeatAgeMs: _, ...b }) => b)).toEqual([
      { botId: 'bot1', host: 'h1', state: 'Running', regime: 'neutral', equity: '10000', pnl: '1.5', openOrders: 4, latched: false },
      { botId: 'bot2', host: 'h1', state: 'SoftPaused', regime: 'neutral', equity: '10000', pnl: '1.5', openOrders: 0, latched: true },
    ]);
    for (const b of doc.bots) {
      expect(b['heartbeatAgeMs']).toBeGreaterThanOrEqual(2_000);
      expect(b['heartbeatAgeMs']).toBeLessThan(2_600);
    }
    expect(doc.hosts.map((h) => [h['host'], h['controlPlaneLost']])).toEqual([
      ['h1', false],
      ['h2', true],
    ]);
    expect(doc.hosts[1]?.['heartbeatAgeMs']).toBeLessThan(600);

    const r = await run('status', '--wait', '400');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^HOST\s+BOT\s+STATE\s+REGIME\s+EQUITY\s+PNL\s+OPEN\s+LATCHED\s+HEARTBEAT$/);
    expect(lines[1]).toMatch(/^h1\s+bot1\s+Running\s+neutral\s+10000\s+1\.5\s+4\s+no\s+2\.\ds ago$/);
    expect(lines[2]).toMatch(/^h1\s+bot2\s+SoftPaused\s+neutral\s+10000\s+1\.5\s+0\s+LATCHED\s+2\.\ds ago$/);
    expect(lines[3]).toMatch(/^host h2: no bots; CONTROL PLANE LOST: bots held soft-paused \(heartbeat 0\.\ds ago\)$/);
  });

  it('no host seen: "no hosts", exit 0', async () => {
    expect(await run('status', '--wait', '200')).toEqual({ code: 0, out: 'no hosts\n', err: '' });
    const j = await run('status', '--wait', '200', '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toEqual({ bots: [], hosts: [] });
  });
});

describe('desk spawn', () => {
  const CONFIG = 'config/desk.default.yaml';

  it('sends the absolute config path and the bot, prints what started', async () => {
    const seen = await responder('desk.host.h1.spawn', (d) => ({ ok: true, host: 'h1', bots: d['bots'] as string[] }));
    const r = await run('spawn', 'bot1', '--host', 'h1', '--config', CONFIG, '--speed', 'max', '--seed', '7', '--duration', '60');
    expect(r).toEqual({ code: 0, out: 'spawned bot1 on h1\n', err: '' });
    expect(seen[0]).toEqual({ config: resolve(ROOT, CONFIG), bots: ['bot1'], speed: 'max', seed: 7, durationS: 60 });
    await run('spawn', 'bot1', '--host', 'h1', '--config', resolve(ROOT, CONFIG), '--speed', '10');
    expect(seen[1]).toEqual({ config: resolve(ROOT, CONFIG), bots: ['bot1'], speed: 10 });
    const j = await run('spawn', 'bot1', '--host', 'h1', '--config', CONFIG, '--json');
    expect(JSON.parse(j.out)).toEqual({ ok: true, host: 'h1', bots: ['bot1'] });
  });

  it('a refused spawn prints code: message; exit 2 for bad input, 1 otherwise', async () => {
    let code = 'unknown_bot';
    await responder('desk.host.h1.spawn', () => ({ ok: false, host: 'h1', error: { code, message: 'not in the config: bot1' } }));
    const r = await run('spawn', 'bot1', '--host', 'h1', '--config', CONFIG);
    expect(r).toEqual({ code: 2, out: '', err: 'desk: unknown_bot: not in the config: bot1\n' });
    code = 'already_running';
    expect((await run('spawn', 'bot1', '--host', 'h1', '--config', CONFIG)).code).toBe(1);
  });

  it('no such host: exit 1; a missing config: exit 2 naming it', async () => {
    const r = await run('spawn', 'bot1', '--host', 'h9', '--config', CONFIG);
    expect(r).toEqual({ code: 1, out: '', err: `desk: no host h9 on ${NATS_URL}\n` });
    const m = await run('spawn', 'bot1', '--host', 'h1', '--config', 'no/such.yaml');
    expect(m.code).toBe(2);
    expect(m.err).toBe(`desk: --config: no such file ${resolve(ROOT, 'no/such.yaml')}\n`);
    expect((await run('spawn', 'bot1', '--host', 'h1', '--config', CONFIG, '--speed', 'fast')).code).toBe(2);
    expect((await run('spawn', 'bot1', '--host', 'h1', '--config', CONFIG, '--seed', '-1')).code).toBe(2);
  });
});

describe('desk stop', () => {
  it('asks the host running the bot to stop it', async () => {
    const seen = await responder('desk.ctl.bot1', () => ({ ok: true, botId: 'bot1', host: 'h1', state: 'Stopped' }));
    expect(await run('stop', 'bot1')).toEqual({ code: 0, out: 'bot1 stopped on h1 (Stopped)\n', err: '' });
    expect(seen).toEqual([{ op: 'stop' }]);
  });

  it('no responders: unknown bot, exit 1', async () => {
    expect(await run('stop', 'bot9')).toEqual({ code: 1, out: '', err: 'desk: unknown bot bot9: no host runs it\n' });
  });
});
