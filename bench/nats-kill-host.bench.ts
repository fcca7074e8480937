/**
 * The kill's cost inside ONE host, with nothing else competing for the CPU: a `BotHost` with 4
 * paper bots (the first host of the kill bench: btc-1, btc-2, eth-1, eth-2, replaying at 1×),
 * events published to JetStream on the local server through the real sink (unique prefix,
 * deleted afterwards), latches in memory. Per trial a portfolio `kill` decision for the four is
 * delivered on an in-process bus; timed from the delivery to: every bot's `kill.triggered`
 * (cancel-all issued), `kill.verified` (zero open orders read back from the venue) and all four
 * latches stored, plus the process CPU used meanwhile and the events appended. Then every bot is
 * rearmed and quotes again before the next trial. This is the floor the cross-process kill bench
 * (nats-kill.bench.ts) adds transport and scheduling to.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus } from '../adapters/bus/in-process.ts';
import { RISK_DECISION_SUBJECT, commandSubject } from '../adapters/bus/subjects.ts';
import { openJetStreamEventSink } from '../adapters/jetstream/event-publisher.ts';
import { ensureDeskStreams } from '../adapters/jetstream/streams.ts';
import { connectNats } from '../adapters/nats/connect.ts';
import { BotHost } from '../actors/host.ts';
import { MemoryLatchStore } from '../actors/kill-switch.ts';
import type { DeskEventSink } from '../actors/desk.ts';
import { silentLogger } from '../otel/logger.ts';
import { ms3, sleep, stats, writeTenBotConfig } from './nats-cluster.ts';
import type { BenchFigure } from './types.ts';

const TRIALS = Number(process.env['BENCH_KILL_HOST_TRIALS'] ?? 40);
const BOTS = ['btc-1', 'btc-2', 'eth-1', 'eth-2'];

export async function benchNatsKillHost(): Promise<BenchFigure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'desk-bench-kill-host-'));
  const nc = await connectNats({ url: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222', name: 'desk-bench-kill-host', auth: { kind: 'none' }, env: {} });
  const prefix = `bench-kh-${Date.now().toString(36)}`;
  const { names } = await ensureDeskStreams(await nc.jetstreamManager(), { prefix });
  const js = await openJetStreamEventSink({ nc, prefix, spoolDir: join(dir, 'spool') });
  const seen: { type: string; at: number }[] = [];
  const sink: DeskEventSink = {
    append: (e) => {
      seen.push({ type: e.type, at: performance.now() });
      return js.append(e);
    },
    flush: () => js.flush(),
    get pending() {
      return js.pending;
    },
  };
  const bus = new InProcessBus();
  const latches = new MemoryLatchStore();
  const host = new BotHost({ name: 'h1', bus, sink, seqState: async () => ({}), daily: { get: async () => null, put: async () => undefined }, latches, logger: silentLogger(), requireRisk: false });
  const issued: number[] = [];
  const verified: number[] = [];
  const latched: number[] = [];
  const cpu: number[] = [];
  const events: number[] = [];
  let notAllQuoting = 0;
  try {
    await host.start();
    await host.spawn({ config: await writeTenBotConfig(dir), bots: BOTS, speed: 1 });
    // Waits until every bot rests orders again (a bot in a no-quote regime may not: counted).
    const quoting = async (ms: number): Promise<boolean> => {
      const end = performance.now() + ms;
      while (!host.views().every((v) => v.openOrders > 0)) {
        if (performance.now() > end) return false;
        await sleep(5);
      }
      return true;
    };
    if (!(await quoting(20_000))) throw new Error('bench: the bots did not quote within 20 s');
    let cmd = 0;
    for (let t = 0; t < TRIALS + 3; t++) {
      await sleep(200);
      seen.length = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      bus.publish(RISK_DECISION_SUBJECT, { id: `bench-${t}`, ts: Date.now(), action: 'kill', clears: null, rule: 'daily_loss', asset: null, side: null, threshold: '500', value: '1000', bots: BOTS, inputs: [] });
      while (latches.keys().length < BOTS.length) await new Promise((r) => setImmediate(r));
      const t1 = performance.now();
      const c1 = process.cpuUsage(c0);
      const lastOf = (type: string): number => Math.max(...seen.filter((x) => x.type === type).map((x) => x.at)) - t0;
      if (t >= 3) {
        // The first three are warm-up.
        issued.push(lastOf('kill.triggered'));
        verified.push(lastOf('kill.verified'));
        latched.push(t1 - t0);
        cpu.push((c1.user + c1.system) / 1000);
        events.push(seen.length);
      }
      await sleep(100);
      for (const b of BOTS) {
        const now = Date.now();
        const r = await bus.request(commandSubject(b), { id: `bench-rearm-${++cmd}`, type: 'rearm', issuedAt: now, expiresAt: now + 60_000, issuer: 'desk-bench', reason: 'bench: next trial' }, { timeoutMs: 5000 });
        if (r.data['ok'] !== true) throw new Error(`bench: rearm of ${b} refused: ${JSON.stringify(r.data)}`);
      }
      if (!(await quoting(3000))) notAllQuoting += 1;
    }
  } finally {
    await host.close();
    await js.close();
    const jsm = await nc.jetstreamManager();
    for (const s of [names.events, names.audit]) await jsm.streams.delete(s).catch(() => undefined);
    await nc.close();
    await rm(dir, { recursive: true, force: true });
  }
  const si = stats(issued);
  const sv = stats(verified);
  const sl = stats(latched);
  const sc = stats(cpu);
  const meanEvents = events.reduce((a, b) => a + b, 0) / events.length;
  console.log(`kill inside one host (4 bots, no competing process; ${si.n} trials, ${meanEvents.toFixed(1)} events per kill; ${notAllQuoting} trial(s) started with a bot not quoting):`);
  console.log(`  last cancel-all issued p50 ${ms3(si.p50)} p99 ${ms3(si.p99)} ms; last verified p50 ${ms3(sv.p50)} p99 ${ms3(sv.p99)} ms; all latched p50 ${ms3(sl.p50)} p99 ${ms3(sl.p99)} ms; CPU p50 ${ms3(sc.p50)} p99 ${ms3(sc.p99)} ms`);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return [
    { name: 'nats.kill.host.issued_last_bot', value: r3(si.p99), unit: 'ms', p50: r3(si.p50), p99: r3(si.p99) },
    { name: 'nats.kill.host.verified_last_bot', value: r3(sv.p99), unit: 'ms', p50: r3(sv.p50), p99: r3(sv.p99) },
    { name: 'nats.kill.host.all_latched', value: r3(sl.p99), unit: 'ms', p50: r3(sl.p50), p99: r3(sl.p99) },
    { name: 'nats.kill.host.cpu', value: r3(sc.p50), unit: 'ms CPU per kill of 4 bots', p50: r3(sc.p50), p99: r3(sc.p99) },
  ];
}
