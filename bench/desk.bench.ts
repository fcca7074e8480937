/**
 * Whole-desk replay of the default desk (config/desk.default.yaml: both paper bots on the
 * bundled BTCUSDT + ETHUSDT capture, ~179k messages) at `--speed max`, each run into a fresh
 * temporary var directory (the JSONL event store is written as in `desk up`).
 *
 * 1. Throughput: market messages per second of the desk's total wall time, including its own
 *    loading of the captures ("end to end"), and of the replay alone (from `onLoaded` to the
 *    end: replay, clean stop, store flush). The floor, measured in the same run, is reading +
 *    parsing the same capture files with `readCaptureMessages` and nothing else; target:
 *    end-to-end ≥ 30% of the floor.
 * 2. Tracing: the same replay with `transitionTracer()` as the inspect observer and an OTLP/HTTP
 *    exporter (`startTracing`) sending to a local receiver in a worker thread, against tracing
 *    off (no inspect observer). The traced time includes `tracing.shutdown()`, which flushes the
 *    spans still queued. Also measured: `desk up` without an endpoint (the tracer installed on
 *    the API's no-op provider). Target: slowdown ≤ 25%.
 *
 * A warm-up desk run first, then REPS rounds of {floor, off, no-op, on}, rotating the order in
 * each round so JIT warm-up and leftover garbage from the previous run hit every variant alike;
 * each figure is the median of its REPS runs.
 */
import { trace, type Tracer } from '@opentelemetry/api';
import { pathToFileURL } from 'node:url';
import type { InspectionEvent } from 'xstate';
import { startTracing } from '../otel/tracing.ts';
import { transitionTracer } from '../otel/transition-tracer.ts';
import { readCaptureMessages } from '../streams/capture-messages.ts';
import { captureFileLists, cpuMsSince, type DeskRun, loadDefaultDesk, median, round, runDeskOnce } from './desk-harness.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';
import type { BenchFigure } from './types.ts';

const REPS = 5;

type Variant = 'floor' | 'off' | 'noop' | 'on';
const ORDER: readonly Variant[] = ['floor', 'off', 'noop', 'on'];

/** The `desk` tracer of whatever provider is installed, counting the spans it starts. */
function countingTracer(counter: { spans: number }): Tracer {
  // Resolved per span, as transitionTracer() does by default.
  return {
    startSpan(name, options, context) {
      counter.spans++;
      return trace.getTracer('desk').startSpan(name, options, context);
    },
    startActiveSpan: ((...args: Parameters<Tracer['startActiveSpan']>) =>
      (trace.getTracer('desk').startActiveSpan as (...a: unknown[]) => unknown)(...args)) as Tracer['startActiveSpan'],
  };
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number): number => n / (ms / 1000);

/** Runs benchmarks 1 and 2 and returns their figures. */
export async function benchDesk(): Promise<BenchFigure[]> {
  const config = await loadDefaultDesk();
  const fileLists = captureFileLists(config);
  const receiver = await startOtlpReceiver();
  try {
    const warm = await runDeskOnce(config);
    const messages = warm.summary.messages;
    console.log(`desk replay: ${messages} messages, ${warm.summary.events} events; warm-up ${s(warm.totalMs)}`);

    const floorMs: number[] = [];
    const floorCpu: number[] = [];
    const off: DeskRun[] = [];
    const noop: DeskRun[] = [];
    const on: { run: DeskRun; wallMs: number; cpuMs: number; flushMs: number; created: number; received: number; requests: number; bytes: number; errors: number }[] = [];

    for (let rep = 0; rep < REPS; rep++) {
      for (let k = 0; k < ORDER.length; k++) {
        const v = ORDER[(rep + k) % ORDER.length] as Variant;
        if (v === 'floor') {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          let n = 0;
          for (const files of fileLists) n += (await readCaptureMessages(files)).length;
          const ms = performance.now() - t0;
          if (n !== messages) throw new Error(`bench: the floor read ${n} messages, the desk replayed ${messages}`);
          floorMs.push(ms);
          floorCpu.push(cpuMsSince(c0));
          console.log(`  round ${rep + 1} floor  ${s(ms)}  ${Math.round(rate(n, ms))} msg/s  (cpu ${s(floorCpu.at(-1) as number)})`);
        } else if (v === 'off') {
          const r = await runDeskOnce(config);
          off.push(r);
          console.log(`  round ${rep + 1} off    ${s(r.totalMs)}  (replay ${s(r.replayMs)}, cpu ${s(r.cpuMs)})`);
        } else if (v === 'noop') {
          // `desk up` with no OTLP endpoint: the tracer observes, the API's no-op provider drops.
          const r = await runDeskOnce(config, transitionTracer());
          noop.push(r);
          console.log(`  round ${rep + 1} no-op  ${s(r.totalMs)}  (replay ${s(r.replayMs)}, cpu ${s(r.cpuMs)})`);
        } else {
          await receiver.reset();
          const counter = { spans: 0 };
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const tracing = startTracing({ serviceName: 'desk-bench', endpoint: receiver.endpoint });
          if (!tracing.enabled) throw new Error('bench: tracing did not start');
          const inspect: (e: InspectionEvent) => void = transitionTracer({ tracer: countingTracer(counter) });
          const run = await runDeskOnce(config, inspect);
          const t1 = performance.now();
          await tracing.shutdown();
          const t2 = performance.now();
          const cpuMs = cpuMsSince(c0);
          const st = await receiver.stats();
          on.push({ run, wallMs: t2 - t0, cpuMs, flushMs: t2 - t1, created: counter.spans, received: st.spans, requests: st.requests, bytes: st.bytes, errors: st.errors });
          console.log(`  round ${rep + 1} on     ${s(t2 - t0)}  (run ${s(run.totalMs)}, replay ${s(run.replayMs)}, shutdown ${s(t2 - t1)}, cpu ${s(cpuMs)}); spans ${counter.spans} started, ${st.spans} received in ${st.requests} requests (${(st.bytes / 2 ** 20).toFixed(1)} MiB)${st.errors > 0 ? `, ${st.errors} bad requests` : ''}`);
        }
      }
    }

    const floor = median(floorMs);
    const offTotal = median(off.map((r) => r.totalMs));
    const offReplay = median(off.map((r) => r.replayMs));
    const noopTotal = median(noop.map((r) => r.totalMs));
    const onWall = median(on.map((r) => r.wallMs));
    const floorRate = rate(messages, floor);
    const e2eRate = rate(messages, offTotal);
    const replayRate = rate(messages, offReplay);
    const slowdown = (onWall / offTotal - 1) * 100;
    const noopSlowdown = (noopTotal / offTotal - 1) * 100;
    const onVsNoop = (onWall / noopTotal - 1) * 100;
    const offCpu = median(off.map((r) => r.cpuMs));
    const noopCpu = median(noop.map((r) => r.cpuMs));
    const onCpu = median(on.map((r) => r.cpuMs));
    const cpuSlowdown = (onCpu / offCpu - 1) * 100;
    const best = (xs: readonly number[]): number => Math.min(...xs);
    const bestSlowdown = (best(on.map((r) => r.wallMs)) / best(off.map((r) => r.totalMs)) - 1) * 100;
    const spansReceived = median(on.map((r) => r.received));
    const spansCreated = median(on.map((r) => r.created));
    const requests = median(on.map((r) => r.requests));
    const badRequests = on.reduce((n, r) => n + r.errors, 0);

    console.log(`desk replay (median of ${REPS}): end to end ${s(offTotal)} = ${Math.round(e2eRate)} msg/s; replay only ${s(offReplay)} = ${Math.round(replayRate)} msg/s; decode floor ${s(floor)} = ${Math.round(floorRate)} msg/s`);
    console.log(`  ratio desk/floor: end to end ${(e2eRate / floorRate).toFixed(3)} (target >= 0.30), replay only ${(replayRate / floorRate).toFixed(3)}`);
    console.log(`tracing (median of ${REPS}): off ${s(offTotal)}, no-op tracer ${s(noopTotal)} (${noopSlowdown.toFixed(1)}%), exporting ${s(onWall)} incl. shutdown flush (${slowdown.toFixed(1)}% vs off, target <= 25%; ${onVsNoop.toFixed(1)}% vs no-op)`);
    console.log(`  cpu time (median): floor ${s(median(floorCpu))}, off ${s(offCpu)}, no-op ${s(noopCpu)}, exporting ${s(onCpu)} (${cpuSlowdown.toFixed(1)}% vs off)`);
    console.log(`  best of ${REPS} wall: floor ${s(best(floorMs))}, off ${s(best(off.map((r) => r.totalMs)))} (replay ${s(best(off.map((r) => r.replayMs)))}), no-op ${s(best(noop.map((r) => r.totalMs)))}, exporting ${s(best(on.map((r) => r.wallMs)))} (${bestSlowdown.toFixed(1)}% vs off); end-to-end ratio ${(best(floorMs) / best(off.map((r) => r.totalMs))).toFixed(3)}`);
    console.log(`  spans per run: ${spansCreated} started, ${spansReceived} received by the local receiver in ${requests} requests${badRequests > 0 ? `; ${badRequests} bad requests` : ''}`);
    if (spansReceived === 0) throw new Error('bench: the receiver got no spans — the exporter did not run');

    return [
      { name: 'desk.replay.end_to_end', value: Math.round(e2eRate), unit: 'msg/s', floor: Math.round(floorRate), ratio: round(e2eRate / floorRate, 3), target: 'ratio >= 0.3' },
      { name: 'desk.replay.replay_only', value: Math.round(replayRate), unit: 'msg/s', floor: Math.round(floorRate), ratio: round(replayRate / floorRate, 3) },
      { name: 'desk.replay.wall', value: Math.round(offTotal), unit: 'ms' },
      { name: 'desk.tracing.noop.wall', value: Math.round(noopTotal), unit: 'ms', floor: Math.round(offTotal), ratio: round(noopTotal / offTotal, 3) },
      { name: 'desk.tracing.on.wall', value: Math.round(onWall), unit: 'ms', floor: Math.round(offTotal), ratio: round(onWall / offTotal, 3) },
      { name: 'desk.tracing.slowdown', value: round(slowdown, 1), unit: '%', target: '<= 25' },
      { name: 'desk.tracing.slowdown.cpu', value: round(cpuSlowdown, 1), unit: '%', target: '<= 25' },
      { name: 'desk.tracing.spans_started', value: spansCreated, unit: 'spans/run' },
      { name: 'desk.tracing.spans_received', value: spansReceived, unit: 'spans/run' },
    ];
  } finally {
    await receiver.close();
  }
}

// `tsx bench/desk.bench.ts` prints the figures on its own.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchDesk()) console.log(JSON.stringify(f));
}
