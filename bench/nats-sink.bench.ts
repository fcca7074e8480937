/**
 * Events/s through JetStream with acks: `openJetStreamEventSink` (adapters/jetstream/event-publisher.ts,
 * default maxInFlight 64) on the local NATS server, under a unique prefix whose streams
 * (`DESK_EVENTS_<ns>`, `DESK_AUDIT_<ns>`, created by `ensureDeskStreams`) are deleted afterwards.
 *
 * N envelopes (stamped by `createEventLog`, as the desk does; ~300-byte payloads like a bot's
 * order events; 1 in 20 is a `kill.*` event, which also goes to DESK_AUDIT) are appended and
 * `flush()` is awaited (every event acked by every stream it goes to). Timed: first append →
 * flush resolved. Floor, same run: raw `js.publish` of the same serialized envelopes with the same
 * 64 publishes in flight (no validation, no bookkeeping, no audit copies). a warm-up of WARM_UP events,
 * then REPS runs of each, alternating; figures are medians.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createEventLog } from '../actors/event-log.ts';
import { openJetStreamEventSink } from '../adapters/jetstream/event-publisher.ts';
import { ensureDeskStreams, eventSubject } from '../adapters/jetstream/streams.ts';
import { connectNats } from '../adapters/nats/connect.ts';
import type { EventEnvelope } from '../domain/events/envelope.ts';
import { median } from './desk-harness.ts';
import { benchPrefix, deleteNamespace } from './nats-cluster.ts';
import type { BenchFigure } from './types.ts';

const N = Number(process.env['BENCH_SINK_EVENTS'] ?? 20_000);
const REPS = 2;
const WARM_UP = 2000;
const IN_FLIGHT = 64;

function payload(i: number): Record<string, string | number | boolean | null> {
  return { clientOrderId: `bench-${i.toString(36).padStart(8, '0')}`, side: i % 2 === 0 ? 'buy' : 'sell', price: '61234.56', amount: '0.00123', filled: '0', status: 'open', symbol: 'BTCUSDT', reason: 'bench: JetStream sink throughput', postOnly: true, seqNo: i, note: null };
}

/** Runs benchmark 3 and returns its figures. */
export async function benchNatsSink(): Promise<BenchFigure[]> {
  const prefix = benchPrefix('sink');
  const nc = await connectNats({ name: `desk-bench-${prefix}` });
  const jsm = await nc.jetstreamManager();
  const spoolRoot = await mkdtemp(join(tmpdir(), `${prefix}-`));
  try {
    const { names } = await ensureDeskStreams(jsm, { prefix });
    const js = nc.jetstream();
    const sinkMs: number[] = [];
    const rawMs: number[] = [];
    let audited = 0;
    let acked = 0;
    let spooled = 0;
    for (let rep = 0; rep < REPS + 1; rep++) {
      // The sink, as a host process uses it (fresh spool dir, producer seqs continued per rep).
      const sink = await openJetStreamEventSink({ nc, names, spoolDir: join(spoolRoot, `spool-${rep}`) });
      const eventLog = createEventLog(sink, {});
      const producer = `bench.sink.${rep}`;
      const ts = Date.now();
      const t0 = performance.now();
      const n = rep === 0 ? WARM_UP : N;
      for (let i = 0; i < n; i++) eventLog.append(producer, { type: i % 20 === 19 ? 'kill.cancel_attempt' : 'order.created', ts: ts + i, botId: 'btc-1', payload: payload(i) });
      await sink.flush();
      const ms = performance.now() - t0;
      const st = sink.stats;
      await sink.close();
      if (st.acked !== n || st.spooled !== 0) throw new Error(`bench: sink rep ${rep}: acked ${st.acked}/${n}, spooled ${st.spooled}, last error ${String(st.lastError)}`);

      // Floor: the same bytes published raw, IN_FLIGHT at once, to the events stream only.
      const rawProducer = `bench.raw.${rep}`;
      const rawLog = createEventLog({ append: () => undefined }, {});
      const envs: EventEnvelope[] = [];
      for (let i = 0; i < n; i++) envs.push(rawLog.append(rawProducer, { type: 'order.created', ts: ts + i, botId: 'btc-1', payload: payload(i) }));
      const enc = new TextEncoder();
      const r0 = performance.now();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < n) {
          const e = envs[next++] as EventEnvelope;
          await js.publish(eventSubject(names, e.producer, e.type), enc.encode(JSON.stringify(e)), { msgID: e.eventId, expect: { streamName: names.events } });
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const rms = performance.now() - r0;
      if (rep === 0) {
        console.log(`  warm-up (${n} events): sink ${Math.round(ms)} ms, raw ${Math.round(rms)} ms`);
        continue;
      }
      sinkMs.push(ms);
      rawMs.push(rms);
      acked += st.acked;
      spooled += st.spooled;
      audited += Math.floor(N / 20);
      console.log(`  rep ${rep}: sink ${N} events appended + flushed (all acked) in ${Math.round(ms)} ms = ${Math.round(N / (ms / 1000))} ev/s; raw js.publish floor ${Math.round(rms)} ms = ${Math.round(N / (rms / 1000))} msg/s`);
    }
    const info = await jsm.streams.info(names.events);
    const auditInfo = await jsm.streams.info(names.audit);
    const sinkRate = N / (median(sinkMs) / 1000);
    const rawRate = N / (median(rawMs) / 1000);
    console.log(`JetStream event sink (median of ${REPS}): ${Math.round(sinkRate)} events/s acked (${N} per run, ${audited / REPS} of them also to DESK_AUDIT); raw js.publish floor ${Math.round(rawRate)} msg/s; ratio ${(sinkRate / rawRate).toFixed(3)}; streams hold ${info.state.messages} events, ${auditInfo.state.messages} audit; acked ${acked}, spooled ${spooled}`);
    const r = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;
    return [
      { name: 'nats.jetstream.sink', value: Math.round(sinkRate), unit: 'events/s', floor: Math.round(rawRate), ratio: r(sinkRate / rawRate, 3) },
      { name: 'nats.jetstream.sink.run', value: Math.round(median(sinkMs)), unit: `ms per ${N} events` },
    ];
  } finally {
    const deleted = await deleteNamespace(jsm, prefix);
    await nc.drain().catch(() => nc.close());
    await rm(spoolRoot, { recursive: true, force: true });
    console.log(`nats sink: cleaned up (deleted ${deleted.join(', ') || 'nothing'})`);
  }
}

// `tsx bench/nats-sink.bench.ts` prints the figures on its own.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchNatsSink()) console.log(JSON.stringify(f));
}
