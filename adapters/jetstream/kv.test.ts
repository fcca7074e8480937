import type { NatsConnection } from 'nats';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DeskKvError } from './errors.ts';
import { uniquePrefix, useSharedNats } from './jetstream.fixtures.ts';
import { type DeskKv, type LatchStore, kvKey, openDeskKv, utcDay } from './kv.ts';

const DAY1_MORNING = Date.UTC(2026, 2, 10, 0, 0, 1);
const DAY1_NIGHT = Date.UTC(2026, 2, 10, 23, 59, 59);
const DAY2 = Date.UTC(2026, 2, 11, 0, 0, 0);

describe('kv keys and days', () => {
  it('bot ids map to safe, distinct keys; days are UTC', () => {
    expect(kvKey('bot-a_1')).toBe('bot-a_1');
    expect(kvKey('bot.a')).toBe('bot=2Ea');
    expect(new Set(['bot.a', 'bot=2Ea', 'bot*', 'bot a'].map(kvKey)).size).toBe(4);
    expect(kvKey('bot*')).toMatch(/^[-/_=.a-zA-Z0-9]+$/);
    expect(utcDay(DAY1_NIGHT)).toBe('2026-03-10');
    expect(utcDay(DAY2)).toBe('2026-03-11');
  });
});

describe('DeskKv (real NATS)', () => {
  const conn = useSharedNats();
  let nc: NatsConnection;
  const buckets: string[] = [];
  let clock = DAY1_MORNING;
  const open = async (suffix = uniquePrefix()): Promise<DeskKv> => {
    const kv = await openDeskKv(nc.jetstream(), { suffix, now: () => clock });
    buckets.push(kv.buckets.daily, kv.buckets.latch);
    return kv;
  };
  beforeEach(() => {
    nc = conn();
  });
  afterAll(async () => {
    const jsm = await conn().jetstreamManager();
    for (const b of buckets) await jsm.streams.delete(`KV_${b}`).catch(() => undefined);
  });

  it('daily state is restored on a restart the same UTC day, and not the next day', async () => {
    const suffix = uniquePrefix();
    clock = DAY1_MORNING;
    const kv = await open(suffix);
    expect(kv.buckets.daily).toBe(`desk_daily_state_${suffix}`);
    expect(await kv.getDaily('bot.a')).toBeNull();
    const saved = await kv.putDaily('bot.a', { dayStartEquity: '10000.00', realizedPnl: '-120.50', lossLimitHit: true });
    expect(saved).toMatchObject({ day: '2026-03-10', savedAt: DAY1_MORNING });

    clock = DAY1_NIGHT; // a restarted host, same day: a fresh DeskKv over the same buckets
    const restarted = await open(suffix);
    expect(await restarted.getDaily('bot.a')).toEqual({ day: '2026-03-10', savedAt: DAY1_MORNING, state: { dayStartEquity: '10000.00', realizedPnl: '-120.50', lossLimitHit: true } });
    expect(await restarted.getDaily('bot-b')).toBeNull();

    clock = DAY2;
    expect(await restarted.getDaily('bot.a')).toBeNull();
    await restarted.putDaily('bot.a', { dayStartEquity: '9879.50' });
    expect((await restarted.getDaily('bot.a'))?.state).toEqual({ dayStartEquity: '9879.50' });
  });

  it('latches: put, get after restart, delete; the LatchStore view does the same', async () => {
    const suffix = uniquePrefix();
    const kv = await open(suffix);
    const latch = { reason: 'daily loss limit', trigger: 'risk.decision', latchedAt: DAY1_MORNING, operator: null };
    expect(await kv.getLatch('bot.a')).toBeNull();
    await kv.putLatch('bot.a', latch);
    const store: LatchStore = (await open(suffix)).latches;
    expect(await store.get('bot.a')).toEqual(latch);
    expect(await store.get('bot=2Ea')).toBeNull();
    await store.delete('bot.a');
    expect(await kv.getLatch('bot.a')).toBeNull();
    await store.put('*', { reason: 'operator kill all', trigger: 'cmd.kill', latchedAt: DAY2 });
    expect(await kv.getLatch('*')).toMatchObject({ reason: 'operator kill all' });
    await kv.deleteLatch('*');
    expect(await store.get('*')).toBeNull();
  });

  it('bad input changes nothing; a foreign value is an error naming bucket and key', async () => {
    const kv = await open();
    await expect(kv.putLatch('bot-a', { reason: '', trigger: 'x', latchedAt: 1 })).rejects.toThrow(/reason/);
    expect(await kv.getLatch('bot-a')).toBeNull();
    await expect(kv.putDaily('bot-a', {}, { day: '10/03/2026' })).rejects.toThrow(RangeError);
    const raw = await nc.jetstream().views.kv(kv.buckets.latch);
    await raw.put('bot-a', new TextEncoder().encode('{"reason":1}'));
    await expect(kv.getLatch('bot-a')).rejects.toThrow(DeskKvError);
    await raw.put('bot-b', new TextEncoder().encode('nope'));
    await expect(kv.getLatch('bot-b')).rejects.toThrow(/desk_kill_latch_.*\/bot-b: value is not JSON/);
  });
});
