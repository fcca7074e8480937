import { afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessBus } from '../adapters/bus/in-process.ts';
import { VirtualClock } from '../adapters/clock/virtual-clock.ts';
import { PaperExecutionAdapter } from '../adapters/execution/paper.ts';
import { validateConfig } from '../config/schema/validate.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import type { BookTop } from '../domain/market/types.ts';
import { Decimal } from '../domain/money/decimal.ts';
import type { Clock } from '../domain/ports/clock.ts';
import { BotRuntime } from './bot-runtime.ts';
import { type CommandReply, startCommandHandler } from './commands.ts';
import { createEventLog } from './event-log.ts';

const T0 = Date.UTC(2024, 7, 8, 12, 0, 0);
/** The operators' wall clock: far from the replay's virtual time, as in a replay. */
const WALL = Date.UTC(2025, 0, 1, 0, 0, 0);

class FakeWallClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  setTimer(): () => void {
    return () => undefined;
  }
}

function runtime(id: string, clock: VirtualClock, log: ReturnType<typeof createEventLog>): { rt: BotRuntime; adapter: PaperExecutionAdapter } {
  const r = validateConfig({
    id,
    instrument: { venue: 'binance', market: 'spot', symbol: 'BTCUSDT', base: 'BTC', quote: 'USDT', tick_size: '0.01', lot_step: '0.00001', min_amount: '0.00001', min_notional: '5' },
    strategy: { total_amount_quote: '1000', bar_interval_s: 5, ema_period: 3, atr_period: 3, maker_fee_pct: '0', regime_hold_ticks: 2, price_tolerance_ticks: 3000 },
    paper: { seed: 1, latency_ms: 100, maker_fee_pct: '0', start_base: '0.008', start_quote: '500' },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.violations));
  const bot = r.config.bots[0];
  if (bot === undefined) throw new Error('no bot');
  const adapter = new PaperExecutionAdapter({ clock, rules: bot.instrument, config: bot.paper, balances: { BTC: bot.account.startBase, USDT: bot.account.startQuote } });
  const rt = new BotRuntime({
    bot, clock, adapter, log, tickIntervalMs: 1000, snapshotIntervalMs: 3_600_000,
    restartPolicy: { strategy: 'one_for_one', initial_backoff_ms: 1000, max_backoff_ms: 1000, multiplier: 1, max_restarts: 1, window_ms: 60_000 },
  });
  rt.start();
  return { rt, adapter };
}

function setup() {
  const clock = new VirtualClock(T0);
  const wall = new FakeWallClock(WALL);
  const events: EventEnvelope[] = [];
  const log = createEventLog({ append: (e) => events.push(e) });
  const a = runtime('alpha', clock, log);
  const b = runtime('beta', clock, log);
  const bots = new Map([['alpha', a.rt], ['beta', b.rt]]);
  const bus = new InProcessBus();
  const handler = startCommandHandler({ bus, bots, log, wallClock: wall, eventClock: clock });
  let mid = 60_000;
  /** Feeds `seconds` of a zig-zag book to both bots and venues. */
  const feed = async (seconds: number): Promise<void> => {
    for (let k = 0; k < seconds * 4; k++) {
      clock.advanceBy(250);
      mid += k % 7 < 4 ? 0.6 : -0.7;
      const m = new Decimal(mid.toFixed(2));
      const top: BookTop = { ts: clock.now(), bid: m.minus('0.01'), ask: m.plus('0.01'), bids: [{ price: m.minus('0.01'), size: new Decimal(1) }], asks: [{ price: m.plus('0.01'), size: new Decimal(1) }] };
      for (const x of [a, b]) {
        x.adapter.onMarket({ type: 'market.book', top });
        x.rt.onBook(top);
      }
      await new Promise((r) => setImmediate(r));
    }
  };
  const send = async (target: string, cmd: object): Promise<CommandReply> => (await bus.request(`desk.cmd.${target}`, cmd, { timeoutMs: 1000 })).data as unknown as CommandReply;
  const ofType = (type: string): EventEnvelope[] => events.filter((e) => e.type === type && e.producer === 'desk.commands');
  return { clock, wall, events, bus, handler, alpha: a.rt, beta: b.rt, feed, send, ofType };
}

let n = 0;
const cmd = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: `cmd-${++n}`, type: 'pause', issuedAt: WALL - 1000, expiresAt: WALL + 60_000, issuer: 'ops@desk', reason: 'test', ...over,
});

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function started() {
  const s = setup();
  cleanup = async () => {
    s.handler.stop();
    await s.alpha.stop('test');
    await s.beta.stop('test');
    await s.bus.close();
  };
  return s;
}

describe('operator commands on the bus', () => {
  it('a valid pause is acknowledged, audited (received → applied) and pauses the bot on its next tick', async () => {
    const s = started();
    await s.feed(40);
    expect(s.alpha.view().state).toBe('Running');
    const c = cmd();
    const reply = await s.send('alpha', c);
    expect(reply).toMatchObject({ ok: true, id: c['id'], botId: 'alpha' });
    expect(reply.error).toBeUndefined();
    const [received] = s.ofType('command.received');
    const [applied] = s.ofType('command.applied');
    expect(received?.payload).toMatchObject({ target: 'alpha', command: { id: c['id'], type: 'pause' } });
    expect(received?.botId).toBe('alpha');
    expect(received?.ts).toBe(s.clock.now()); // audit events carry the desk's (virtual) time
    expect(applied?.payload).toMatchObject({ target: 'alpha', id: c['id'], type: 'pause', issuer: 'ops@desk', reason: 'test', bots: ['alpha'] });
    expect(applied?.correlationId).toBe(received?.eventId);
    expect(applied?.causationId).toBe(received?.eventId);
    expect(s.ofType('command.rejected')).toHaveLength(0);
    await s.feed(2);
    expect(s.alpha.view().state).toBe('SoftPaused');
    expect(s.alpha.view().reasons).toContain('operator_pause');
    expect(s.beta.view().state).toBe('Running');
  });

  type Mutate = (c: Record<string, unknown>) => Record<string, unknown>;
  it.each<[string, Mutate, RegExp]>([
    ['a missing field', (c) => ({ ...c, reason: undefined }), /^reason: /],
    ['a wrong type', (c) => ({ ...c, issuedAt: 'yesterday' }), /^issuedAt: /],
    ['an unknown type', (c) => ({ ...c, type: 'reboot' }), /^type: /],
    ['an extra key', (c) => ({ ...c, force: true }), /force/],
    ['args that are not a mapping', (c) => ({ ...c, args: 'x' }), /^args: /],
  ])('%s is refused as invalid_command naming the field', async (_name, mutate, message) => {
    const s = started();
    const spy = vi.spyOn(s.alpha, 'command');
    const c = mutate(cmd());
    const reply = await s.send('alpha', JSON.parse(JSON.stringify(c)) as object);
    expect(reply.ok).toBe(false);
    expect(reply.id).toBe(c['id']);
    expect(reply.error?.code).toBe('invalid_command');
    expect(reply.error?.message).toMatch(message);
    expect(spy).not.toHaveBeenCalled();
    const [received] = s.ofType('command.received');
    const [rejected] = s.ofType('command.rejected');
    expect(rejected?.payload).toMatchObject({ target: 'alpha', code: 'invalid_command' });
    expect(rejected?.correlationId).toBe(received?.eventId);
    expect(s.ofType('command.applied')).toHaveLength(0);
  });

  it('an unknown bot is refused with the bots of the desk', async () => {
    const s = started();
    const reply = await s.send('gamma', cmd());
    expect(reply).toMatchObject({ ok: false, botId: 'gamma', state: 'unknown', error: { code: 'unknown_bot' } });
    expect(reply.error?.message).toContain('gamma');
    expect(reply.error?.message).toContain('alpha, beta');
    expect(s.ofType('command.received')[0]?.botId).toBeNull();
    expect(s.ofType('command.rejected')[0]?.payload).toMatchObject({ code: 'unknown_bot' });
  });

  it('an expired command is refused (judged on the wall clock, not the virtual one)', async () => {
    const s = started();
    const spy = vi.spyOn(s.alpha, 'command');
    const reply = await s.send('alpha', cmd({ expiresAt: WALL }));
    expect(reply).toMatchObject({ ok: false, error: { code: 'expired' } });
    expect(reply.error?.message).toContain(new Date(WALL).toISOString());
    expect(spy).not.toHaveBeenCalled();
    // The same expiry a minute ahead of the wall clock is accepted, although virtual time is far behind it.
    s.wall.ms = WALL - 60_000;
    expect((await s.send('alpha', cmd({ expiresAt: WALL }))).ok).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('a replayed id gets the original reply and is applied once', async () => {
    const s = started();
    const spy = vi.spyOn(s.alpha, 'command');
    const c = cmd({ type: 'kill' });
    const first = await s.send('alpha', c);
    const again = await s.send('alpha', c);
    const changed = await s.send('alpha', { ...c, type: 'resume' }); // same id, other content: still the original reply
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    expect(changed).toEqual(first);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy).toHaveBeenCalledWith({ type: 'kill' });
    expect(s.ofType('command.applied')).toHaveLength(1);
    expect(s.ofType('command.duplicate')).toHaveLength(2);
    expect(s.ofType('command.received')).toHaveLength(3);
    // A refused command keeps its refusal on replay, even once it would be valid.
    const late = cmd({ expiresAt: WALL - 1 });
    const r1 = await s.send('alpha', late);
    s.wall.ms = WALL - 10_000;
    expect(await s.send('alpha', late)).toEqual(r1);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('desk.cmd.all applies to every bot', async () => {
    const s = started();
    await s.feed(40);
    const spies = [vi.spyOn(s.alpha, 'command'), vi.spyOn(s.beta, 'command')];
    const reply = await s.send('all', cmd());
    expect(reply).toMatchObject({ ok: true, botId: 'all' });
    for (const spy of spies) expect(spy).toHaveBeenCalledWith({ type: 'pause' });
    expect(s.ofType('command.applied')[0]?.payload['bots']).toEqual(['alpha', 'beta']);
    await s.feed(2);
    expect(s.alpha.view().state).toBe('SoftPaused');
    expect(s.beta.view().state).toBe('SoftPaused');
  });

  it('set_target_base_pct validates args.value', async () => {
    const s = started();
    const spy = vi.spyOn(s.alpha, 'command');
    for (const value of ['abc', 1.5, -0.1, { x: 1 }, true]) {
      const reply = await s.send('alpha', cmd({ type: 'set_target_base_pct', args: { value } }));
      expect(reply.error?.code, JSON.stringify(value)).toBe('invalid_command');
      expect(reply.error?.message).toContain('args.value');
    }
    const missing = await s.send('alpha', cmd({ type: 'set_target_base_pct' }));
    expect(missing.error?.code).toBe('invalid_command');
    expect(missing.error?.message).toContain('args.value');
    expect(spy).not.toHaveBeenCalled();
    expect((await s.send('alpha', cmd({ type: 'set_target_base_pct', args: { value: '0.4' } }))).ok).toBe(true);
    expect((await s.send('alpha', cmd({ type: 'set_target_base_pct', args: { value: null } }))).ok).toBe(true);
    expect(spy.mock.calls.map(([c]) => (c.type === 'set_target_base_pct' ? (c.value?.toFixed() ?? null) : c.type))).toEqual(['0.4', null]);
  });

  it('a command for a stopped bot is not_permitted; after stop() the handler no longer answers', async () => {
    const s = started();
    await s.alpha.stop('test');
    const reply = await s.send('alpha', cmd());
    expect(reply).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(reply.error?.message).toMatch(/stopped/);
    s.handler.stop();
    await expect(s.send('alpha', cmd())).rejects.toThrow();
  });

  it('desk.cmd.all is all or nothing: with one bot stopped, no bot gets the command', async () => {
    const s = started();
    await s.beta.stop('test');
    const spy = vi.spyOn(s.alpha, 'command');
    const reply = await s.send('all', cmd());
    expect(reply).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    expect(reply.error?.message).toContain('beta');
    expect(spy).not.toHaveBeenCalled();
    expect(s.ofType('command.applied')).toHaveLength(0);
    expect(s.ofType('command.rejected')).toHaveLength(1);
  });

  it('in owned mode a handler answers only its own bots and `all`; a bot nobody owns gets no responders', async () => {
    const s = started();
    s.handler.stop();
    const owned = startCommandHandler({ bus: s.bus, bots: new Map([['alpha', s.alpha]]), log: createEventLog({ append: () => undefined }), wallClock: s.wall, eventClock: s.clock, mode: 'owned' });
    try {
      expect((await s.send('alpha', cmd())).ok).toBe(true);
      expect((await s.send('all', cmd())).ok).toBe(true);
      await expect(s.send('beta', cmd())).rejects.toThrow(/no responders/i);
      await expect(s.send('nobody', cmd())).rejects.toThrow(/no responders/i);
    } finally {
      owned.stop();
    }
  });
});
