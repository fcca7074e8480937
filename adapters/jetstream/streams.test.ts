import type { NatsConnection } from 'nats';
import { StorageType } from 'nats';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DeskStreamConfigError } from './errors.ts';
import { deleteStreams, uniquePrefix, useSharedNats } from './jetstream.fixtures.ts';
import {
  auditSubject,
  defaultAuditKind,
  deskStreamConfig,
  deskStreamNames,
  ensureDeskStreams,
  eventSubject,
  producerFromToken,
  producerToken,
} from './streams.ts';

describe('subject scheme', () => {
  it('producer tokens are single safe tokens, reversible and collision-free', () => {
    const producers = ['bot-a', 'bot.a', 'bot~2Ea', 'a b*>', 'risk_1', 'böt.ü', '~'];
    const tokens = producers.map(producerToken);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_~-]+$/);
    expect(new Set(tokens).size).toBe(producers.length);
    expect(tokens.map(producerFromToken)).toEqual(producers);
    expect(producerToken('bot.a')).toBe('bot~2Ea');
  });

  it('events and audit subjects, with and without a prefix', () => {
    expect(eventSubject(deskStreamNames(), 'bot.a', 'order.filled')).toBe('desk.evt.bot~2Ea.order.filled');
    const p = deskStreamNames('t1');
    expect(p).toEqual({ events: 'DESK_EVENTS_t1', audit: 'DESK_AUDIT_t1', eventsRoot: 't1.desk.evt', auditRoot: 't1.desk.audit' });
    expect(auditSubject(p, 'kill')).toBe('t1.desk.audit.kill');
    expect(() => deskStreamNames('a.b')).toThrow(RangeError);
  });

  it('audit kinds: commands, risk, kill switch; everything else is not audited', () => {
    expect(['command.applied', 'cmd.pause', 'risk.decision', 'kill.trigger', 'killswitch.armed', 'order.filled', 'commands.x'].map(defaultAuditKind)).toEqual([
      'command', 'command', 'risk', 'kill', 'kill', null, null,
    ]);
  });
});

describe('ensureDeskStreams (real NATS)', () => {
  const conn = useSharedNats();
  let nc: NatsConnection;
  const created: string[] = [];
  beforeEach(() => {
    nc = conn();
  });
  afterAll(async () => {
    await deleteStreams(conn(), created);
  });

  it('creates both streams protected, file storage, dedupe window; a second call changes nothing', async () => {
    const prefix = uniquePrefix();
    const jsm = await nc.jetstreamManager();
    const first = await ensureDeskStreams(jsm, { prefix, duplicateWindowMs: 60_000 });
    created.push(first.names.events, first.names.audit);
    expect(first.streams.map((s) => [s.stream, s.action])).toEqual([[`DESK_EVENTS_${prefix}`, 'created'], [`DESK_AUDIT_${prefix}`, 'created']]);
    for (const s of first.streams) {
      const { config } = await jsm.streams.info(s.stream);
      expect(config).toMatchObject({ storage: StorageType.File, deny_delete: true, deny_purge: true, discard: 'old', duplicate_window: 60_000 * 1e6, max_age: 0 });
    }
    expect((await jsm.streams.info(first.names.events)).config.subjects).toEqual([`${prefix}.desk.evt.>`]);
    expect((await jsm.streams.info(first.names.audit)).config.subjects).toEqual([`${prefix}.desk.audit.>`]);
    const again = await ensureDeskStreams(jsm, { prefix, duplicateWindowMs: 60_000 });
    expect(again.streams.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('nobody can delete or purge messages, nor lift the protection', async () => {
    const prefix = uniquePrefix();
    const jsm = await nc.jetstreamManager();
    const { names } = await ensureDeskStreams(jsm, { prefix });
    created.push(names.events, names.audit);
    const js = nc.jetstream();
    await js.publish(auditSubject(names, 'kill'), new TextEncoder().encode('{}'), { msgID: 'a1' });
    await js.publish(auditSubject(names, 'command'), new TextEncoder().encode('{}'), { msgID: 'a2' });
    await expect(jsm.streams.purge(names.audit)).rejects.toThrow(/purge not permitted/);
    await expect(jsm.streams.purge(names.audit, { filter: `${names.auditRoot}.kill` })).rejects.toThrow(/purge not permitted/);
    await expect(jsm.streams.deleteMessage(names.audit, 1)).rejects.toThrow(/message delete not permitted/);
    await expect(jsm.streams.deleteMessage(names.audit, 1, false)).rejects.toThrow(/message delete not permitted/);
    const info = await jsm.streams.info(names.audit);
    await expect(jsm.streams.update(names.audit, { ...info.config, deny_delete: false, deny_purge: false })).rejects.toThrow(/can not cancel deny/);
    expect((await jsm.streams.info(names.audit)).state.messages).toBe(2);
  });

  it('tightens an existing stream with weaker settings, and refuses one it cannot fix', async () => {
    const prefix = uniquePrefix();
    const jsm = await nc.jetstreamManager();
    const names = deskStreamNames(prefix);
    created.push(names.events, names.audit);
    const weak = deskStreamConfig(names.events, `${names.eventsRoot}.>`, { duplicateWindowMs: 10_000, maxAgeMs: 0, replicas: 1 });
    await jsm.streams.add({ ...weak, deny_delete: false, deny_purge: false });
    const r = await ensureDeskStreams(jsm, { prefix });
    expect(r.streams[0]).toMatchObject({ action: 'updated', changes: ['deny_delete', 'deny_purge', 'duplicate_window'] });
    expect((await jsm.streams.info(names.events)).config).toMatchObject({ deny_delete: true, deny_purge: true, duplicate_window: 120_000 * 1e6 });

    const other = deskStreamNames(uniquePrefix());
    created.push(other.events, other.audit);
    await jsm.streams.add({ name: other.events, subjects: [`${other.eventsRoot}.>`], storage: StorageType.Memory });
    await expect(ensureDeskStreams(jsm, { prefix: other.events.slice('DESK_EVENTS_'.length) })).rejects.toThrow(DeskStreamConfigError);
  });
});
