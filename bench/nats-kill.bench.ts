/**
 * Kill propagation and operator round trips across processes, on the local NATS server (a unique
 * `--prefix`; everything it creates is deleted afterwards).
 *
 * Setup: 3 `desk host` children (h1 4 bots, h2 3, h3 3; `--no-require-risk`), one
 * `desk killswitch` child, and an echo-responder child; 10 paper bots of a generated config
 * (bench/nats-cluster.ts) spawned at `--speed 1`, waited for until each has open orders.
 *
 * 1. Kill propagation (KILL_TRIALS trials). The bench plays portfolio risk: it publishes
 *    `desk.risk.decision` {action:'kill', bots: all 10}. Each host starts the kill switch of its
 *    bots straight from the decision; the killswitch child relays it as 10 `desk.killswitch.<bot>`
 *    requests, which join those runs and are answered once verified and latched (KV).
 *    Nothing in that path is the bench's: it only publishes the decision and observes the wire
 *    from a separate connection (same machine, so one wall clock):
 *    - `issued`: decision publish → the last bot's `kill.triggered` audit event (its `ts`, a ms
 *      wall clock: resolution 1 ms, truncated). The kill switch calls the venue's cancel-all in
 *      the same synchronous step that writes this event, so it is the cancel-all issue time;
 *    - `cancel`: … → the last `kill.cancel_attempt` (the cancel-all returned), ms;
 *    - `verified`: … → the last `kill.verified` (0 open orders read back from the venue), ms;
 *    - `latched`: … → the last `kill.latched`, ms;
 *    - `relay`: … → the observer receiving the last of the 10 `desk.killswitch.<bot>` requests
 *      (high resolution, monotonic clock of the bench);
 *    - `reply`: … → the observer receiving the last host reply (verified + latched + latch
 *      persisted in KV) on the killswitch child's reply inbox: the service's confirmation.
 *    Targets (the issue's two end points): `issued` and `verified` p99 ≤ 10 ms and ≤ 5× raw RTT p99.
 *    Between trials every bot is rearmed (`desk.cmd.<bot>` rearm, fresh id) and the bench waits
 *    until each bot has placed a new order (an `order.*` placement event from `bot.<id>`) or
 *    REQUOTE_WAIT_MS passes; how many orders the kill actually cancelled is reported per trial.
 *    Floor: raw NATS request-reply RTT to the echo child (≥1000 round trips, raw nats.js
 *    `request`), and the same through the desk's `NatsBus.request` (JSON, headers, private inbox).
 * 2. `desk pause` round trip: PAUSE_TRIALS request/replies on `desk.cmd.<bot>` (pause, resume,
 *    alternating; bots rotated over the three hosts) in the wire format of `desk pause`.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { commandSubject, hostSpawnSubject, RISK_DECISION_SUBJECT } from '../adapters/bus/subjects.ts';
import type { JsonObject } from '../adapters/bus/types.ts';
import { BOT_IDS, type Cluster, type Seen, benchPrefix, deskArgs, ms3, openCluster, sleep, startChild, stats, writeTenBotConfig, REPO } from './nats-cluster.ts';
import type { BenchFigure } from './types.ts';

const KILL_TRIALS = Number(process.env['BENCH_KILL_TRIALS'] ?? 100);
const PAUSE_TRIALS = Number(process.env['BENCH_PAUSE_TRIALS'] ?? 240);
const RTT_TRIALS = 2000;
const REQUOTE_WAIT_MS = 3000;
const HOSTS: ReadonlyArray<{ name: string; bots: readonly string[] }> = [
  { name: 'h1', bots: ['btc-1', 'btc-2', 'eth-1', 'eth-2'] },
  { name: 'h2', bots: ['btc-3', 'btc-4', 'eth-3'] },
  { name: 'h3', bots: ['btc-5', 'eth-4', 'eth-5'] },
];
const VERBOSE = process.env['BENCH_VERBOSE'] === '1';
const log = (s: string): void => console.log(s);
const vlog = (s: string): void => void (VERBOSE ? process.stderr.write(`${s}\n`) : undefined);

/** Wall-clock ms (sub-ms) of a `performance.now()` reading. */
const wallOf = (mono: number): number => performance.timeOrigin + mono;

function wireCommand(type: 'pause' | 'resume' | 'rearm', reason: string): JsonObject {
  const issuedAt = Date.now();
  return { id: randomUUID(), type, issuedAt, expiresAt: issuedAt + 30_000, issuer: 'desk-bench', reason, args: {} };
}

async function until(what: string, cond: () => boolean, timeoutMs: number, pollMs = 1): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) {
      vlog(`timeout waiting for ${what}`);
      return false;
    }
    await sleep(pollMs);
  }
  return true;
}

/** Raw and NatsBus request-reply RTT to the echo child. */
async function echoRtt(c: Cluster, subject: string): Promise<{ raw: number[]; bus: number[] }> {
  const payload = new TextEncoder().encode(JSON.stringify({ reason: 'portfolio daily_loss: 1000 ≥ 500', trigger: 'risk', decisionId: randomUUID() }));
  const wire = `${c.prefix}.${subject}`;
  for (let i = 0; i < 200; i++) await c.nc.request(wire, payload, { timeout: 2000 }); // warm-up
  const raw: number[] = [];
  for (let i = 0; i < RTT_TRIALS; i++) {
    const t0 = performance.now();
    await c.nc.request(wire, payload, { timeout: 2000 });
    raw.push(performance.now() - t0);
  }
  const bus: number[] = [];
  const msg = { reason: 'portfolio daily_loss: 1000 ≥ 500', trigger: 'risk', decisionId: randomUUID() };
  for (let i = 0; i < 100; i++) await c.bus.request(subject, msg, { timeoutMs: 2000 });
  for (let i = 0; i < RTT_TRIALS; i++) {
    const t0 = performance.now();
    await c.bus.request(subject, msg, { timeoutMs: 2000 });
    bus.push(performance.now() - t0);
  }
  return { raw, bus };
}

interface BotEvt {
  readonly type: string;
  readonly producer: string;
  readonly botId: string | null;
  readonly ts: number;
  readonly payload: Record<string, unknown>;
  readonly at: number;
}

/** Runs benchmarks 1 and 2 on one throw-away multi-process desk. */
export async function benchNatsKill(): Promise<BenchFigure[]> {
  const prefix = benchPrefix('kill');
  const c = await openCluster(prefix);
  const figures: BenchFigure[] = [];
  try {
    const tSetup = performance.now();
    log(`nats kill: load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cpus`);
    // ── observers ──────────────────────────────────────────────────────────────────────────
    const typeCounts = new Map<string, number>();
    let phase: 'kill' | 'rearmed' = 'kill';
    const strayLatched = new Set<string>();
    const strayTriggers: string[] = [];
    const kill = new Map<string, BotEvt[]>(); // kill.* by bot, current trial
    const placedSince = new Map<string, number>(); // bot → placement events since the last reset
    const PLACE = /^order\.created$/;
    // Only the kill audit and placements: on 2 cores an observer parsing every event of ten bots
    // would take CPU from the very processes it times.
    const onEvent = (m: Seen): void => {
      const d = m.data;
      const e: BotEvt = { type: String(d['type']), producer: String(d['producer']), botId: typeof d['botId'] === 'string' ? d['botId'] : null, ts: Number(d['ts']), payload: (d['payload'] ?? {}) as Record<string, unknown>, at: m.at };
      typeCounts.set(`${e.producer.split('.')[0] ?? ''}:${e.type}`, (typeCounts.get(`${e.producer.split('.')[0] ?? ''}:${e.type}`) ?? 0) + 1);
      if (phase === 'rearmed' && e.type === 'kill.latched' && e.botId !== null) {
        strayLatched.add(e.botId);
        strayTriggers.push(`${String(e.payload['trigger'])}: ${String(e.payload['reason'])}`);
      }
      if (e.type.startsWith('kill.') && e.botId !== null) {
        const xs = kill.get(e.botId) ?? [];
        xs.push(e);
        kill.set(e.botId, xs);
      }
      if (e.producer.startsWith('bot.') && PLACE.test(e.type)) {
        const id = e.producer.slice(4);
        placedSince.set(id, (placedSince.get(id) ?? 0) + 1);
      }
    };
    c.observe('desk.evt.*.kill.>', onEvent);
    c.observe('desk.evt.*.order.created', onEvent);
    const relayAt = new Map<string, number>();
    c.observe('desk.killswitch.*', (m) => relayAt.set(m.subject.slice('desk.killswitch.'.length), m.at));
    const replyAt = new Map<string, { at: number; verified: boolean; open: unknown }>();
    c.observe('_INBOX.>', (m) => {
      const results = m.data['results'];
      if (!Array.isArray(results) || typeof m.data['host'] !== 'string') return;
      for (const r of results as Record<string, unknown>[]) {
        if (typeof r['botId'] === 'string') replyAt.set(r['botId'], { at: m.at, verified: r['verified'] === true && r['outcome'] === 'latched', open: r['openOrdersAtVerify'] });
      }
    });
    const hb = new Map<string, { state: string; openOrders: number | null; latched: boolean }>();
    c.observe('desk.heartbeat.*', (m) => {
      const bots = m.data['bots'];
      if (!Array.isArray(bots)) return;
      for (const b of bots as Record<string, unknown>[]) hb.set(String(b['botId']), { state: String(b['state']), openOrders: typeof b['openOrders'] === 'number' ? b['openOrders'] : null, latched: b['latched'] === true });
    });
    await c.nc.flush();

    // ── processes ──────────────────────────────────────────────────────────────────────────
    const echoSubject = 'bench.echo';
    const [echo, ks, ...hosts] = await Promise.all([
      startChild('echo', ['--import', 'tsx', `${REPO}/bench/nats-echo.child.ts`, `${prefix}.${echoSubject}`], 'ready'),
      startChild('killswitch', deskArgs(c, ['killswitch']), 'desk killswitch: armed'),
      ...HOSTS.map((h) => startChild(h.name, deskArgs(c, ['host', '--name', h.name, '--no-require-risk']), `desk host ${h.name}: ready`)),
    ]);
    c.children.push(...hosts, ks as (typeof hosts)[number], echo as (typeof hosts)[number]);
    const config = await writeTenBotConfig(c.dir);
    const spawned = await Promise.all(HOSTS.map((h) => c.bus.request(hostSpawnSubject(h.name), { config, bots: [...h.bots], speed: 1 }, { timeoutMs: 60_000 })));
    for (const r of spawned) if (r.data['ok'] !== true) throw new Error(`bench: spawn refused: ${JSON.stringify(r.data)}`);
    const tSpawned = performance.now();
    const quoting = await until('every bot quoting', () => BOT_IDS.every((b) => (hb.get(b)?.openOrders ?? 0) > 0), 60_000, 50);
    vlog(`heartbeat view: ${JSON.stringify([...hb.entries()])}`);
    if (!quoting) throw new Error(`bench: not every bot has open orders after 60 s: ${JSON.stringify([...hb.entries()])}`);
    log(`nats kill: prefix ${prefix}; 3 hosts + killswitch + echo started, 10 bots spawned in ${((tSpawned - tSetup) / 1000).toFixed(1)} s, all quoting after ${((performance.now() - tSpawned) / 1000).toFixed(1)} s (states ${[...new Set(BOT_IDS.map((b) => hb.get(b)?.state))].join(',')})`);

    // ── floor: echo RTT ────────────────────────────────────────────────────────────────────
    const rttBefore = await echoRtt(c, echoSubject);

    // ── 1. kill propagation ────────────────────────────────────────────────────────────────
    const issuedMs: number[] = [];
    const cancelMs: number[] = [];
    const verifiedMs: number[] = [];
    const latchedMs: number[] = [];
    const relayMs: number[] = [];
    const replyMs: number[] = [];
    const rearmMs: number[] = [];
    const requoteMs: number[] = [];
    let cancelledTotal = 0;
    const cancelledPerTrial: number[] = [];
    let botsWithoutOrders = 0;
    let requoteTimeouts = 0;
    let selfStopLate = 0;
    let relatched = 0;
    let stoppedEarly: string | null = null;
    for (let trial = 0; trial < KILL_TRIALS && stoppedEarly === null; trial++) {
      kill.clear();
      relayAt.clear();
      replyAt.clear();
      const decision = { id: randomUUID(), action: 'kill', rule: 'daily_loss', bots: [...BOT_IDS], threshold: '500', value: '1000', inputs: [] };
      const t0 = performance.now();
      c.bus.publish(RISK_DECISION_SUBJECT, decision);
      const done = (): boolean => BOT_IDS.every((b) => replyAt.has(b) && (kill.get(b) ?? []).some((e) => e.type === 'kill.latched') && (kill.get(b) ?? []).some((e) => e.type === 'kill.cancel_attempt'));
      if (!(await until(`trial ${trial} kill`, done, 15_000))) throw new Error(`bench: trial ${trial}: kill not complete in 15 s (replies ${replyAt.size}, kill events ${JSON.stringify([...kill.entries()].map(([b, es]) => [b, es.map((e) => e.type)]))})`);
      const w0 = wallOf(t0);
      const last = (type: string): number => Math.max(...BOT_IDS.map((b) => Math.min(...(kill.get(b) ?? []).filter((e) => e.type === type).map((e) => e.ts))));
      issuedMs.push(last('kill.triggered') - w0);
      cancelMs.push(last('kill.cancel_attempt') - w0);
      verifiedMs.push(last('kill.verified') - w0);
      latchedMs.push(last('kill.latched') - w0);
      relayMs.push(Math.max(...BOT_IDS.map((b) => relayAt.get(b) ?? Number.NaN)) - t0);
      replyMs.push(Math.max(...BOT_IDS.map((b) => replyAt.get(b)?.at ?? Number.NaN)) - t0);
      const unverified = BOT_IDS.filter((b) => replyAt.get(b)?.verified !== true);
      if (unverified.length > 0) throw new Error(`bench: trial ${trial}: not verified flat: ${unverified.join(', ')}`);
      let cancelled = 0;
      for (const b of BOT_IDS) {
        const n = (kill.get(b) ?? []).filter((e) => e.type === 'kill.cancel_attempt').reduce((a, e) => a + (Array.isArray(e.payload['cancelled']) ? e.payload['cancelled'].length : 0), 0);
        cancelled += n;
        if (n === 0) botsWithoutOrders++;
      }
      cancelledTotal += cancelled;
      cancelledPerTrial.push(cancelled);
      // The host also sends the bot a `kill` command, whose own HARD_STOP triggers the kill switch
      // again a tick later (`bot_hard_stop`, ignored: already latched). Rearming before that lands
      // gets the bot re-latched by it (see the report), so wait for it first.
      if (!(await until(`trial ${trial} self hard-stop`, () => BOT_IDS.every((b) => (kill.get(b) ?? []).some((e) => e.type === 'kill.ignored')), 3000))) selfStopLate++;
      // Rearm every bot, then wait for each to place an order again.
      let toRearm: string[] = [...BOT_IDS];
      for (let round = 0; toRearm.length > 0; round++) {
        if (round > 3) {
          stoppedEarly = `trial ${trial}: ${toRearm.join(', ')} re-latched after 3 rearms (${JSON.stringify([...new Set(strayTriggers)])}); kill trials stopped`;
          log(`  ${stoppedEarly}`);
          break;
        }
        placedSince.clear();
        strayLatched.clear();
        phase = 'rearmed';
        const r0 = performance.now();
        const replies = await Promise.all(toRearm.map((b) => c.bus.request(commandSubject(b), wireCommand('rearm', 'bench: next trial'), { timeoutMs: 5000 })));
        if (round === 0) rearmMs.push(performance.now() - r0);
        const refused = replies.filter((r) => r.data['ok'] !== true);
        if (refused.length > 0) throw new Error(`bench: trial ${trial}: rearm refused: ${JSON.stringify(refused.map((r) => r.data))}`);
        const q0 = performance.now();
        const bots = toRearm;
        if (await until(`trial ${trial} re-quote`, () => bots.every((b) => (placedSince.get(b) ?? 0) > 0), REQUOTE_WAIT_MS)) {
          if (round === 0) requoteMs.push(performance.now() - q0);
        } else requoteTimeouts++;
        await sleep(5);
        phase = 'kill';
        toRearm = [...strayLatched];
        if (toRearm.length > 0) {
          relatched += toRearm.length;
          vlog(`trial ${trial}: re-latched after rearm: ${toRearm.join(', ')}`);
          await sleep(300);
        }
      }
      if (trial === 0) for (const e of kill.get('btc-1') ?? []) log(`  trial 0, btc-1: ${e.type} ${JSON.stringify(e.payload)}`);
      vlog(`trial ${trial}: cancel ${cancelMs.at(-1)} verified ${verifiedMs.at(-1)} latched ${latchedMs.at(-1)} relay ${ms3(relayMs.at(-1) as number)} reply ${ms3(replyMs.at(-1) as number)} cancelled ${cancelled}`);
    }
    const rttAfter = await echoRtt(c, echoSubject);
    const raw = stats([...rttBefore.raw, ...rttAfter.raw]);
    const busRtt = stats([...rttBefore.bus, ...rttAfter.bus]);
    const si = stats(issuedMs);
    const sc = stats(cancelMs);
    const sv = stats(verifiedMs);
    const sl = stats(latchedMs);
    const sr = stats(relayMs);
    const sy = stats(replyMs);
    const sq = requoteMs.length > 0 ? stats(requoteMs) : null;
    log(`raw NATS request-reply RTT (echo child, ${raw.n} round trips, before + after the kills): p50 ${ms3(raw.p50)} ms, p99 ${ms3(raw.p99)} ms, max ${ms3(raw.max)} ms; through NatsBus.request: p50 ${ms3(busRtt.p50)} ms, p99 ${ms3(busRtt.p99)} ms`);
    log(`kill propagation, 10 bots on 3 hosts, ${cancelMs.length} trials (ms from the decision publish to the LAST of 10 bots):`);
    log(`  relay request seen (hi-res)    p50 ${ms3(sr.p50)}  p90 ${ms3(sr.p90)}  p99 ${ms3(sr.p99)}  max ${ms3(sr.max)}`);
    log(`  cancel-all issued: kill.triggered ts (1 ms)  p50 ${ms3(si.p50)}  p90 ${ms3(si.p90)}  p99 ${ms3(si.p99)}  max ${ms3(si.max)}  (target p99 <= 10 ms and <= 5x raw RTT p99 = ${ms3(5 * raw.p99)} ms)`);
    log(`  cancel-all returned: kill.cancel_attempt ts (1 ms)  p50 ${ms3(sc.p50)}  p90 ${ms3(sc.p90)}  p99 ${ms3(sc.p99)}  max ${ms3(sc.max)}`);
    log(`  venue verified zero orders: kill.verified ts (1 ms)  p50 ${ms3(sv.p50)}  p90 ${ms3(sv.p90)}  p99 ${ms3(sv.p99)}  max ${ms3(sv.max)}  (same target)`);
    log(`  kill.latched ts (1 ms)         p50 ${ms3(sl.p50)}  p90 ${ms3(sl.p90)}  p99 ${ms3(sl.p99)}  max ${ms3(sl.max)}`);
    log(`  kill-switch service's confirmation: last host reply seen (hi-res; latch persisted in KV)  p50 ${ms3(sy.p50)}  p90 ${ms3(sy.p90)}  p99 ${ms3(sy.p99)}  max ${ms3(sy.max)}  (ratio to raw RTT p99 ${(sy.p99 / raw.p99).toFixed(1)}x)`);
    log(`  orders cancelled by the kill switch per trial: mean ${(cancelledTotal / cancelMs.length).toFixed(1)}, min ${Math.min(...cancelledPerTrial)}, max ${Math.max(...cancelledPerTrial)}; bot-trials with 0 cancelled ${botsWithoutOrders}/${cancelMs.length * BOT_IDS.length}`);
    log(`  rearm of 10 bots (parallel requests) p50 ${ms3(stats(rearmMs).p50)} ms p99 ${ms3(stats(rearmMs).p99)} ms; re-quote after rearm ${sq ? `p50 ${ms3(sq.p50)} ms p99 ${ms3(sq.p99)} ms` : 'never seen'}; ${requoteTimeouts} trial(s) did not see every bot re-quote within ${REQUOTE_WAIT_MS} ms`);
    log(`  the bots' own HARD_STOP trigger (kill.ignored) not seen within 3 s before the rearm in ${selfStopLate} trial(s); bots re-latched after a rearm: ${relatched} (triggers ${JSON.stringify([...new Set(strayTriggers)])}; each rearmed again before the next trial)`);
    vlog(`event types: ${JSON.stringify([...typeCounts.entries()].sort())}`);

    // ── 2. pause round trip ────────────────────────────────────────────────────────────────
    const pauseMs: number[] = [];
    const pauseBots = HOSTS.flatMap((h) => h.bots.slice(0, 1)); // one bot per host, rotated
    for (let i = 0; i < 20; i++) await c.bus.request(commandSubject('btc-1'), wireCommand(i % 2 === 0 ? 'pause' : 'resume', 'bench warm-up'), { timeoutMs: 5000 });
    for (let i = 0; i < PAUSE_TRIALS; i++) {
      const bot = pauseBots[Math.floor(i / 2) % pauseBots.length] as string;
      const type = i % 2 === 0 ? 'pause' : 'resume';
      const t0 = performance.now();
      const r = await c.bus.request(commandSubject(bot), wireCommand(type, 'bench: pause round trip'), { timeoutMs: 5000 });
      pauseMs.push(performance.now() - t0);
      if (r.data['ok'] !== true) throw new Error(`bench: ${type} ${bot} refused: ${JSON.stringify(r.data)}`);
    }
    const sp = stats(pauseMs);
    log(`desk pause/resume round trip (${PAUSE_TRIALS} request/replies on desk.cmd.<bot>, bots on h1/h2/h3): p50 ${ms3(sp.p50)} ms, p90 ${ms3(sp.p90)} ms, p99 ${ms3(sp.p99)} ms, max ${ms3(sp.max)} ms (raw RTT p99 ${ms3(raw.p99)} ms)`);

    log(`nats kill: load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const r3 = (x: number): number => Math.round(x * 1000) / 1000;
    figures.push(
      { name: 'nats.rtt.raw', value: r3(raw.p50), unit: 'ms', p50: r3(raw.p50), p99: r3(raw.p99) },
      { name: 'nats.rtt.bus', value: r3(busRtt.p50), unit: 'ms', p50: r3(busRtt.p50), p99: r3(busRtt.p99), floor: r3(raw.p99), ratio: r3(busRtt.p99 / raw.p99) },
      { name: 'nats.kill.reply_last_bot', value: r3(sy.p99), unit: 'ms', p50: r3(sy.p50), p99: r3(sy.p99), floor: r3(raw.p99), ratio: r3(sy.p99 / raw.p99) },
      { name: 'nats.kill.cancel_all_issued_last_bot', value: r3(si.p99), unit: 'ms (1 ms ts)', p50: r3(si.p50), p99: r3(si.p99), floor: r3(raw.p99), ratio: r3(si.p99 / raw.p99), target: 'p99 <= 10 and ratio <= 5' },
      { name: 'nats.kill.relay_last_request', value: r3(sr.p99), unit: 'ms', p50: r3(sr.p50), p99: r3(sr.p99), floor: r3(raw.p99), ratio: r3(sr.p99 / raw.p99) },
      { name: 'nats.kill.cancel_all_returned_last_bot', value: r3(sc.p99), unit: 'ms (1 ms ts)', p50: r3(sc.p50), p99: r3(sc.p99), floor: r3(raw.p99), ratio: r3(sc.p99 / raw.p99) },
      { name: 'nats.kill.verified_last_bot', value: r3(sv.p99), unit: 'ms (1 ms ts)', p50: r3(sv.p50), p99: r3(sv.p99), floor: r3(raw.p99), ratio: r3(sv.p99 / raw.p99), target: 'p99 <= 10 and ratio <= 5' },
      { name: 'nats.kill.latched_last_bot', value: r3(sl.p99), unit: 'ms (1 ms ts)', p50: r3(sl.p50), p99: r3(sl.p99) },
      { name: 'nats.kill.trials', value: cancelMs.length, unit: 'trials' },
      { name: 'nats.kill.relatched_after_rearm', value: relatched, unit: 'bot-trials' },
      { name: 'nats.kill.orders_cancelled_per_trial', value: r3(cancelledTotal / cancelMs.length), unit: 'orders' },
      { name: 'nats.pause.round_trip', value: r3(sp.p99), unit: 'ms', p50: r3(sp.p50), p99: r3(sp.p99), floor: r3(raw.p99), ratio: r3(sp.p99 / raw.p99) },
    );
    return figures;
  } finally {
    const { deleted, exitCodes } = await c.close();
    log(`nats kill: cleaned up (children exit codes ${JSON.stringify(exitCodes)}; deleted ${deleted.join(', ') || 'nothing'})`);
  }
}

// `tsx bench/nats-kill.bench.ts` prints the figures on its own.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await benchNatsKill()) console.log(JSON.stringify(f));
}
