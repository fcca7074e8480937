/**
 * What a desk process needs from NATS, opened in one place: the connection (reconnecting
 * forever, secrets from the environment), the Bus over it, the protected JetStream streams, the
 * event sink that spools through outages, the KV buckets (daily state, kill latches) in the
 * shapes the actors use, and per-producer seq recovery. `prefix` namespaces everything (subjects,
 * streams, buckets) so tests and several desks can share one server.
 */
import type { NatsConnection } from 'nats';
import type { DailyStateStore } from '../actors/host.ts';
import type { Latch, LatchStore } from '../actors/kill-switch.ts';
import type { BusHandlerError } from '../adapters/bus/errors.ts';
import { NatsBus } from '../adapters/bus/nats.ts';
import { openJetStreamEventSink, type JetStreamEventSink } from '../adapters/jetstream/event-publisher.ts';
import { type DeskKv, openDeskKv } from '../adapters/jetstream/kv.ts';
import { recoverStreamSeqState } from '../adapters/jetstream/recover.ts';
import { type DeskStreamNames, deskStreamNames, ensureDeskStreams } from '../adapters/jetstream/streams.ts';
import { connectNats, type NatsStatusEvent } from '../adapters/nats/connect.ts';
import type { SeqState } from '../domain/events/envelope.ts';
import type { DayCountersJson } from '../domain/strategy/epp/day.ts';
import type { Logger } from '../otel/logger.ts';

export interface NatsRuntimeOptions {
  readonly url?: string;
  /** The connection name (shown by the server), e.g. `desk-host-h1`. */
  readonly name: string;
  readonly prefix?: string;
  /** Where the event sink spools while NATS is unreachable (one per process). */
  readonly spoolDir: string;
  readonly logger: Logger;
  readonly onStatus?: (e: NatsStatusEvent) => void;
  /** Every message the bus could not deliver (not JSON, a throwing handler); default: a log warning. */
  readonly onBusError?: (e: BusHandlerError) => void;
}

export interface NatsRuntime {
  readonly nc: NatsConnection;
  readonly bus: NatsBus;
  readonly names: DeskStreamNames;
  readonly sink: JetStreamEventSink;
  readonly kv: DeskKv;
  readonly latches: LatchStore;
  readonly daily: DailyStateStore;
  seqState(producers: readonly string[]): Promise<SeqState>;
  /** Flushes the sink and closes the bus and the connection. */
  close(): Promise<void>;
}

/** The kill switch's latch in the KV bucket's JSON form, and back. */
function latchStore(kv: DeskKv): LatchStore {
  return {
    async get(botId) {
      const v = await kv.getLatch(botId);
      if (v === null) return null;
      return {
        botId,
        reason: v.reason,
        trigger: v.trigger === '' ? null : (v.trigger as Latch['trigger']),
        latchedAt: v.latchedAt,
        attempts: typeof v['attempts'] === 'number' ? v['attempts'] : 0,
        verified: v['verified'] === true,
        correlationId: typeof v['correlationId'] === 'string' ? v['correlationId'] : null,
      };
    },
    put: (botId, l) => kv.putLatch(botId, { reason: l.reason, trigger: l.trigger ?? '', latchedAt: l.latchedAt, attempts: l.attempts, verified: l.verified, correlationId: l.correlationId }),
    delete: (botId) => kv.deleteLatch(botId),
  };
}

function dailyStore(kv: DeskKv): DailyStateStore {
  return {
    async get(botId) {
      const r = await kv.getDaily(botId);
      return r === null ? null : (r.state as unknown as DayCountersJson);
    },
    async put(botId, day) {
      await kv.putDaily(botId, { ...day });
    },
  };
}

/**
 * Creates or tightens the desk's streams; an identity that may not (every one but `admin` under
 * the shipped server config) uses them as provisioned, and fails clearly if they do not exist.
 */
async function provisionedStreams(nc: NatsConnection, prefix: string | undefined, logger: Logger): Promise<DeskStreamNames> {
  const jsm = await nc.jetstreamManager();
  try {
    return (await ensureDeskStreams(jsm, prefix !== undefined ? { prefix } : {})).names;
  } catch (e) {
    const names = deskStreamNames(prefix);
    const exists = async (stream: string): Promise<boolean> => jsm.streams.info(stream).then(() => true, () => false);
    if ((await exists(names.events)) && (await exists(names.audit))) {
      logger.info({ err: e }, 'streams not provisioned by this identity; using them as they are');
      return names;
    }
    throw new Error(`the desk's streams ${names.events} and ${names.audit} are missing and this identity cannot create them (${e instanceof Error ? e.message : String(e)}); start any desk process once as the admin identity`, { cause: e });
  }
}

export async function openNatsRuntime(o: NatsRuntimeOptions): Promise<NatsRuntime> {
  const nc = await connectNats({ ...(o.url !== undefined ? { url: o.url } : {}), name: o.name, ...(o.onStatus ? { onStatus: o.onStatus } : {}) });
  try {
    const bus = new NatsBus(nc, { ...(o.prefix !== undefined ? { prefix: o.prefix } : {}), onError: (e) => {
      o.logger.warn({ err: e }, 'bus handler error');
      o.onBusError?.(e);
    } });
    const names = await provisionedStreams(nc, o.prefix, o.logger);
    const sink = await openJetStreamEventSink({ nc, names, spoolDir: o.spoolDir });
    const kv = await openDeskKv(nc.jetstream(), o.prefix !== undefined ? { suffix: o.prefix } : {});
    return {
      nc,
      bus,
      names,
      sink,
      kv,
      latches: latchStore(kv),
      daily: dailyStore(kv),
      seqState: (producers) => recoverStreamSeqState(nc, names, producers),
      async close() {
        await sink.close();
        await bus.close();
        await nc.drain().catch(() => nc.close());
      },
    };
  } catch (e) {
    await nc.close();
    throw e;
  }
}
